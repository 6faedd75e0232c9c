/** Chapter 05's self-checked exercises: right answers pass, wrong ones fail with a hint that keeps the answer back, TODO is not attempted. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { TODO } from '../lib/exercises/exercise';
import { runCheck } from '../lib/exercises/registry';
import { hint } from './support/verdicts';
import { LENET5 } from '../lib/models/architectures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function expectFailure(id: string, answer: unknown, expected: RegExp, secret?: string): Promise<void> {
  const message = await hint(id, answer);
  expect(message).toMatch(expected);
  if (secret) expect(message).not.toContain(secret);
}

test('every chapter 05 exercise reads an untouched TODO as not attempted', async () => {
  for (const id of ['05.1', '05.2', '05.3', '05.4', '05.5']) expect((await runCheck(id, TODO)).status).toBe('not attempted');
  expect((await runCheck('05.2', { parameters: TODO, connections: TODO })).status).toBe('not attempted');
  expect((await runCheck('05.1', () => TODO)).status).toBe('not attempted');
});

test('05.1 output size: the formula passes, a formula without stride or padding fails', async () => {
  expect((await runCheck('05.1', (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1)).status).toBe('passed');
  // Counting positions one by one is right too.
  const counted = (n: number, k: number, s: number, p: number) => {
    let count = 0;
    for (let start = 0; start + k <= n + 2 * p; start += s) count++;
    return count;
  };
  expect((await runCheck('05.1', counted)).status).toBe('passed');
  await expectFailure('05.1', (n: number, k: number) => n - k + 1, /outputSize\(28, 3, 1, 1\) gives 26/);
  await expectFailure('05.1', (n: number, k: number, s: number, p: number) => (n + 2 * p - k) / s + 1, /gives/);
  await expectFailure('05.1', 'n - k + 1', /should be a function/);
});

test('05.2 parameters and connections: right counts pass, the usual slips get their own hint', async () => {
  expect((await runCheck('05.2', { parameters: 18_496, connections: 2_238_016 })).status).toBe('passed');
  await expectFailure('05.2', { parameters: 3 * 3 * 64 + 64, connections: 1 }, /every input channel/, '18496');
  await expectFailure('05.2', { parameters: 18_496, connections: 11 * 11 * 64 * 288 }, /bias/, '2238016');
  await expectFailure('05.2', { parameters: 18_496, connections: 13 * 13 * 64 * 289 }, /output shape/);
});

test('05.3 diagonal edge filter: several right filters pass; the wrong direction, a biased or a symmetric filter fail', async () => {
  for (const kernel of [[[2, 1, 0], [1, 0, -1], [0, -1, -2]], [[1, 0, 0], [0, 0, 0], [0, 0, -1]], [[1, 1, 0], [1, 0, -1], [0, -1, -1]]]) {
    expect((await runCheck('05.3', kernel)).status).toBe('passed');
  }
  await expectFailure('05.3', [[0, -1, -2], [1, 0, -1], [2, 1, 0]], /other diagonal|positive/);
  await expectFailure('05.3', [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]], /positive values along the edge/);
  await expectFailure('05.3', [[1, 1, 1], [1, 1, 1], [1, 1, 1]], /add up/);
  await expectFailure('05.3', [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], /positive|other diagonal/);
  await expectFailure('05.3', [[1, 0], [0, -1]], /3 rows of 3 numbers/);
});

/** The model 05.4 asks for, with changes. */
function smallCnn(options: { firstFilters?: number; padding?: 'valid' | 'same'; lastActivation?: 'softmax' | 'linear'; skipPool?: boolean } = {}): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: options.firstFilters ?? 8, kernelSize: 3, activation: 'relu', padding: options.padding ?? 'valid' }));
  if (!options.skipPool) model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, activation: options.lastActivation ?? 'softmax' }));
  return model;
}

test('05.4 small CNN: the spec passes; other layers, shapes or activations fail with a hint naming them', async () => {
  const right = smallCnn();
  expect((await runCheck('05.4', right)).status).toBe('passed');
  await expectFailure('05.4', smallCnn({ firstFilters: 6 }), /layer 1 \(Conv2D\) outputs 26×26×6/);
  await expectFailure('05.4', smallCnn({ padding: 'same' }), /layer 1 \(Conv2D\) outputs 28×28×8/);
  await expectFailure('05.4', smallCnn({ lastActivation: 'linear' }), /softmax/);
  await expectFailure('05.4', smallCnn({ skipPool: true }), /the layers should be/);
  await expectFailure('05.4', LENET5.build(), /the layers should be/);
  await expectFailure('05.4', 42, /tf.sequential/);
  tf.dispose([right, smallCnn()].flatMap((m) => m.getWeights()));
});

test('05.5 challenge: an untrained model is far from the bar of the quick profile, and the hint says its error', async () => {
  const before = process.env.MNIST_PROFILE;
  process.env.MNIST_PROFILE = 'quick';
  try {
    const untrained = LENET5.build();
    await expectFailure('05.5', untrained, /test error \d+\.\d\d% on the quick profile's 500 test images; the bar is below 6\.00%/);
    await expectFailure('05.5', { model: untrained }, /trained model/);
    untrained.dispose();
  } finally {
    if (before === undefined) delete process.env.MNIST_PROFILE;
    else process.env.MNIST_PROFILE = before;
  }
});
