/**
 * The wasm backend's training kernels registered by lib/backend/wasm-kernels:
 * every one is compared numerically with the cpu backend on identical seeded
 * inputs (each route of a kernel that has several, and with lib's SIMD
 * helpers switched off, which leaves the JavaScript loops), whole-model
 * gradients of the series' four CNNs are compared, and small models must
 * learn on wasm without growing the tensor or wasm buffer count.
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
import { conv2DBackpropFilterWith, type FilterGradMethod } from '../lib/backend/wasm-conv-backprop-filter';
import { conv2DBackpropInputWith, type BackpropInputMethod } from '../lib/backend/wasm-conv-backprop-input';
import { setSimdEnabled, simdFor } from '../lib/backend/wasm-conv-simd';
import type { WasmBackendLike } from '../lib/backend/wasm-conv-util';

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

// The kernels that registration replaces, as tfjs-backend-wasm registers them.
const REPLACED = ['MaxPoolGrad', 'Conv2DBackpropInput', 'Conv2D', 'Sum', 'Add', 'Identity', 'Cast', 'BatchMatMul', '_FusedMatMul'];
const stock = new Map<string, tf.KernelConfig | undefined>();

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  stockMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
  for (const name of REPLACED) stock.set(name, tf.getKernel(name, 'wasm'));
});

/** Runs `fn` with lib's SIMD helpers off (the kernels' JavaScript paths). */
async function withoutSimd<T>(fn: () => Promise<T>): Promise<T> {
  const was = setSimdEnabled(false);
  try {
    return await fn();
  } finally {
    setSimdEnabled(was);
  }
}

/** The wasm backend as lib's kernels see it. */
async function wasmBackend(): Promise<WasmBackendLike> {
  expect(await tf.setBackend('wasm')).toBe(true);
  return tf.backend() as unknown as WasmBackendLike;
}

/** Reads and frees a raw kernel output on the wasm backend. */
function take(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  const values = backend.readSync(info.dataId) as Float32Array;
  backend.disposeData(info.dataId);
  return values;
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];
type ConvPad = 'valid' | 'same' | number | Pad4;
type Stride = number | [number, number];

/**
 * Convolution cases: every combination of stride (1, 2), padding ('valid',
 * 'same'), kernel size (3, 5), input height parity (11, 12) and batch (1, 3),
 * 32 in all, each with one of the 16 (in, out) channel pairs from
 * {1, 3, 8, 16}: case i takes pair (5 i) mod 16, so every pair is used twice.
 */
function convGrid(): { name: string; x: Shape4; w: Shape4; stride: number; pad: 'valid' | 'same' }[] {
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
  return cases;
}

