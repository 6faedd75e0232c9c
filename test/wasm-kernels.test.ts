/**
 * The wasm backend's training kernels registered by lib/backend/wasm-kernels:
 * every one is compared numerically with the cpu backend on identical seeded
 * inputs, whole-model gradients of the series' three CNNs are compared, and a
 * small Conv2D model must learn on wasm without growing the tensor count.
 *
 * Loading the wasm backend under jest needs nothing special: the package's
 * Node bundle reads its .wasm file from its own folder with `fs`, and jest's
 * `node` test environment provides WebAssembly. Importing tfjs-layers also
 * registers tfjs-core's gradient functions, which `tf.grad` needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../lib/backend/wasm-kernels';

type Shape4 = [number, number, number, number];

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` seeded values, uniform in [-1, 1). */
function randomValues(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Runs `fn` on `backend` and returns its result; tensors made inside are freed. */
async function on<T extends tf.TensorContainer>(backend: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  expect(await tf.setBackend(backend)).toBe(true);
  expect(tf.getBackend()).toBe(backend);
  return tf.tidy(fn);
}

/** The training test's first and last loss, for the summary printed at the end. */
let trainingSummary = '';

/** Largest differences seen, per kernel, for the summary printed at the end. */
const worst = new Map<string, { abs: number; rel: number; n: number }>();

/**
 * Checks `actual` (wasm) against `expected` (cpu) elementwise with
 * |a - e| <= RTOL*|e| + ATOL*max(1, max|e|): float32 sums agree to about
 * 1e-7 relative to their terms, far inside these bounds, while any wrong
 * index, padding or transposition shows as an error of the data's own size.
 */
const RTOL = 1e-4;
const ATOL = 1e-4;
function expectClose(label: string, actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  let maxAbs = 0;
  let bad = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= RTOL * Math.abs(expected[i]) + ATOL * Math.max(1, scale)) && bad < 0) bad = i;
    if (!(d <= maxAbs)) maxAbs = d; // NaN-safe: a NaN difference becomes maxAbs
  }
  const rel = scale > 0 ? maxAbs / scale : maxAbs;
  const w = worst.get(label) ?? { abs: 0, rel: 0, n: 0 };
  worst.set(label, { abs: Math.max(w.abs, maxAbs), rel: Math.max(w.rel, rel), n: w.n + 1 });
  if (bad >= 0) {
    throw new Error(
      `${label}: element ${bad} is ${actual[bad]} on wasm, ${expected[bad]} on cpu ` +
        `(largest |value| ${scale}, largest difference ${maxAbs})`,
    );
  }
}

// The wasm backend's own MaxPoolGrad, kept before registration replaces it,
// to show why it is replaced.
let stockMaxPoolGrad: tf.KernelConfig | undefined;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  stockMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
});

afterAll(() => {
  const lines = [...worst].map(
    ([k, w]) => `  ${k}: ${w.n} comparisons, max |diff| ${w.abs.toExponential(2)}, ` +
      `max |diff| / max |cpu value| ${w.rel.toExponential(2)}`,
  );
  console.log(`wasm vs cpu, largest differences:\n${lines.join('\n')}\n${trainingSummary}`);
});

