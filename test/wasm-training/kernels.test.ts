/**
 * The wasm backend's training kernels of tfjs-backend-wasm-training:
 * every one is compared numerically with the cpu backend on identical seeded
 * inputs (each route of a kernel that has several, and with the package's SIMD
 * helpers switched off, which leaves the JavaScript loops), whole-model
 * gradients of the series' four CNNs are compared, and small models must
 * learn on wasm without growing the tensor or wasm buffer count.
 *
 * Loading the wasm backend under jest needs nothing special: tfjs-backend-wasm's
 * Node bundle reads its .wasm file from its own folder with `fs`, and jest's
 * `node` test environment provides WebAssembly. Importing tfjs-layers also
 * registers tfjs-core's gradient functions, which `tf.grad` needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from 'tfjs-backend-wasm-training';
import {
  conv2DBackpropFilterWith, conv2DBackpropInputWith, simdFor,
  type BackpropInputMethod, type FilterGradMethod, type WasmBackendLike,
} from 'tfjs-backend-wasm-training/testing';
import {
  type Backend, closeChecker, cpuThenWasm, expectEachCallFreed, expectSteady, LiveCounts, on, randomValues,
  rng, size, trainOnBatchCounting, useBackend, wasmBackend, withoutSimd,
} from './backend-compare';

type Shape4 = [number, number, number, number];

/** The training test's first and last loss, for the summary printed at the end. */
let trainingSummary = '';

/**
 * Checks `actual` (wasm) against `expected` (cpu) elementwise with
 * |a - e| <= 1e-4 * |e| + 1e-4 * max(1, max |e|): float32 sums agree to about
 * 1e-7 relative to their terms, far inside these bounds, while any wrong
 * index, padding or transposition shows as an error of the data's own size.
 */
const { expectClose, expectAllClose, summary } = closeChecker({ rtol: 1e-4, atol: 1e-4 });

/** Runs `fn` (in tf.tidy) on cpu, then on wasm, and checks the wasm values against cpu's. */
async function expectWasmLikeCpu(label: string, fn: () => Float32Array): Promise<void> {
  const { expected, actual } = await cpuThenWasm((backend) => on(backend, fn));
  expectClose(label, actual, expected);
}

/**
 * Checks `run`'s wasm result against its cpu result, with the package's SIMD
 * helpers on (`label`) and off (`label (no SIMD)`); returns the cpu result.
 */
async function expectWasmLikeCpuWithAndWithoutSimd(
  label: string, run: (backend: Backend) => Promise<Float32Array>,
): Promise<Float32Array> {
  const expected = await run('cpu');
  expectClose(label, await run('wasm'), expected);
  expectClose(`${label} (no SIMD)`, await withoutSimd(() => run('wasm')), expected);
  return expected;
}

// The wasm backend's own MaxPoolGrad, kept before registration replaces it,
// to show why it is replaced.
let stockMaxPoolGrad: tf.KernelConfig | undefined;

// The kernels that registration replaces, as tfjs-backend-wasm registers them.
const REPLACED = ['MaxPoolGrad', 'Conv2DBackpropInput', 'Conv2D', 'Sum', 'Add', 'Identity', 'Cast', 'BatchMatMul', '_FusedMatMul', 'GatherV2'];
const stock = new Map<string, tf.KernelConfig | undefined>();

beforeAll(async () => {
  await useBackend('wasm');
  stockMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
  for (const name of REPLACED) stock.set(name, tf.getKernel(name, 'wasm'));
});

/**
 * Registers the package's kernels before the tests of the calling describe block (the
 * registration tests above run first and see the stock kernels).
 */
function registerTrainingKernelsFirst(): void {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });
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
  console.log(`wasm vs cpu, largest differences:\n${summary()}\n${trainingSummary}`);
});