/** Cases with numeric and explicit padding, the series' layer shapes (small batches), and block edges. */
const MORE_CONV_CASES: { name: string; x: Shape4; w: Shape4; stride: Stride; pad: ConvPad }[] = [
  { name: 'numeric pad 1, stride 2', x: [2, 9, 10, 3], w: [3, 3, 3, 8], stride: 2, pad: 1 },
  { name: 'explicit asymmetric pads, stride 1', x: [2, 8, 7, 8], w: [5, 5, 8, 3], stride: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { name: 'explicit pads, stride 2', x: [3, 12, 11, 1], w: [3, 3, 1, 16], stride: 2, pad: [[0, 0], [1, 0], [2, 2], [0, 0]] },
  { name: 'explicit pads wider than the filter', x: [2, 6, 7, 4], w: [3, 3, 4, 5], stride: 1, pad: [[0, 0], [3, 0], [0, 4], [0, 0]] },
  { name: 'stride 2 by 1', x: [2, 10, 9, 6], w: [3, 3, 6, 4], stride: [2, 1], pad: 'same' },
  { name: 'CNN conv 1 (28x28x1, 32@3x3)', x: [2, 28, 28, 1], w: [3, 3, 1, 32], stride: 1, pad: 'valid' },
  { name: 'CNN conv 2 (13x13x32, 64@3x3)', x: [2, 13, 13, 32], w: [3, 3, 32, 64], stride: 1, pad: 'valid' },
  { name: 'CNN conv 3 (5x5x64, 64@3x3)', x: [3, 5, 5, 64], w: [3, 3, 64, 64], stride: 1, pad: 'valid' },
  { name: 'LeNet conv 1 (28x28x1, 6@5x5)', x: [2, 28, 28, 1], w: [5, 5, 1, 6], stride: 1, pad: 'valid' },
  { name: 'LeNet conv 2 (12x12x6, 16@5x5)', x: [3, 12, 12, 6], w: [5, 5, 6, 16], stride: 1, pad: 'valid' },
  { name: 'conv 32@5x5 on 28x28x1', x: [2, 28, 28, 1], w: [5, 5, 1, 32], stride: 1, pad: 'valid' },
  { name: 'conv 30@5x5 on 28x28x1', x: [2, 28, 28, 1], w: [5, 5, 1, 30], stride: 1, pad: 'valid' },
  { name: 'conv 15@3x3 on 12x12x30', x: [3, 12, 12, 30], w: [3, 3, 30, 15], stride: 1, pad: 'valid' },
  { name: "'same' 3x3, 32 -> 64 channels", x: [2, 14, 14, 32], w: [3, 3, 32, 64], stride: 1, pad: 'same' },
  { name: "stride 2 'same', 16 -> 32 channels", x: [2, 28, 28, 16], w: [3, 3, 16, 32], stride: 2, pad: 'same' },
  // Many images per block, several blocks, a last block of another size,
  // pixel counts not a multiple of 4 and channel counts not a multiple of 8.
  { name: 'blocks: 45 images of 11x11 outputs', x: [45, 13, 13, 5], w: [3, 3, 5, 7], stride: 1, pad: 'valid' },
  { name: 'blocks: 23 images of 5x5 outputs', x: [23, 7, 7, 3], w: [3, 3, 3, 9], stride: 1, pad: 'valid' },
  { name: 'blocks: 7 images of 1x1 outputs', x: [7, 3, 3, 4], w: [3, 3, 4, 6], stride: 1, pad: 'valid' },
];

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
      expect([...WASM_TRAINING_KERNELS].sort()).toEqual(['Conv2DBackpropFilter', ...REPLACED].sort());
      const second = registerWasmTrainingKernels();
      expect(second).toEqual(first);
      for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
      for (const name of REPLACED) {
        const replaced = stock.get(name);
        expect(replaced).toBeDefined();
        const ours = tf.getKernel(name, 'wasm')!;
        expect(ours).not.toBe(replaced);
        // The stock kernel's setup (binding its wasm function) stays registered,
        // so the fallbacks work whenever the backend is (re)initialised.
        expect(ours.setupFunc).toBe(replaced!.setupFunc);
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test("lib's SIMD helpers are available on this Node, so the tests below cover them", async () => {
    const backend = await wasmBackend();
    expect(simdFor(backend)).not.toBeNull();
    await withoutSimd(async () => expect(simdFor(backend)).toBeNull());
  });
});

/**
 * Seeded x, w and r for a convolution case; the gradients below are those of
 * L = sum(conv2d(x, w) * r), so dy = r.
 */
function convInputs(xShape: Shape4, wShape: Shape4, stride: Stride, pad: ConvPad, seed: number) {
  const yShape = tf.tidy(() => tf.conv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(wShape) as tf.Tensor4D, stride, pad).shape);
  return {
    x: randomValues(size(xShape), seed),
    w: randomValues(size(wShape), seed + 1),
    r: randomValues(size(yShape), seed + 2),
    yShape: yShape as Shape4,
  };
}

/** Attributes of the conv2d gradient kernels, as tfjs-core's conv2d gradient passes them. */
function gradAttrs(stride: Stride, pad: ConvPad) {
  return { strides: stride, pad, dataFormat: 'NHWC' as const, dimRoundingMode: undefined };
}