describe('registration', () => {
  test('the stock wasm Conv2DBackpropFilter is missing and its MaxPoolGrad is wrong', async () => {
    // If this fails after a tfjs upgrade, tfjs has fixed the wasm backend and
    // lib's kernels may no longer be needed.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(stockMaxPoolGrad).toBeDefined();
    // One 2x2 window, all values negative; the maximum (-1) is the 2nd element.
    const [stock, cpu] = [[] as number[], [] as number[]];
    await tf.setBackend('wasm');
    const backend = tf.backend();
    tf.tidy(() => {
      const input = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
      const dy = tf.tensor4d([5], [1, 1, 1, 1]);
      const output = tf.maxPool(input, 2, 2, 'valid');
      const out = stockMaxPoolGrad!.kernelFunc({
        inputs: { dy, input, output },
        attrs: { filterSize: 2, strides: 2, pad: 'valid' },
        backend,
      }) as tf.TensorInfo;
      stock.push(...(backend.readSync(out.dataId) as Float32Array));
      backend.disposeData(out.dataId);
    });
    cpu.push(...(await on('cpu', () => {
      const input = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
      return tf.grad((x) => tf.mul(tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')), 5))(input).dataSync() as Float32Array;
    })));
    expect(cpu).toEqual([0, 5, 0, 0]);
    expect(stock).not.toEqual(cpu);
  });

  test('registers every kernel it lists, idempotently and without warnings', async () => {
    await tf.setBackend('wasm');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const first = registerWasmTrainingKernels();
      expect([...first].sort()).toEqual([...WASM_TRAINING_KERNELS].sort());
      expect(WASM_TRAINING_KERNELS).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'MaxPoolGrad']));
      const second = registerWasmTrainingKernels();
      expect(second).toEqual(first);
      for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
      expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(stockMaxPoolGrad);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('Conv2DBackpropFilter on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /** dL/dw for L = sum(conv2d(x, w) * r), i.e. Conv2DBackpropFilter(x, dy = r). */
  async function filterGrad(
    backend: 'cpu' | 'wasm',
    xShape: Shape4,
    wShape: Shape4,
    stride: number,
    pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]],
    seed: number,
  ): Promise<Float32Array> {
    return on(backend, () => {
      const x = tf.tensor4d(randomValues(size(xShape), seed), xShape);
      const w = tf.tensor4d(randomValues(size(wShape), seed + 1), wShape);
      const yShape = tf.conv2d(x, w, stride, pad).shape;
      const r = tf.tensor(randomValues(size(yShape), seed + 2), yShape);
      const grad = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, stride, pad), r)));
      return grad(w).dataSync() as Float32Array;
    });
  }

  // Every combination of stride, padding, kernel size, input parity and batch
  // (32 cases), each with one of the 16 (in, out) channel pairs from
  // {1, 3, 8, 16}: case i takes pair (5 i) mod 16, so every pair is used twice.
  const channels = [1, 3, 8, 16];
  const cases: { name: string; x: Shape4; w: Shape4; stride: number; pad: 'valid' | 'same' }[] = [];
  let i = 0;
  for (const stride of [1, 2]) {
    for (const pad of ['valid', 'same'] as const) {
      for (const k of [3, 5]) {
        for (const h of [11, 12]) {
          for (const batch of [1, 3]) {
            const pair = (5 * i) % 16;
            const ci = channels[Math.floor(pair / 4)];
            const co = channels[pair % 4];
            const w = h + 3; // non-square inputs: a swapped height and width shows
            cases.push({
              name: `x ${batch}x${h}x${w}x${ci}, filter ${k}x${k}x${ci}x${co}, stride ${stride}, ${pad}`,
              x: [batch, h, w, ci],
              w: [k, k, ci, co],
              stride,
              pad,
            });
            i++;
          }
        }
      }
    }
  }

  test.each(cases)('$name', async ({ x, w, stride, pad }) => {
    const seed = 1000 + size(x) + 7 * size(w) + stride;
    const expected = await filterGrad('cpu', x, w, stride, pad, seed);
    const actual = await filterGrad('wasm', x, w, stride, pad, seed);
    expectClose('Conv2DBackpropFilter', actual, expected);
  });

  test.each([
    { name: 'numeric pad 1, stride 2', x: [2, 9, 10, 3] as Shape4, w: [3, 3, 3, 8] as Shape4, stride: 2, pad: 1 },
    {
      name: 'explicit asymmetric pads, stride 1',
      x: [2, 8, 7, 8] as Shape4,
      w: [5, 5, 8, 3] as Shape4,
      stride: 1,
      pad: [[0, 0], [2, 1], [0, 3], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]],
    },
    {
      name: 'explicit pads, stride 2',
      x: [3, 12, 11, 1] as Shape4,
      w: [3, 3, 1, 16] as Shape4,
      stride: 2,
      pad: [[0, 0], [1, 0], [2, 2], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]],
    },
  ])('$name', async ({ x, w, stride, pad }) => {
    const seed = 77 + size(x);
    const expected = await filterGrad('cpu', x, w, stride, pad, seed);
    const actual = await filterGrad('wasm', x, w, stride, pad, seed);
    expectClose('Conv2DBackpropFilter', actual, expected);
  });

  test('a larger, LeNet-sized batch', async () => {
    const x: Shape4 = [32, 28, 28, 1];
    const w: Shape4 = [5, 5, 1, 6];
    const expected = await filterGrad('cpu', x, w, 1, 'valid', 5);
    const actual = await filterGrad('wasm', x, w, 1, 'valid', 5);
    expectClose('Conv2DBackpropFilter', actual, expected);
  });

  test('the kernel itself leaves no tensor or backend buffer behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.tensor4d(randomValues(2 * 9 * 9 * 3, 1), [2, 9, 9, 3]);
    const dy = tf.tensor4d(randomValues(2 * 4 * 4 * 4, 2), [2, 4, 4, 4]);
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let k = 0; k < 5; k++) {
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4],
      }) as tf.Tensor;
      expect(dw.shape).toEqual([3, 3, 3, 4]);
      expect(tf.memory().numTensors).toBe(tensors + 1);
      dw.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, dy]);
  });

  test('NCHW gives a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 3, 6, 6]);
    const dy = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 3, 2],
      }),
    ).toThrow(/supports only dataFormat 'NHWC'/);
    tf.dispose([x, dy]);
  });
});