describe('registration', () => {
  test('the stock wasm Conv2DBackpropFilter is missing and its MaxPoolGrad is wrong', async () => {
    // If this fails after a tfjs upgrade, tfjs has fixed the wasm backend and
    // the package's kernels may no longer be needed.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(stockMaxPoolGrad).toBeDefined();
    // One 2x2 window, all values negative; the maximum (-1) is the 2nd element.
    const [stock, cpu] = [[] as number[], [] as number[]];
    const backend = await wasmBackend();
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
    await useBackend('wasm');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const first = registerWasmTrainingKernels();
      expect(first.refused).toBeUndefined();
      expect([...first.registered].sort()).toEqual([...WASM_TRAINING_KERNELS].sort());
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

  test("the package's SIMD helpers are available on this Node, so the tests below cover them", async () => {
    const backend = await wasmBackend();
    expect(simdFor(backend)).not.toBeNull();
    await withoutSimd(async () => expect(simdFor(backend)).toBeNull());
  });
});

/** A convolution case: the shapes of x and w, the stride and the padding. */
interface ConvCase {
  x: Shape4;
  w: Shape4;
  stride: Stride;
  pad: ConvPad;
}

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

/** The operands of the gradient kernels: x and w of conv2d(x, w), and dy. */
interface ConvTensors {
  x: tf.Tensor4D;
  w: tf.Tensor4D;
  dy: tf.Tensor4D;
}

/** The seeded x, w and dy (= r) of a case as tensors. */
function convTensors(c: ConvCase, seed: number): ConvTensors {
  const v = convInputs(c.x, c.w, c.stride, c.pad, seed);
  return { x: tf.tensor4d(v.x, c.x), w: tf.tensor4d(v.w, c.w), dy: tf.tensor4d(v.r, v.yShape) };
}

/** Attributes of the conv2d gradient kernels, as tfjs-core's conv2d gradient passes them. */
function gradAttrs(stride: Stride, pad: ConvPad) {
  return { strides: stride, pad, dataFormat: 'NHWC' as const, dimRoundingMode: undefined };
}

/** The methods ('routes') both gradient kernels of the package can be asked to use. */
type ConvGradMethod = FilterGradMethod & BackpropInputMethod;
const CONV_GRAD_METHODS: ConvGradMethod[] = ['gemm', 'matmul', 'conv'];

/**
 * The two gradient kernels of conv2d(x, w), checked the same way:
 * Conv2DBackpropFilter (dL/dw, from x and dy) and Conv2DBackpropInput
 * (dL/dx, from dy and w).
 */
interface ConvGradKernel {
  kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput';
  /** The operand of conv2d the kernel's output is the gradient of. */
  wrt: 'x' | 'w';
  /** Seed offsets of the grid cases and of MORE_CONV_CASES. */
  seeds: { grid: number; more: number };
  /** Cases of the leak test. */
  leakCases: ConvCase[];
  /** The registered kernel, through the engine. */
  engine(t: ConvTensors, c: ConvCase): tf.Tensor;
  /** One method of the package's kernel, called directly; the caller owns the output. */
  direct(method: ConvGradMethod, backend: WasmBackendLike, t: ConvTensors, c: ConvCase): tf.TensorInfo | null;
}

const FILTER_GRAD: ConvGradKernel = {
  kernel: 'Conv2DBackpropFilter',
  wrt: 'w',
  seeds: { grid: 1000, more: 77 },
  leakCases: [
    { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 'valid' },
    { x: [3, 7, 7, 5], w: [3, 3, 5, 6], stride: 1, pad: 'valid' }, // padded rows and columns in the 'gemm' method
    { x: [2, 8, 8, 8], w: [3, 3, 8, 8], stride: 1, pad: 'valid' }, // no padding at all
  ],
  engine: ({ x, dy }, c) =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.w }) as tf.Tensor,
  direct: (method, backend, { x, dy }, c) =>
    conv2DBackpropFilterWith(method, backend, x, dy, { ...gradAttrs(c.stride, c.pad), filterShape: c.w }),
};

const INPUT_GRAD: ConvGradKernel = {
  kernel: 'Conv2DBackpropInput',
  wrt: 'x',
  seeds: { grid: 2000, more: 99 },
  leakCases: [
    { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 'valid' },
    { x: [3, 7, 7, 5], w: [3, 3, 5, 6], stride: 1, pad: 'valid' }, // 25 pixels per image: a zero-padded last block
    { x: [2, 8, 8, 8], w: [3, 3, 8, 8], stride: 1, pad: 'same' },
  ],
  engine: ({ w, dy }, c) =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor,
  direct: (method, backend, { w, dy }, c) =>
    conv2DBackpropInputWith(method, backend, dy, w, { ...gradAttrs(c.stride, c.pad), inputShape: c.x }),
};