describe('Conv2DBackpropFilter on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /** dL/dw for L = sum(conv2d(x, w) * r), i.e. Conv2DBackpropFilter(x, dy = r), through tf.grad. */
  async function filterGrad(
    backend: 'cpu' | 'wasm',
    xShape: Shape4,
    wShape: Shape4,
    stride: Stride,
    pad: ConvPad,
    seed: number,
  ): Promise<Float32Array> {
    const v = convInputs(xShape, wShape, stride, pad, seed);
    return on(backend, () => {
      const x = tf.tensor4d(v.x, xShape);
      const w = tf.tensor4d(v.w, wShape);
      const r = tf.tensor(v.r, v.yShape);
      const grad = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, stride, pad), r)));
      return grad(w).dataSync() as Float32Array;
    });
  }

  /** The same gradient by one given method of lib's kernel, called directly. */
  async function filterGradWith(
    method: FilterGradMethod,
    xShape: Shape4,
    wShape: Shape4,
    stride: Stride,
    pad: ConvPad,
    seed: number,
  ): Promise<Float32Array> {
    const v = convInputs(xShape, wShape, stride, pad, seed);
    const backend = await wasmBackend();
    return tf.tidy(() => {
      const x = tf.tensor4d(v.x, xShape);
      const dy = tf.tensor4d(v.r, v.yShape);
      const attrs = { ...gradAttrs(stride, pad), filterShape: wShape };
      return take(backend, conv2DBackpropFilterWith(method, backend, x, dy, attrs));
    });
  }

  const METHODS: FilterGradMethod[] = ['gemm', 'matmul', 'conv'];

  /** cpu against lib's kernel through tf.grad (with and without SIMD helpers) and each method. */
  async function checkAll(x: Shape4, w: Shape4, stride: Stride, pad: ConvPad, seed: number): Promise<void> {
    const expected = await filterGrad('cpu', x, w, stride, pad, seed);
    expectClose('Conv2DBackpropFilter', await filterGrad('wasm', x, w, stride, pad, seed), expected);
    expectClose('Conv2DBackpropFilter (no SIMD)', await withoutSimd(() => filterGrad('wasm', x, w, stride, pad, seed)), expected);
    for (const method of METHODS) {
      expectClose(`Conv2DBackpropFilter '${method}'`, await filterGradWith(method, x, w, stride, pad, seed), expected);
    }
    expectClose("Conv2DBackpropFilter 'matmul' (no SIMD)",
      await withoutSimd(() => filterGradWith('matmul', x, w, stride, pad, seed)), expected);
  }

  test.each(convGrid())('$name', async ({ x, w, stride, pad }) => {
    await checkAll(x, w, stride, pad, 1000 + size(x) + 7 * size(w) + stride);
  });

  test.each(MORE_CONV_CASES)('$name', async ({ x, w, stride, pad }) => {
    await checkAll(x, w, stride, pad, 77 + size(x));
  });

  test('a larger, LeNet-sized batch', async () => {
    const x: Shape4 = [32, 28, 28, 1];
    const w: Shape4 = [5, 5, 1, 6];
    const expected = await filterGrad('cpu', x, w, 1, 'valid', 5);
    const actual = await filterGrad('wasm', x, w, 1, 'valid', 5);
    expectClose('Conv2DBackpropFilter', actual, expected);
  });

  test.each(['auto', ...METHODS] as const)('%s leaves no tensor or backend buffer behind', async (method) => {
    const backend = await wasmBackend();
    for (const [xShape, wShape, stride] of [
      [[2, 9, 9, 3], [3, 3, 3, 4], 2],
      [[3, 7, 7, 5], [3, 3, 5, 6], 1], // padded rows and columns in the 'gemm' method
      [[2, 8, 8, 8], [3, 3, 8, 8], 1], // no padding at all
    ] as [Shape4, Shape4, number][]) {
      const [yh, yw] = [Math.floor((xShape[1] - wShape[0]) / stride) + 1, Math.floor((xShape[2] - wShape[1]) / stride) + 1];
      const x = tf.tensor4d(randomValues(size(xShape), 1), xShape);
      const dy = tf.tensor4d(randomValues(xShape[0] * yh * yw * wShape[3], 2), [xShape[0], yh, yw, wShape[3]]);
      const attrs = { strides: stride, pad: 'valid' as const, dataFormat: 'NHWC' as const, filterShape: wShape };
      const tensors = tf.memory().numTensors;
      const buffers = backend.numDataIds();
      for (let k = 0; k < 3; k++) {
        if (method === 'auto') {
          const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
          expect(dw.shape).toEqual(wShape);
          expect(tf.memory().numTensors).toBe(tensors + 1);
          dw.dispose();
        } else {
          const dw = conv2DBackpropFilterWith(method, backend, x, dy, attrs);
          expect(dw.shape).toEqual(wShape);
          expect(backend.numDataIds()).toBe(buffers + 1);
          backend.disposeData(dw.dataId);
        }
      }
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(buffers);
      tf.dispose([x, dy]);
    }
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

describe('Conv2DBackpropInput on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /** dL/dx for L = sum(conv2d(x, w) * r), i.e. Conv2DBackpropInput(dy = r, w), through tf.grad. */
  async function inputGrad(
    backend: 'cpu' | 'wasm',
    xShape: Shape4,
    wShape: Shape4,
    stride: Stride,
    pad: ConvPad,
    seed: number,
  ): Promise<Float32Array> {
    const v = convInputs(xShape, wShape, stride, pad, seed);
    return on(backend, () => {
      const x = tf.tensor4d(v.x, xShape);
      const w = tf.tensor4d(v.w, wShape);
      const r = tf.tensor(v.r, v.yShape);
      const grad = tf.grad((t) => tf.sum(tf.mul(tf.conv2d(t as tf.Tensor4D, w, stride, pad), r)));
      return grad(x).dataSync() as Float32Array;
    });
  }

  /** The same gradient by one given route of lib's kernel, called directly. */
  async function inputGradWith(
    method: BackpropInputMethod,
    xShape: Shape4,
    wShape: Shape4,
    stride: Stride,
    pad: ConvPad,
    seed: number,
  ): Promise<Float32Array> {
    const v = convInputs(xShape, wShape, stride, pad, seed);
    const backend = await wasmBackend();
    return tf.tidy(() => {
      const w = tf.tensor4d(v.w, wShape);
      const dy = tf.tensor4d(v.r, v.yShape);
      const attrs = { ...gradAttrs(stride, pad), inputShape: xShape };
      const dx = conv2DBackpropInputWith(method, backend, dy, w, attrs);
      expect(dx).not.toBeNull();
      expect(dx!.shape).toEqual(xShape);
      return take(backend, dx!);
    });
  }

  const ROUTES: BackpropInputMethod[] = ['gemm', 'matmul', 'conv'];

  /** cpu against lib's kernel through tf.grad (with and without SIMD helpers) and each route. */
  async function checkAll(x: Shape4, w: Shape4, stride: Stride, pad: ConvPad, seed: number): Promise<void> {
    const expected = await inputGrad('cpu', x, w, stride, pad, seed);
    expectClose('Conv2DBackpropInput', await inputGrad('wasm', x, w, stride, pad, seed), expected);
    expectClose('Conv2DBackpropInput (no SIMD)', await withoutSimd(() => inputGrad('wasm', x, w, stride, pad, seed)), expected);
    // 'conv' falls back on a product route where it does not apply (strides, wide pads).
    for (const route of ROUTES) {
      expectClose(`Conv2DBackpropInput '${route}'`, await inputGradWith(route, x, w, stride, pad, seed), expected);
    }
    expectClose("Conv2DBackpropInput 'matmul' (no SIMD)",
      await withoutSimd(() => inputGradWith('matmul', x, w, stride, pad, seed)), expected);
  }

  test.each(convGrid())('$name', async ({ x, w, stride, pad }) => {
    await checkAll(x, w, stride, pad, 2000 + size(x) + 7 * size(w) + stride);
  });

  test.each(MORE_CONV_CASES)('$name', async ({ x, w, stride, pad }) => {
    await checkAll(x, w, stride, pad, 99 + size(x));
  });

  test('numeric pad with dimRoundingMode, through the kernel directly', async () => {
    const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil', inputShape: [2, 8, 9, 4] };
    const run = (backend: 'cpu' | 'wasm') =>
      on(backend, () => {
        const w = tf.tensor4d(randomValues(3 * 3 * 4 * 5, 3), [3, 3, 4, 5]);
        const yShape = tf.conv2d(tf.zeros([2, 8, 9, 4]) as tf.Tensor4D, w, 2, 1, 'NHWC', 1, 'ceil').shape;
        const dy = tf.tensor(randomValues(size(yShape), 4), yShape);
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor;
        return dx.dataSync() as Float32Array;
      });
    expectClose('Conv2DBackpropInput', await run('wasm'), await run('cpu'));
  });

  test('NCHW goes to the stock kernel and still matches cpu', async () => {
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [2, 3, 7, 7] };
    const run = (backend: 'cpu' | 'wasm') =>
      on(backend, () => {
        const dy = tf.tensor4d(randomValues(2 * 4 * 5 * 5, 5), [2, 4, 5, 5]);
        const w = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
        return (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor).dataSync() as Float32Array;
      });
    expectClose('Conv2DBackpropInput (stock, NCHW)', await run('wasm'), await run('cpu'));
    const backend = await wasmBackend();
    tf.tidy(() => {
      const dy = tf.zeros([2, 4, 5, 5]);
      const w = tf.zeros([3, 3, 3, 4]);
      expect(conv2DBackpropInputWith('auto', backend, dy, w, attrs as never)).toBeNull();
    });
  });

  test.each(['auto', ...ROUTES] as const)('%s leaves no tensor or backend buffer behind', async (route) => {
    const backend = await wasmBackend();
    for (const [xShape, wShape, stride, pad] of [
      [[2, 9, 9, 3], [3, 3, 3, 4], 2, 'valid'],
      [[3, 7, 7, 5], [3, 3, 5, 6], 1, 'valid'], // 25 pixels per image: a zero-padded last block
      [[2, 8, 8, 8], [3, 3, 8, 8], 1, 'same'],
    ] as [Shape4, Shape4, number, 'valid' | 'same'][]) {
      const w = tf.tensor4d(randomValues(size(wShape), 1), wShape);
      const yShape = tf.tidy(() => tf.conv2d(tf.zeros(xShape) as tf.Tensor4D, w, stride, pad).shape);
      const dy = tf.tensor(randomValues(size(yShape), 2), yShape);
      const attrs = { strides: stride, pad, dataFormat: 'NHWC' as const, inputShape: xShape };
      const tensors = tf.memory().numTensors;
      const buffers = backend.numDataIds();
      for (let k = 0; k < 3; k++) {
        if (route === 'auto') {
          const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor;
          expect(dx.shape).toEqual(xShape);
          expect(tf.memory().numTensors).toBe(tensors + 1);
          dx.dispose();
        } else {
          const dx = conv2DBackpropInputWith(route, backend, dy, w, attrs)!;
          expect(dx.shape).toEqual(xShape);
          expect(backend.numDataIds()).toBe(buffers + 1);
          backend.disposeData(dx.dataId);
        }
      }
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(buffers);
      tf.dispose([w, dy]);
    }
  });
});