describe('MaxPoolGrad on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  type Pad = 'valid' | 'same';
  const cases: { name: string; x: Shape4; pool: number; stride: number; pad: Pad; ties?: boolean }[] = [
    { name: '2x2/2 valid, mixed signs (all-negative windows)', x: [2, 8, 8, 3], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 valid, odd size (last row and column unused)', x: [3, 11, 9, 16], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 same, odd size (padded windows)', x: [2, 7, 9, 1], pool: 2, stride: 2, pad: 'same' },
    { name: '3x3/2 same, overlapping windows', x: [2, 10, 9, 8], pool: 3, stride: 2, pad: 'same' },
    { name: '2x2/1 valid, overlapping windows', x: [1, 6, 7, 3], pool: 2, stride: 1, pad: 'valid' },
    { name: '2x2/2 valid, ties (relu output, few levels)', x: [4, 12, 12, 8], pool: 2, stride: 2, pad: 'valid', ties: true },
    { name: '3x3/1 same, ties', x: [2, 7, 7, 3], pool: 3, stride: 1, pad: 'same', ties: true },
  ];

  async function poolGrad(backend: 'cpu' | 'wasm', c: (typeof cases)[number], seed: number): Promise<Float32Array> {
    return on(backend, () => {
      let values = randomValues(size(c.x), seed);
      // Ties: max(0, v) rounded to quarters, so many windows hold equal maxima.
      if (c.ties) values = values.map((v) => Math.max(0, Math.round(v * 4) / 4));
      const x = tf.tensor4d(values, c.x);
      const yShape = tf.maxPool(x, c.pool, c.stride, c.pad).shape;
      const r = tf.tensor(randomValues(size(yShape), seed + 1), yShape);
      const grad = tf.grad((t) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.pool, c.stride, c.pad), r)));
      return grad(x).dataSync() as Float32Array;
    });
  }

  test.each(cases)('$name', async (c) => {
    const seed = 31 + size(c.x);
    const expected = await poolGrad('cpu', c, seed);
    const actual = await poolGrad('wasm', c, seed);
    expectClose('MaxPoolGrad', actual, expected);
  });

  test('the kernel itself leaves no tensor or backend buffer behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const input = tf.tensor4d(randomValues(2 * 6 * 6 * 3, 4), [2, 6, 6, 3]);
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.onesLike(output);
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, {
      filterSize: 2, strides: 2, pad: 'valid',
    }) as tf.Tensor;
    expect(dx.shape).toEqual([2, 6, 6, 3]);
    expect(tf.memory().numTensors).toBe(tensors + 1);
    dx.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([input, output, dy]);
  });

  test('numeric pad with dimRoundingMode, through the kernel directly', async () => {
    const shape: Shape4 = [2, 8, 9, 4];
    const attrs = { filterSize: 3, strides: 2, pad: 1, dimRoundingMode: 'ceil' };
    const run = (backend: 'cpu' | 'wasm') =>
      on(backend, () => {
        const input = tf.tensor4d(randomValues(size(shape), 9), shape);
        const output = tf.engine().runKernel('MaxPool', { x: input }, attrs) as tf.Tensor;
        const dy = tf.tensor(randomValues(output.size, 10), output.shape);
        const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, attrs) as tf.Tensor;
        return dx.dataSync() as Float32Array;
      });
    expectClose('MaxPoolGrad', await run('wasm'), await run('cpu'));
  });
});