/** dL/dw or dL/dx (as `k` gives) for L = sum(conv2d(x, w) * r), through tf.grad on `backend`. */
async function convGrad(k: ConvGradKernel, backend: Backend, c: ConvCase, seed: number): Promise<Float32Array> {
  const v = convInputs(c.x, c.w, c.stride, c.pad, seed);
  return on(backend, () => {
    const x = tf.tensor4d(v.x, c.x);
    const w = tf.tensor4d(v.w, c.w);
    const r = tf.tensor(v.r, v.yShape);
    const loss = (xt: tf.Tensor4D, wt: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(xt, wt, c.stride, c.pad), r));
    const grad = k.wrt === 'w'
      ? tf.grad((f) => loss(x, f as tf.Tensor4D))(w)
      : tf.grad((t) => loss(t as tf.Tensor4D, w))(x);
    return grad.dataSync() as Float32Array;
  });
}

/** The same gradient by one given method of the package's kernel, called directly. */
async function convGradWith(k: ConvGradKernel, method: ConvGradMethod, c: ConvCase, seed: number): Promise<Float32Array> {
  const backend = await wasmBackend();
  return tf.tidy(() => {
    const out = k.direct(method, backend, convTensors(c, seed), c);
    expect(out).not.toBeNull();
    expect(out!.shape).toEqual(c[k.wrt]);
    return take(backend, out!);
  });
}

describe.each([FILTER_GRAD, INPUT_GRAD])('$kernel on wasm matches cpu', (k) => {
  registerTrainingKernelsFirst();

  /** cpu against the package's kernel through tf.grad (with and without SIMD helpers) and each method. */
  async function checkAll(c: ConvCase, seed: number): Promise<void> {
    const expected = await expectWasmLikeCpuWithAndWithoutSimd(k.kernel, (backend) => convGrad(k, backend, c, seed));
    // Conv2DBackpropInput's 'conv' falls back on a product route where it does not apply (strides, wide pads).
    for (const method of CONV_GRAD_METHODS) {
      expectClose(`${k.kernel} '${method}'`, await convGradWith(k, method, c, seed), expected);
    }
    expectClose(`${k.kernel} 'matmul' (no SIMD)`, await withoutSimd(() => convGradWith(k, 'matmul', c, seed)), expected);
  }

  test.each(convGrid())('$name', async (c) => {
    await checkAll(c, k.seeds.grid + size(c.x) + 7 * size(c.w) + c.stride);
  });

  test.each(MORE_CONV_CASES)('$name', async (c) => {
    await checkAll(c, k.seeds.more + size(c.x));
  });

  test.each(['auto', ...CONV_GRAD_METHODS] as const)('%s leaves no tensor or backend buffer behind', async (method) => {
    const backend = await wasmBackend();
    for (const c of k.leakCases) {
      const t = convTensors(c, 1);
      const counts = new LiveCounts(backend);
      for (let i = 0; i < 3; i++) {
        if (method === 'auto') {
          const out = k.engine(t, c);
          expect(out.shape).toEqual(c[k.wrt]);
          counts.expectTensors(1);
          out.dispose();
        } else {
          const out = k.direct(method, backend, t, c)!;
          expect(out.shape).toEqual(c[k.wrt]);
          counts.expectBuffers(1);
          backend.disposeData(out.dataId);
        }
      }
      counts.expectBoth();
      tf.dispose([t.x, t.w, t.dy]);
    }
  });
});