describe('Conv2D (forward) on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  // One input channel takes lib's first-layer route (4 filters or more, 4
  // output rows or more); the rest goes to the stock kernel.
  const cases: {
    name: string; x: Shape4; w: Shape4; stride: Stride; pad: ConvPad; dimRoundingMode?: 'ceil'; stockWrong?: boolean;
  }[] = [
    { name: 'CNN conv 1: 28x28x1, 32@3x3', x: [3, 28, 28, 1], w: [3, 3, 1, 32], stride: 1, pad: 'valid' },
    { name: 'LeNet conv 1: 28x28x1, 6@5x5', x: [3, 28, 28, 1], w: [5, 5, 1, 6], stride: 1, pad: 'valid' },
    { name: '28x28x1, 30@5x5', x: [2, 28, 28, 1], w: [5, 5, 1, 30], stride: 1, pad: 'valid' },
    { name: "28x28x1, 32@5x5 'same'", x: [2, 28, 28, 1], w: [5, 5, 1, 32], stride: 1, pad: 'same' },
    { name: "non-square, 4@3x3 'same', stride 2", x: [2, 11, 14, 1], w: [3, 3, 1, 4], stride: 2, pad: 'same' },
    { name: '5@4x2, stride [2, 3]', x: [2, 13, 16, 1], w: [4, 2, 1, 5], stride: [2, 3], pad: 'valid' },
    { name: '9@3x3, explicit asymmetric pads', x: [2, 9, 8, 1], w: [3, 3, 1, 9], stride: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
    // Windows reaching past the padding: the stock kernel does not read them as zeros.
    { name: '8@5x5, numeric pad 1, ceil rounding, stride 2', x: [2, 12, 11, 1], w: [5, 5, 1, 8], stride: 2, pad: 1, dimRoundingMode: 'ceil', stockWrong: true },
    { name: '16@3x3, 4 output rows exactly', x: [2, 6, 9, 1], w: [3, 3, 1, 16], stride: 1, pad: 'valid' },
    { name: 'stock: 3 output rows', x: [2, 5, 9, 1], w: [3, 3, 1, 16], stride: 1, pad: 'valid' },
    { name: 'stock: 3 filters', x: [2, 9, 9, 1], w: [3, 3, 1, 3], stride: 1, pad: 'valid' },
    { name: 'stock: 2 input channels', x: [2, 9, 9, 2], w: [3, 3, 2, 8], stride: 1, pad: 'same' },
  ];

  async function forward(backend: 'cpu' | 'wasm', c: (typeof cases)[number], seed: number): Promise<Float32Array> {
    return on(backend, () => {
      const x = tf.tensor4d(randomValues(size(c.x), seed), c.x);
      const w = tf.tensor4d(randomValues(size(c.w), seed + 1), c.w);
      return tf.conv2d(x, w, c.stride, c.pad, 'NHWC', 1, c.dimRoundingMode).dataSync() as Float32Array;
    });
  }

  test.each(cases)('$name', async (c) => {
    const seed = 5 + size(c.x) + size(c.w);
    const expected = await forward('cpu', c, seed);
    expectClose('Conv2D', await forward('wasm', c, seed), expected);
    const stockResult = await withoutSimd(() => forward('wasm', c, seed));
    if (c.stockWrong) expect(() => expectClose('Conv2D (stock, known wrong)', stockResult, expected)).toThrow();
    else expectClose('Conv2D (no SIMD)', stockResult, expected);
  });

  test.each([['valid', 1], ['same', 2]] as const)('leaves no tensor or backend buffer behind (%s)', async (pad, stride) => {
    const backend = await wasmBackend();
    const x = tf.tensor4d(randomValues(2 * 12 * 12, 1), [2, 12, 12, 1]);
    const w = tf.tensor4d(randomValues(3 * 3 * 8, 2), [3, 3, 1, 8]);
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let k = 0; k < 3; k++) {
      const y = tf.conv2d(x, w, stride, pad);
      expect(tf.memory().numTensors).toBe(tensors + 1);
      expect(backend.numDataIds()).toBe(buffers + 1);
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, w]);
  });
});