/** Layers of a sequential model, built from a short description. */
type LayerSpec =
  | ['conv', number, number, 'relu' | 'linear']
  | ['pool']
  | ['dropout', number]
  | ['flatten']
  | ['dense', number, 'relu' | 'tanh' | 'softmax'];

function buildModel(specs: LayerSpec[], inputShape: number[], seed: number): tfl.Sequential {
  const model = tfl.sequential();
  specs.forEach((spec, index) => {
    const first = index === 0 ? { inputShape } : {};
    const init = () => tfl.initializers.glorotUniform({ seed: seed + index });
    switch (spec[0]) {
      case 'conv':
        model.add(tfl.layers.conv2d({
          ...first, filters: spec[1], kernelSize: spec[2], activation: spec[3], kernelInitializer: init(),
        }));
        break;
      case 'pool':
        model.add(tfl.layers.maxPooling2d({ ...first, poolSize: 2 }));
        break;
      case 'dropout':
        model.add(tfl.layers.dropout({ ...first, rate: spec[1], seed }));
        break;
      case 'flatten':
        model.add(tfl.layers.flatten(first));
        break;
      case 'dense':
        model.add(tfl.layers.dense({ ...first, units: spec[1], activation: spec[2], kernelInitializer: init() }));
        break;
    }
  });
  return model;
}

const ARCHITECTURES: { name: string; layers: LayerSpec[]; batch: number }[] = [
  {
    name: 'LeNet-5',
    layers: [['conv', 6, 5, 'relu'], ['pool'], ['conv', 16, 5, 'linear'], ['pool'], ['flatten'],
      ['dense', 120, 'tanh'], ['dense', 84, 'tanh'], ['dense', 10, 'softmax']],
    batch: 4,
  },
  {
    name: 'CNN 32-64-64 + dense 64',
    layers: [['conv', 32, 3, 'relu'], ['pool'], ['conv', 64, 3, 'linear'], ['pool'], ['conv', 64, 3, 'linear'],
      ['flatten'], ['dense', 64, 'relu'], ['dense', 10, 'softmax']],
    batch: 2,
  },
  {
    name: 'CNN 32 5x5 + dropout + dense 128',
    layers: [['conv', 32, 5, 'relu'], ['pool'], ['dropout', 0.2], ['flatten'], ['dense', 128, 'relu'],
      ['dense', 10, 'softmax']],
    batch: 4,
  },
];

/** Seeded MNIST-shaped inputs in [0, 1) and one-hot labels. */
function mnistLike(batch: number, seed: number): { xs: Float32Array; ys: Float32Array } {
  const xs = randomValues(batch * 28 * 28, seed).map((v) => (v + 1) / 2);
  const ys = new Float32Array(batch * 10);
  for (let b = 0; b < batch; b++) ys[b * 10 + ((3 * b + seed) % 10)] = 1;
  return { xs, ys };
}

