/** Choosing a TensorFlow.js backend. */
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ENV, parseBackendName, useBestBackend } from '../lib/backend/select';

const tfjsNodeInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

afterEach(() => {
  delete process.env[BACKEND_ENV];
});

test('without a preference it picks tfjs-node when installed, else wasm, and says why', async () => {
  const lines: string[] = [];
  const choice = await useBestBackend({ log: (line) => lines.push(line) });
  expect(choice.name).toBe(tfjsNodeInstalled ? 'tensorflow' : 'wasm');
  expect(tf.getBackend()).toBe(choice.name);
  expect(lines).toEqual([choice.description]);
  expect(choice.description).toMatch(tfjsNodeInstalled ? /tfjs-node is installed/ : /tfjs-node is not installed/);
});

test('on wasm it registers the training kernels tfjs lacks', async () => {
  const choice = await useBestBackend({ backend: 'wasm', log: null });
  expect(choice.addedKernels).toContain('Conv2DBackpropFilter');
  expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
});

test("wasm-stock puts tfjs's own wasm kernels back in the same process, and wasm registers them again", async () => {
  const stock = await useBestBackend({ backend: 'wasm-stock', log: null });
  expect(stock.addedKernels).toEqual([]);
  expect(tf.getBackend()).toBe('wasm');
  expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  const patched = await useBestBackend({ backend: 'wasm', log: null });
  expect(patched.addedKernels).toContain('Conv2DBackpropFilter');
  expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
});

test('MNIST_BACKEND forces a backend', async () => {
  process.env[BACKEND_ENV] = 'cpu';
  const choice = await useBestBackend({ log: null });
  expect(choice.name).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  expect(choice.description).toContain(`forced by ${BACKEND_ENV}`);
});

test('an option beats the environment variable', async () => {
  process.env[BACKEND_ENV] = 'cpu';
  expect((await useBestBackend({ backend: 'wasm', log: null })).name).toBe('wasm');
});

test('an unknown name is refused with the list of valid ones', async () => {
  expect(() => parseBackendName('gpu')).toThrow('unknown backend "gpu": choose one of tensorflow, wasm, wasm-stock, cpu');
  process.env[BACKEND_ENV] = 'webgl';
  await expect(useBestBackend({ log: null })).rejects.toThrow('unknown backend "webgl"');
  expect(parseBackendName(' tfjs-node ')).toBe('tensorflow');
});

(tfjsNodeInstalled ? test.skip : test)('asking for tfjs-node where it is not installed is a clear error', async () => {
  await expect(useBestBackend({ backend: 'tensorflow', log: null })).rejects.toThrow(
    'backend "tensorflow" was requested but tfjs-node is not installed',
  );
});