// The cases particular to one of the two kernels (the same describe names, so
// the tests keep their full names).
describe('Conv2DBackpropFilter on wasm matches cpu', () => {
  registerTrainingKernelsFirst();

  test('a larger, LeNet-sized batch', async () => {
    const c: ConvCase = { x: [32, 28, 28, 1], w: [5, 5, 1, 6], stride: 1, pad: 'valid' };
    const { expected, actual } = await cpuThenWasm((backend) => convGrad(FILTER_GRAD, backend, c, 5));
    expectClose('Conv2DBackpropFilter', actual, expected);
  });

  test('NCHW gives a clear error', async () => {
    await useBackend('wasm');
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
  registerTrainingKernelsFirst();

  test('numeric pad with dimRoundingMode, through the kernel directly', async () => {
    const attrs = { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil', inputShape: [2, 8, 9, 4] };
    await expectWasmLikeCpu('Conv2DBackpropInput', () => {
      const w = tf.tensor4d(randomValues(3 * 3 * 4 * 5, 3), [3, 3, 4, 5]);
      const yShape = tf.conv2d(tf.zeros([2, 8, 9, 4]) as tf.Tensor4D, w, 2, 1, 'NHWC', 1, 'ceil').shape;
      const dy = tf.tensor(randomValues(size(yShape), 4), yShape);
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor;
      return dx.dataSync() as Float32Array;
    });
  });

  test('NCHW goes to the stock kernel and still matches cpu', async () => {
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [2, 3, 7, 7] };
    await expectWasmLikeCpu('Conv2DBackpropInput (stock, NCHW)', () => {
      const dy = tf.tensor4d(randomValues(2 * 4 * 5 * 5, 5), [2, 4, 5, 5]);
      const w = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
      return (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor).dataSync() as Float32Array;
    });
    const backend = await wasmBackend();
    tf.tidy(() => {
      const dy = tf.zeros([2, 4, 5, 5]);
      const w = tf.zeros([3, 3, 3, 4]);
      expect(conv2DBackpropInputWith('auto', backend, dy, w, attrs as never)).toBeNull();
    });
  });
});

describe('Conv2D (forward) on wasm matches cpu', () => {
  registerTrainingKernelsFirst();

  // One input channel takes the package's first-layer route (4 filters or more, 4
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

  async function forward(backend: Backend, c: (typeof cases)[number], seed: number): Promise<Float32Array> {
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
    expectEachCallFreed(backend, 3, () => tf.conv2d(x, w, stride, pad));
    tf.dispose([x, w]);
  });
});

describe('MaxPoolGrad on wasm matches cpu', () => {
  registerTrainingKernelsFirst();

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

  async function poolGrad(backend: Backend, c: (typeof cases)[number], seed: number): Promise<Float32Array> {
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
    await expectWasmLikeCpuWithAndWithoutSimd('MaxPoolGrad', (backend) => poolGrad(backend, c, seed));
  });

  test.each([3, 8])('the kernel itself leaves no tensor or backend buffer behind (%i channels)', async (channels) => {
    const backend = await wasmBackend();
    const input = tf.tensor4d(randomValues(2 * 6 * 6 * channels, 4), [2, 6, 6, channels]);
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.onesLike(output);
    const counts = new LiveCounts(backend);
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, {
      filterSize: 2, strides: 2, pad: 'valid',
    }) as tf.Tensor;
    expect(dx.shape).toEqual([2, 6, 6, channels]);
    counts.expectTensors(1);
    dx.dispose();
    counts.expectBoth();
    tf.dispose([input, output, dy]);
  });

  test('numeric pad with dimRoundingMode, through the kernel directly', async () => {
    const shape: Shape4 = [2, 8, 9, 4];
    const attrs = { filterSize: 3, strides: 2, pad: 1, dimRoundingMode: 'ceil' };
    await expectWasmLikeCpu('MaxPoolGrad', () => {
      const input = tf.tensor4d(randomValues(size(shape), 9), shape);
      const output = tf.engine().runKernel('MaxPool', { x: input }, attrs) as tf.Tensor;
      const dy = tf.tensor(randomValues(output.size, 10), output.shape);
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, attrs) as tf.Tensor;
      return dx.dataSync() as Float32Array;
    });
  });
});

describe('bias kernels (Add, Sum) on wasm match cpu', () => {
  registerTrainingKernelsFirst();

  /** Runs `fn` on seeded inputs of the given shapes and dtypes on `backend`. */
  async function run(
    backend: Backend,
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

  // Bias-add shapes: the package's SIMD pass (4 channels or more) and the stock kernel (the rest).
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
    expectEachCallFreed(backend, 3, () => kernel === 'Add'
      ? tf.engine().runKernel('Add', { a: x, b }, {}) as tf.Tensor
      : tf.engine().runKernel('Sum', { x }, { axis: [0, 1, 2], keepDims: false }) as tf.Tensor);
    tf.dispose([x, b]);
  });
});

describe('Identity and Cast on wasm', () => {
  registerTrainingKernelsFirst();

  test('Identity and same-dtype Cast share the buffer, and the data outlives the original', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d([[1.5, -2], [3, 4.25]]);
    const counts = new LiveCounts(backend);
    const copy = tf.engine().runKernel('Identity', { x }, {}) as tf.Tensor;
    const cast = tf.cast(x, 'float32');
    const clone = tf.clone(x);
    counts.expectBuffers(); // no new buffer
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(copy.shape).toEqual([2, 2]);
    tf.dispose([copy, cast]);
    counts.expectBuffers(); // still held by clone
    clone.dispose();
    counts.expectBuffers(-1);
  });

  test('Cast between dtypes still converts as on cpu', async () => {
    await useBackend('wasm');
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
    await useBackend('wasm');
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    tf.tidy(() => v.assign(tf.tensor1d([7, 8, 9])));
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([init, v]);
  });
});