describe('the series models on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  test.each(ARCHITECTURES)('$name: loss gradients of every weight match cpu', async ({ layers, batch }) => {
    const { xs, ys } = mnistLike(batch, 3);
    // Weights made once (on cpu), copied to both backends as arrays.
    const weights = await on('cpu', () => buildModel(layers, [28, 28, 1], 11).getWeights().map((w) => w.dataSync() as Float32Array));
    const gradients = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const model = buildModel(layers, [28, 28, 1], 11);
      const copied = model.getWeights().map((w, k) => tf.tensor(weights[k], w.shape));
      model.setWeights(copied);
      tf.dispose(copied);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const result = tf.tidy(() => {
        const x = tf.tensor4d(xs, [batch, 28, 28, 1]);
        const y = tf.tensor2d(ys, [batch, 10]);
        const { grads } = tf.variableGrads(() => {
          // training: false keeps dropout out; categorical crossentropy as tfjs-layers computes it
          const p = model.apply(x, { training: false }) as tf.Tensor;
          return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar;
        }, vars);
        return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
      });
      model.dispose();
      return result;
    };
    const expected = await gradients('cpu');
    const actual = await gradients('wasm');
    expect(actual).toHaveLength(expected.length);
    expected.forEach((e, k) => expectClose(`model weight gradients`, actual[k], e));
  });

  test.each(ARCHITECTURES)('$name: fits on wasm with Adam and categoricalCrossentropy', async ({ layers }) => {
    await tf.setBackend('wasm');
    const model = buildModel(layers, [28, 28, 1], 5);
    const optimizer = tf.train.adam(1e-3);
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { xs, ys } = mnistLike(16, 8);
    const x = tf.tensor4d(xs, [16, 28, 28, 1]);
    const y = tf.tensor2d(ys, [16, 10]);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses).toHaveLength(2);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('training a small Conv2D model on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /**
   * 2 classes of 12x12 images: a horizontal bar (class 0) or a vertical bar
   * (class 1), 2 pixels thick at a random place, on faint noise.
   */
  function bars(n: number, seed: number): { xs: Float32Array; ys: Float32Array } {
    const next = rng(seed);
    const xs = new Float32Array(n * 144);
    const ys = new Float32Array(n * 2);
    for (let s = 0; s < n; s++) {
      const vertical = s % 2;
      ys[s * 2 + vertical] = 1;
      const at = 1 + Math.floor(next() * 9);
      for (let r = 0; r < 12; r++) {
        for (let c = 0; c < 12; c++) {
          const onBar = vertical ? c === at || c === at + 1 : r === at || r === at + 1;
          xs[s * 144 + r * 12 + c] = (onBar ? 0.9 : 0) + 0.1 * next();
        }
      }
    }
    return { xs, ys };
  }

  test('the loss falls clearly and the tensor count stays flat', async () => {
    await tf.setBackend('wasm');
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({
          units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const { xs, ys } = bars(32, 42);
    const x = tf.tensor4d(xs, [32, 12, 12, 1]);
    const y = tf.tensor2d(ys, [32, 2]);

    const backend = tf.backend();
    const losses: number[] = [];
    const counts: string[] = [];
    for (let step = 0; step < 40; step++) {
      // trainOnBatch: no shuffling, so the run is the same every time.
      const loss = (await model.trainOnBatch(x, y)) as number;
      losses.push(loss);
      counts.push(`${tf.memory().numTensors} tensors, ${backend.numDataIds()} wasm buffers`);
    }
    trainingSummary = `bars: loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)} in ` +
      `${losses.length} steps; ${counts[counts.length - 1]}`;
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    // The optimizer makes its state on the first step; after that every step
    // must free everything it makes, tensors and the wasm buffers behind them.
    expect(new Set(counts.slice(1))).toEqual(new Set([counts[1]]));

    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});