describe('MaxPoolGrad on wasm matches cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  type Pad = 'valid' | 'same';
  type Special = 'ties' | 'nan';
  const cases: { name: string; x: Shape4; pool: number; stride: number; pad: Pad; special?: Special }[] = [
    { name: '2x2/2 valid, mixed signs (all-negative windows)', x: [2, 8, 8, 3], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 valid, odd size (last row and column unused)', x: [3, 11, 9, 16], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 same, odd size (padded windows)', x: [2, 7, 9, 1], pool: 2, stride: 2, pad: 'same' },
    { name: '2x2/2 same, odd size, 8 channels (padded windows)', x: [2, 7, 9, 8], pool: 2, stride: 2, pad: 'same' },
    { name: '3x3/2 same, overlapping windows', x: [2, 10, 9, 8], pool: 3, stride: 2, pad: 'same' },
    { name: '2x2/1 valid, overlapping windows', x: [1, 6, 7, 3], pool: 2, stride: 1, pad: 'valid' },
    { name: '2x2/2 valid, ties (relu output, few levels)', x: [4, 12, 12, 8], pool: 2, stride: 2, pad: 'valid', special: 'ties' },
    { name: '3x3/1 same, ties', x: [2, 7, 7, 3], pool: 3, stride: 1, pad: 'same', special: 'ties' },
    { name: '2x2/2 valid, 4 channels', x: [2, 6, 8, 4], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 valid, 6 channels (LeNet conv 1)', x: [3, 24, 24, 6], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 valid, 30 channels, ties', x: [2, 24, 24, 30], pool: 2, stride: 2, pad: 'valid', special: 'ties' },
    { name: '2x2/2 valid, 32 channels (CNN conv 1)', x: [2, 26, 26, 32], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 valid, 64 channels, odd size (CNN conv 2)', x: [2, 11, 11, 64], pool: 2, stride: 2, pad: 'valid' },
    { name: '2x2/2 same, even size, 15 channels', x: [2, 10, 10, 15], pool: 2, stride: 2, pad: 'same' },
    { name: '2x2/2 valid, NaN and -Infinity in windows', x: [2, 6, 6, 5], pool: 2, stride: 2, pad: 'valid', special: 'nan' },
  ];

  async function poolGrad(backend: 'cpu' | 'wasm', c: (typeof cases)[number], seed: number): Promise<Float32Array> {
    return on(backend, () => {
      let values = randomValues(size(c.x), seed);
      // Ties: max(0, v) rounded to quarters, so many windows hold equal maxima.
      if (c.special === 'ties') values = values.map((v) => Math.max(0, Math.round(v * 4) / 4));
      // Some NaNs and -Infinity, and whole windows of them.
      if (c.special === 'nan') {
        values = values.map((v, i) => (i % 7 === 0 ? NaN : i % 5 === 0 ? -Infinity : v));
        for (let ch = 0; ch < c.x[3]; ch++) {
          for (const [r, col] of [[0, 0], [0, 1], [1, 0], [1, 1]]) values[(r * c.x[2] + col) * c.x[3] + ch] = ch % 2 ? NaN : -Infinity;
        }
      }
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
    expectClose('MaxPoolGrad', await poolGrad('wasm', c, seed), expected);
    expectClose('MaxPoolGrad (no SIMD)', await withoutSimd(() => poolGrad('wasm', c, seed)), expected);
  });

  test.each([3, 8])('the kernel itself leaves no tensor or backend buffer behind (%i channels)', async (channels) => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const input = tf.tensor4d(randomValues(2 * 6 * 6 * channels, 4), [2, 6, 6, channels]);
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.onesLike(output);
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, {
      filterSize: 2, strides: 2, pad: 'valid',
    }) as tf.Tensor;
    expect(dx.shape).toEqual([2, 6, 6, channels]);
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

describe('bias kernels (Add, Sum) on wasm match cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /** Runs `fn` on seeded inputs of the given shapes and dtypes on `backend`. */
  async function run(
    backend: 'cpu' | 'wasm',
    shapes: number[][],
    fn: (...t: tf.Tensor[]) => tf.Tensor,
    dtype: 'float32' | 'int32' = 'float32',
  ): Promise<{ values: Float32Array | Int32Array; shape: number[]; dtype: string }> {
    return on(backend, () => {
      const inputs = shapes.map((shape, k) => {
        const v = randomValues(size(shape), 50 + k * 13 + size(shape));
        return dtype === 'int32' ? tf.tensor(Int32Array.from(v, (x) => Math.round(x * 100)), shape, 'int32') : tf.tensor(v, shape);
      });
      const out = fn(...inputs);
      return { values: out.dataSync() as Float32Array | Int32Array, shape: out.shape, dtype: out.dtype };
    });
  }

  async function compare(label: string, shapes: number[][], fn: (...t: tf.Tensor[]) => tf.Tensor, dtype?: 'float32' | 'int32') {
    const expected = await run('cpu', shapes, fn, dtype);
    for (const simd of [true, false]) {
      const actual = simd ? await run('wasm', shapes, fn, dtype) : await withoutSimd(() => run('wasm', shapes, fn, dtype));
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.dtype).toEqual(expected.dtype);
      if (expected.dtype === 'int32') expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
      else expectClose(simd ? label : `${label} (no SIMD)`, Float32Array.from(actual.values), Float32Array.from(expected.values));
    }
  }

  // Bias-add shapes: lib's SIMD pass (4 channels or more) and the stock kernel (the rest).
  test.each([
    { x: [2, 5, 7, 4], b: [4] },
    { x: [2, 5, 7, 6], b: [6] },
    { x: [2, 26, 26, 32], b: [32] },
    { x: [3, 10, 10, 15], b: [15] },
    { x: [2, 24, 24, 30], b: [1, 1, 1, 30] },
    { x: [4, 5, 64], b: [64] },
    { x: [9, 7], b: [1, 7] },
    { x: [2, 5, 7, 3], b: [3] },
  ])('Add of [$x] and a per-channel bias [$b], either order', async ({ x, b }) => {
    await compare('Add (bias)', [x, b], (t, u) => tf.add(t, u));
    await compare('Add (bias)', [x, b], (t, u) => tf.add(u, t));
  });

  test.each([
    { a: [2, 5, 7, 6], b: [2, 5, 7, 6] },
    { a: [2, 5, 7, 6], b: [] },
    { a: [4, 6], b: [4, 1] },
    { a: [2, 3, 8], b: [3, 1] },
    { a: [5, 8], b: [2, 5, 8] },
  ])('Add of [$a] and [$b] (not a bias: the stock kernel)', async ({ a, b }) => {
    await compare('Add', [a, b], (t, u) => tf.add(t, u));
  });

  test('Add of int32 tensors (the stock kernel)', async () => {
    await compare('Add', [[2, 3, 4, 8], [8]], (t, u) => tf.add(t, u), 'int32');
  });

  // Bias-gradient shapes: sum over every axis but the last.
  test.each([
    { x: [2, 5, 7, 4], axis: [0, 1, 2], keepDims: false },
    { x: [2, 5, 7, 6], axis: [2, 0, 1], keepDims: false },
    { x: [64, 26, 26, 32], axis: [0, 1, 2], keepDims: false },
    { x: [3, 10, 10, 15], axis: [-4, -3, -2], keepDims: true },
    { x: [2, 24, 24, 30], axis: [0, 1, 2], keepDims: true },
    { x: [300, 64], axis: 0, keepDims: false },
    { x: [3, 5, 9], axis: [0, 1], keepDims: false },
  ])('Sum of [$x] over $axis (keepDims $keepDims)', async ({ x, axis, keepDims }) => {
    await compare('Sum (bias gradient)', [x], (t) => tf.sum(t, axis, keepDims));
  });

  test.each([
    { x: [2, 5, 7, 3], axis: [0, 1, 2] as number | number[] | null },
    { x: [2, 5, 7, 8], axis: [1, 2] },
    { x: [2, 5, 7, 8], axis: -1 },
    { x: [2, 5, 7, 8], axis: null },
    { x: [6, 8], axis: 1 },
  ])('Sum of [$x] over $axis (the stock kernel)', async ({ x, axis }) => {
    await compare('Sum', [x], (t) => tf.sum(t, axis ?? undefined));
  });

  test('Sum of an int32 tensor (the stock kernel)', async () => {
    await compare('Sum', [[2, 3, 4, 8]], (t) => tf.sum(t, [0, 1, 2]), 'int32');
  });

  test.each(['Add', 'Sum'])('%s leaves no tensor or backend buffer behind', async (kernel) => {
    const backend = await wasmBackend();
    const x = tf.tensor4d(randomValues(2 * 5 * 7 * 6, 1), [2, 5, 7, 6]);
    const b = tf.tensor1d(randomValues(6, 2));
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let k = 0; k < 3; k++) {
      const out = kernel === 'Add'
        ? tf.engine().runKernel('Add', { a: x, b }, {}) as tf.Tensor
        : tf.engine().runKernel('Sum', { x }, { axis: [0, 1, 2], keepDims: false }) as tf.Tensor;
      expect(tf.memory().numTensors).toBe(tensors + 1);
      expect(backend.numDataIds()).toBe(buffers + 1);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, b]);
  });
});