describe('GatherV2 on wasm', () => {
  registerTrainingKernelsFirst();

  const CASES: { name: string; shape: number[]; indices: number[] | number[][]; axis: number; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { name: 'rows of a flat set (a training batch)', shape: [50, 40], indices: [7, 0, 49, 7, 23], axis: 0, dtype: 'float32' },
    { name: 'images of a 4-d set', shape: [9, 6, 5, 1], indices: [8, 2, 2, 0], axis: 0, dtype: 'float32' },
    { name: 'a middle axis', shape: [3, 7, 4, 5], indices: [6, 1, 3], axis: 1, dtype: 'float32' },
    { name: 'a negative axis', shape: [4, 6, 20], indices: [5, 0], axis: -2, dtype: 'float32' },
    { name: 'rank-2 indices', shape: [10, 16], indices: [[1, 2, 3], [9, 0, 4]], axis: 0, dtype: 'float32' },
    { name: 'int32 values', shape: [12, 20], indices: [11, 3], axis: 0, dtype: 'int32' },
    { name: 'bool values', shape: [6, 32], indices: [5, 1, 1], axis: 0, dtype: 'bool' },
    { name: 'slices too short for copies (the stock kernel)', shape: [10, 3], indices: [2, 9], axis: 0, dtype: 'float32' },
    { name: 'the last axis (the stock kernel)', shape: [5, 30], indices: [29, 0], axis: 1, dtype: 'float32' },
    { name: 'no indices', shape: [8, 20], indices: [], axis: 0, dtype: 'float32' },
  ];

  test.each(CASES)('$name: the same values and shape as cpu', async ({ shape, indices, axis, dtype }) => {
    const values = randomValues(size(shape), 11).map((v) => Math.round(v * 50));
    const run = async (backend: Backend) => on(backend, () => {
      const x = tf.tensor(values, shape, dtype);
      const gathered = tf.gather(x, tf.tensor(indices as number[], undefined, 'int32'), axis);
      return { shape: gathered.shape, values: Array.from(gathered.dataSync()), dtype: gathered.dtype };
    });
    const { expected, actual } = await cpuThenWasm(run);
    expect(actual).toEqual(expected);
  });

  test('an index out of range is refused with the stock message, and nothing is left allocated', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d(randomValues(4 * 20, 3), [4, 20]);
    const counts = new LiveCounts(backend);
    expect(() => tf.gather(x, tf.tensor1d([1, 4], 'int32'))).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 3]');
    counts.expectBoth(2); // only the two index tensors, which the caller owns
    x.dispose();
  });

  test('each call frees what it made', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d(randomValues(30 * 20, 5), [30, 20]);
    const rows = tf.tensor1d([3, 1, 29], 'int32');
    expectEachCallFreed(backend, 3, () => tf.gather(x, rows));
    tf.dispose([x, rows]);
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
  registerTrainingKernelsFirst();

  test.each(ARCHITECTURES)('$name: loss gradients of every weight match cpu', async ({ layers, batch }) => {
    const { xs, ys } = mnistLike(batch, 3);
    // Weights made once (on cpu), copied to both backends as arrays.
    const weights = await on('cpu', () => buildModel(layers, [28, 28, 1], 11).getWeights().map((w) => w.dataSync() as Float32Array));
    const gradients = async (backend: Backend): Promise<Float32Array[]> => {
      await useBackend(backend);
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
    const { expected, actual } = await cpuThenWasm(gradients);
    expectAllClose('model weight gradients', actual, expected);
  });

  test.each(ARCHITECTURES)('$name: fits on wasm with Adam and categoricalCrossentropy', async ({ layers }) => {
    const backend = await wasmBackend();
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
    const further = await trainOnBatchCounting(model, x, y, 4, backend); // losses of [loss, accuracy]
    for (const l of further.losses) expect(Number.isFinite(l)).toBe(true);
    expectSteady(further.counts);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('training a small Conv2D model on wasm', () => {
  registerTrainingKernelsFirst();

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
    const backend = await wasmBackend();
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

    const { losses, counts } = await trainOnBatchCounting(model, x, y, 40, backend);
    trainingSummary = `bars: loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)} in ` +
      `${losses.length} steps; ${counts[counts.length - 1]}`;
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    // The optimizer makes its state on the first step; after that every step
    // must free everything it makes, tensors and the wasm buffers behind them.
    expectSteady(counts, 1);

    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});