describe('Identity and Cast on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  test('Identity and same-dtype Cast share the buffer, and the data outlives the original', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d([[1.5, -2], [3, 4.25]]);
    const buffers = backend.numDataIds();
    const copy = tf.engine().runKernel('Identity', { x }, {}) as tf.Tensor;
    const cast = tf.cast(x, 'float32');
    const clone = tf.clone(x);
    expect(backend.numDataIds()).toBe(buffers); // no new buffer
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(copy.shape).toEqual([2, 2]);
    tf.dispose([copy, cast]);
    expect(backend.numDataIds()).toBe(buffers); // still held by clone
    clone.dispose();
    expect(backend.numDataIds()).toBe(buffers - 1);
  });

  test('Cast between dtypes still converts as on cpu', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const f = tf.tensor1d([1.7, -2.2, 0, 3.5, NaN, -0]);
      expect(Array.from(tf.cast(f, 'int32').dataSync())).toEqual([1, -2, 0, 3, 0, 0]);
      // (tfjs-backend-wasm's own Cast gives 1, 254, 0, 3, 0, 0 here.)
      expect(Array.from(tf.cast(f, 'bool').dataSync())).toEqual([1, 1, 0, 1, 1, 0]);
      expect(Array.from(tf.cast(tf.tensor1d([0, 5, -1], 'int32'), 'bool').dataSync())).toEqual([0, 1, 1]);
      const i = tf.tensor1d([3, -4], 'int32');
      const asFloat = tf.cast(i, 'float32');
      expect(asFloat.dtype).toBe('float32');
      expect(Array.from(asFloat.dataSync())).toEqual([3, -4]);
      expect(tf.cast(i, 'int32').dtype).toBe('int32');
    });
  });

  test('the variables of a trained model stay independent of their initial values', async () => {
    // Variables are made from Identity-like copies of their initial tensors;
    // sharing the buffer must not let an update write through to the source.
    await tf.setBackend('wasm');
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    tf.tidy(() => v.assign(tf.tensor1d([7, 8, 9])));
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([init, v]);
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
  {
    name: 'CNN 30 5x5, 15 3x3 + dropout + dense 128, 50',
    layers: [['conv', 30, 5, 'relu'], ['pool'], ['conv', 15, 3, 'relu'], ['pool'], ['dropout', 0.2], ['flatten'],
      ['dense', 128, 'relu'], ['dense', 50, 'relu'], ['dense', 10, 'softmax']],
    batch: 3,
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
    // Every further step frees all it makes, tensors and wasm buffers alike.
    const backend = tf.backend();
    const counts: string[] = [];
    for (let step = 0; step < 4; step++) {
      const result = await model.trainOnBatch(x, y); // [loss, accuracy]
      expect(Number.isFinite(Array.isArray(result) ? result[0] : result)).toBe(true);
      counts.push(`${tf.memory().numTensors} tensors, ${backend.numDataIds()} wasm buffers`);
    }
    expect(new Set(counts)).toEqual(new Set([counts[0]]));
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
