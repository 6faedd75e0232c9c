/**
 * The wasm BatchMatMul and _FusedMatMul of tfjs-backend-wasm-training
 * against the cpu backend: every transpose combination, rank 2 and 3,
 * batches and broadcast batches, odd sizes, fused bias and activations, the
 * gradients of small dense networks, and no leaked tensors or wasm buffers.
 *
 * The file registers the package's kernels itself (replacing the stock ones
 * for the whole file), so it does not depend on how lib wires them in.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels } from 'tfjs-backend-wasm-training';
import {
  type Backend, closeChecker, cpuThenWasm, expectEachCallFreed, expectSteady, LiveCounts, on, randomValues, size,
  trainOnBatchCounting, useBackend, wasmBackend,
} from './backend-compare';

/**
 * Checks `actual` (wasm) against `expected` (cpu) elementwise with
 * |a - e| <= 1e-5 * max(1, max |e|). Float32 sums of up to 784 products of
 * values in [-1, 1] agree to about 1e-6 of that scale whatever the order of
 * summation (XNNPACK's differs from the cpu loop's), while a wrong index,
 * transposition, bias or batch pairing shows as an error of the data's own
 * size (about 1).
 */
const { expectClose, expectAllClose, summary } = closeChecker({ rtol: 0, atol: 1e-5 });

/** Shapes of stored operands for op(A) [m, k], op(B) [k, n] with the given batch shapes. */
function shapes(
  m: number, k: number, n: number, tA: boolean, tB: boolean, batchA: number[] = [], batchB: number[] = [],
): { a: number[]; b: number[] } {
  return {
    a: [...batchA, ...(tA ? [k, m] : [m, k])],
    b: [...batchB, ...(tB ? [n, k] : [k, n])],
  };
}

interface Fused {
  bias?: number[]; // bias shape
  activation?: 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';
  alpha?: number[]; // prelu weights shape
}

/** The product (fused if asked) of seeded operands on `backend`, as values and shape. */
async function product(
  backend: Backend, a: number[], b: number[], tA: boolean, tB: boolean, seed: number, fused?: Fused,
): Promise<{ values: Float32Array; shape: number[] }> {
  return on(backend, () => {
    let ta = tf.tensor(randomValues(size(a), seed), a);
    let tb = tf.tensor(randomValues(size(b), seed + 1), b);
    if (backend === 'cpu') {
      // The cpu kernel pairs batch matrices by index modulo the batch size,
      // which is not broadcasting for shapes like [2, 1] against [1, 3]; the
      // reference broadcasts the operands explicitly first.
      const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.slice(0, -2), b.slice(0, -2));
      if (batch.length > 0) {
        ta = tf.broadcastTo(ta, [...batch, ...a.slice(-2)]);
        tb = tf.broadcastTo(tb, [...batch, ...b.slice(-2)]);
      }
    }
    let out: tf.Tensor;
    if (fused == null) {
      out = tf.matMul(ta, tb, tA, tB);
    } else {
      out = tf.fused.matMul({
        a: ta, b: tb, transposeA: tA, transposeB: tB,
        bias: fused.bias ? tf.tensor(randomValues(size(fused.bias), seed + 2), fused.bias) : undefined,
        activation: fused.activation ?? 'linear',
        // prelu weights in [0, 1): a visible, sign-preserving slope
        preluActivationWeights: fused.alpha
          ? tf.tensor(randomValues(size(fused.alpha), seed + 3).map((v) => (v + 1) / 2), fused.alpha)
          : undefined,
        leakyreluAlpha: 0.3,
      });
    }
    return { values: out.dataSync() as Float32Array, shape: out.shape };
  });
}

/** Compares the wasm product with the cpu product of the same operands. */
async function compare(label: string, a: number[], b: number[], tA: boolean, tB: boolean, fused?: Fused): Promise<void> {
  const seed = 17 + size(a) * 3 + size(b) + (tA ? 5 : 0) + (tB ? 11 : 0);
  const { expected, actual } = await cpuThenWasm((backend) => product(backend, a, b, tA, tB, seed, fused));
  expect(actual.shape).toEqual(expected.shape);
  expectClose(label, actual.values, expected.values);
}

const TRANSPOSES: { tA: boolean; tB: boolean; name: string }[] = [
  { tA: false, tB: false, name: 'A B' },
  { tA: true, tB: false, name: 'A^T B' },
  { tA: false, tB: true, name: 'A B^T' },
  { tA: true, tB: true, name: 'A^T B^T' },
];

/** Every transpose combination for each [m, k, n]. */
const withTransposes = (dims: [number, number, number][]) =>
  dims.flatMap(([m, k, n]) => TRANSPOSES.map((t) => ({ ...t, m, k, n })));

const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'];

// The stock configs, kept to show what the replacements fix.
let stockBatchMatMul: tf.KernelConfig | undefined;
let stockFusedMatMul: tf.KernelConfig | undefined;
let ours: tf.KernelConfig[] = [];

beforeAll(async () => {
  await useBackend('wasm');
  stockBatchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  stockFusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  expect(registerWasmTrainingKernels().registered).toEqual(expect.arrayContaining(MATMUL_KERNELS));
  ours = MATMUL_KERNELS.map((name) => tf.getKernel(name, 'wasm')!);
});

afterAll(() => {
  console.log(`wasm matmul vs cpu, largest differences:\n${summary()}`);
});

describe('registration', () => {
  test('configs for BatchMatMul and _FusedMatMul on wasm, the same after registering again', () => {
    expect(ours.map((c) => c.kernelName)).toEqual(MATMUL_KERNELS);
    for (const c of ours) {
      expect(c.backendName).toBe('wasm');
      expect(c).not.toBe(c.kernelName === 'BatchMatMul' ? stockBatchMatMul : stockFusedMatMul);
    }
    registerWasmTrainingKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(ours[0]);
    expect(tf.getKernel('_FusedMatMul', 'wasm')).toBe(ours[1]);
  });

  test('the configs carry the stock setup functions', () => {
    expect(stockBatchMatMul?.setupFunc).toBeDefined();
    expect(ours[0].setupFunc).toBe(stockBatchMatMul?.setupFunc);
    expect(ours[1].setupFunc).toBe(stockFusedMatMul?.setupFunc);
  });

  test('the stock _FusedMatMul adds a bias wrongly when an operand is transposed', async () => {
    // If this fails after a tfjs upgrade, the stock kernel has been fixed.
    const backend = await wasmBackend();
    const stock = tf.tidy(() => {
      const a = tf.tensor3d([1, 3, 5, 2, 4, 6], [1, 2, 3]); // A^T = [[1, 2], [3, 4], [5, 6]]
      const b = tf.tensor3d([1, 0, 0, 0, 1, 0], [1, 2, 3]);
      const bias = tf.tensor1d([10, 20, 30]);
      const out = stockFusedMatMul!.kernelFunc({
        inputs: { a, b, bias },
        attrs: { transposeA: true, transposeB: false, activation: 'linear', leakyreluAlpha: 0 },
        backend,
      }) as tf.TensorInfo;
      const values = Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      return values;
    });
    const expected = [11, 22, 30, 13, 24, 30, 15, 26, 30];
    expect(stock).not.toEqual(expected);
    const mine = await on('wasm', () =>
      Array.from(tf.fused.matMul({
        a: tf.tensor2d([1, 3, 5, 2, 4, 6], [2, 3]), b: tf.tensor2d([1, 0, 0, 0, 1, 0], [2, 3]),
        transposeA: true, bias: tf.tensor1d([10, 20, 30]),
      }).dataSync()));
    expect(mine).toEqual(expected);
  });
});

describe('BatchMatMul, rank 2', () => {
  const cases = withTransposes([
    [1, 1, 1], [1, 7, 1], [7, 1, 7], [1, 63, 7], [7, 63, 1], [63, 7, 63],
    [64, 784, 7], [7, 784, 64], [63, 1, 784], [64, 784, 256], [784, 64, 63], [128, 64, 10],
    // rows and columns above the size the stock kernel keeps
    [1, 784, 63], [63, 784, 1], [784, 63, 1], [1, 63, 784], [784, 1, 63],
  ]);
  test.each(cases)('[$m, $k] x [$k, $n], $name', async ({ m, k, n, tA, tB }) => {
    const s = shapes(m, k, n, tA, tB);
    await compare('BatchMatMul rank 2', s.a, s.b, tA, tB);
  });
});

describe('BatchMatMul, batched', () => {
  const batchCases = [
    // [name, m, k, n, batch shape of A, batch shape of B]
    { name: 'batch 1 (tfjs-layers)', m: 64, k: 63, n: 120, ba: [1], bb: [1] },
    { name: 'batch 3 both, small', m: 7, k: 5, n: 9, ba: [3], bb: [3] },
    { name: 'batch 3 both, large', m: 40, k: 63, n: 33, ba: [3], bb: [3] },
    { name: 'A stack x one B', m: 7, k: 63, n: 9, ba: [4], bb: [1] },
    { name: 'one A x B stack', m: 7, k: 63, n: 9, ba: [1], bb: [4] },
    { name: 'rank 2 x B stack', m: 7, k: 63, n: 9, ba: [], bb: [3] },
    { name: 'A stack x rank 2', m: 7, k: 63, n: 9, ba: [3], bb: [] },
    { name: 'rank 4 broadcast, small', m: 3, k: 4, n: 5, ba: [2, 1], bb: [1, 3] },
    { name: 'rank 4 broadcast, large', m: 33, k: 40, n: 31, ba: [2, 1], bb: [1, 3] },
    { name: 'rank 4 x rank 3 broadcast, large', m: 33, k: 40, n: 31, ba: [2, 3], bb: [3] },
    { name: 'one-row matrices, stacks, small', m: 1, k: 63, n: 1, ba: [5], bb: [5] },
    { name: 'one-row matrices, stacks, large', m: 1, k: 784, n: 63, ba: [3], bb: [3] },
    { name: 'one-column matrices, stacks, large', m: 63, k: 784, n: 1, ba: [3], bb: [3] },
    { name: 'one-row A x B stack', m: 1, k: 784, n: 63, ba: [], bb: [3] },
    { name: 'A stack x one column', m: 63, k: 784, n: 1, ba: [3], bb: [] },
  ];
  const cases = batchCases.flatMap((c) => TRANSPOSES.map((t) => ({ ...c, ...t, label: `${c.name}, ${t.name}` })));
  test.each(cases)('$label', async ({ m, k, n, ba, bb, tA, tB }) => {
    const s = shapes(m, k, n, tA, tB, ba, bb);
    await compare('BatchMatMul batched', s.a, s.b, tA, tB);
  });
});

describe('_FusedMatMul', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  // Dense-layer-like shapes: a wide product and a narrow one (each takes a
  // different route for the transposed cases).
  const dims: [number, number, number][] = [[7, 63, 33], [64, 80, 1]];
  const cases = dims.flatMap(([m, k, n]) =>
    activations.flatMap((activation) =>
      TRANSPOSES.map((t) => ({ ...t, m, k, n, activation, label: `[${m}, ${k}] x [${k}, ${n}], ${t.name}, bias [n], ${activation}` }))));
  test.each(cases)('$label', async ({ m, k, n, tA, tB, activation }) => {
    const s = shapes(m, k, n, tA, tB);
    await compare('_FusedMatMul', s.a, s.b, tA, tB, {
      bias: [n], activation, alpha: activation === 'prelu' ? [n] : undefined,
    });
  });

  const other = TRANSPOSES.flatMap((t) => [
    { ...t, label: `no bias, relu, ${t.name}`, fused: { activation: 'relu' } as Fused },
    { ...t, label: `no bias, prelu (scalar), ${t.name}`, fused: { activation: 'prelu', alpha: [] } as Fused },
    { ...t, label: `bias [1], sigmoid, ${t.name}`, fused: { bias: [1], activation: 'sigmoid' } as Fused },
    { ...t, label: `bias [m, n], elu, ${t.name}`, fused: { bias: [9, 11], activation: 'elu' } as Fused },
    { ...t, label: `bias [1, n], leakyrelu, ${t.name}`, fused: { bias: [1, 11], activation: 'leakyrelu' } as Fused },
  ]);
  test.each(other)('[9, 50] x [50, 11], $label', async ({ tA, tB, fused }) => {
    const s = shapes(9, 50, 11, tA, tB);
    await compare('_FusedMatMul', s.a, s.b, tA, tB, fused);
  });

  // Tiny products, some run by the stock kernel (where its result is right).
  const tiny = TRANSPOSES.flatMap((t) => [
    { ...t, label: `bias [n], relu, ${t.name}`, fused: { bias: [5], activation: 'relu' } as Fused },
    { ...t, label: `bias [1], relu6, ${t.name}`, fused: { bias: [1], activation: 'relu6' } as Fused },
    { ...t, label: `no bias, leakyrelu, ${t.name}`, fused: { activation: 'leakyrelu' } as Fused },
  ]);
  test.each(tiny)('[3, 4] x [4, 5], $label', async ({ tA, tB, fused }) => {
    const s = shapes(3, 4, 5, tA, tB);
    await compare('_FusedMatMul', s.a, s.b, tA, tB, fused);
  });

  const batched = TRANSPOSES.flatMap((t) => [
    { ...t, label: `A stack x one B, ${t.name}`, ba: [3], bb: [1], m: 7, k: 20, n: 11 },
    { ...t, label: `one A x B stack, ${t.name}`, ba: [1], bb: [3], m: 7, k: 20, n: 11 },
    { ...t, label: `stacks, small, ${t.name}`, ba: [3], bb: [3], m: 7, k: 20, n: 11 },
    { ...t, label: `stacks, tiny, ${t.name}`, ba: [2], bb: [2], m: 3, k: 4, n: 5 },
    { ...t, label: `stacks, large, ${t.name}`, ba: [2], bb: [2], m: 40, k: 30, n: 33 },
  ]);
  test.each(batched)('batched: $label, bias [n] and relu6 / prelu', async ({ tA, tB, ba, bb, m, k, n }) => {
    const s = shapes(m, k, n, tA, tB, ba, bb);
    await compare('_FusedMatMul batched', s.a, s.b, tA, tB, { bias: [n], activation: 'relu6' });
    await compare('_FusedMatMul batched', s.a, s.b, tA, tB, { bias: [n], activation: 'prelu', alpha: [n] });
  });
});

describe('edge cases', () => {
  test('an inner dimension of 0 gives zeros (plus the bias)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      const [plain, fused] = await on(backend, () => [
        Array.from(tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])).dataSync()),
        Array.from(tf.fused.matMul({
          a: tf.zeros([0, 3]), b: tf.zeros([2, 0]), transposeA: true, transposeB: true,
          bias: tf.tensor1d([1, -2]), activation: 'relu',
        }).dataSync()),
      ]);
      expect(plain).toEqual([0, 0, 0, 0, 0, 0]);
      expect(fused).toEqual([1, 0, 1, 0, 1, 0]);
    }
  });

  test('a row used as right operand, first as a row, then transposed to a column', async () => {
    // The stock kernel caches XNNPACK's packed right operand under the
    // tensor's id: a column view of the same id must not reuse the row's.
    const { expected, actual } = await cpuThenWasm((backend) => on(backend, () => {
      const v = tf.tensor2d(randomValues(100, 1), [1, 100]);
      const a = tf.tensor2d(randomValues(64, 2), [64, 1]);
      const c = tf.tensor2d(randomValues(64 * 100, 3), [64, 100]);
      const outer = tf.matMul(a, v); // [64, 1] x [1, 100]
      const inner = tf.matMul(c, v, false, true); // [64, 100] x [100, 1]
      return [outer.dataSync() as Float32Array, inner.dataSync() as Float32Array];
    }));
    expectAllClose('BatchMatMul rank 2', actual, expected);
  });

  test('empty outputs', async () => {
    const shape = await on('wasm', () => tf.matMul(tf.zeros([2, 0, 3]), tf.zeros([2, 3, 4])).shape);
    expect(shape).toEqual([2, 0, 4]);
  });

  test('mismatched inner dimensions throw', async () => {
    await useBackend('wasm');
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => tf.matMul(a, b)).toThrow(/inner (shapes|dimensions) \(?3\)? and \(?2\)?/); // the stock kernel's check
    expect(() => tf.matMul(a, b, true, true)).toThrow(/inner dimensions 2 and 4/);
    tf.dispose([a, b]);
  });

  test('int32 operands go to the stock kernel (which rejects them, as before)', async () => {
    await useBackend('wasm');
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    expect(() => tf.matMul(a, a, true, false)).toThrow(/non-float32/);
    a.dispose();
  });
});

describe('gradients of small dense networks, wasm vs cpu', () => {
  /** Loss gradients of every weight of a seeded tfjs-layers MLP. */
  async function gradients(backend: Backend, inputShape: number[], units: number[], batch: number): Promise<Float32Array[]> {
    await useBackend(backend);
    const model = tfl.sequential();
    units.forEach((u, i) => {
      model.add(tfl.layers.dense({
        ...(i === 0 ? { inputShape } : {}),
        units: u,
        activation: i === units.length - 1 ? 'softmax' : i % 2 === 0 ? 'relu' : 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 + i }),
        biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 30 + i }),
      }));
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const out = tf.tidy(() => {
      const x = tf.tensor(randomValues(batch * size(inputShape), 5), [batch, ...inputShape]);
      const classes = units[units.length - 1];
      const labels = new Float32Array(size([batch, ...inputShape.slice(0, -1), classes]));
      for (let i = 0; i < labels.length / classes; i++) labels[i * classes + (i % classes)] = 1;
      const y = tf.tensor(labels, [batch, ...inputShape.slice(0, -1), classes]);
      const { grads } = tf.variableGrads(() => {
        const p = model.apply(x) as tf.Tensor;
        return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), -1))) as tf.Scalar;
      }, vars);
      return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
    });
    model.dispose();
    return out;
  }

  test.each([
    { name: 'MLP 784-32-16-10, batch 8', inputShape: [784], units: [32, 16, 10], batch: 8 },
    { name: 'MLP 63-7-1-3, batch 1', inputShape: [63], units: [7, 1, 3], batch: 1 },
    { name: 'dense layers on rank-3 input [5, 6, 20] -> 9 -> 4', inputShape: [6, 20], units: [9, 4], batch: 5 },
  ])('$name', async ({ inputShape, units, batch }) => {
    const { expected, actual } = await cpuThenWasm((backend) => gradients(backend, inputShape, units, batch));
    expectAllClose('dense network gradients', actual, expected);
  });

  test('tf.grad through a fused product with transposes, bias and activation', async () => {
    const { expected, actual } = await cpuThenWasm((backend) => on(backend, () => {
      const a = tf.tensor2d(randomValues(30 * 12, 1), [30, 12]); // used transposed: [12, 30]
      const b = tf.tensor2d(randomValues(25 * 30, 2), [25, 30]); // used transposed: [30, 25]
      const bias = tf.tensor1d(randomValues(25, 3));
      const g = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({
        a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeA: true, transposeB: true, bias: c, activation: 'linear',
      }))));
      return g([a, b, bias]).map((t) => t.dataSync() as Float32Array);
    }));
    expectAllClose('fused product gradients', actual, expected);
  });
});

describe('no leaks', () => {
  const routes: { name: string; a: number[]; b: number[]; tA: boolean; tB: boolean; fused?: Fused }[] = [
    { name: 'plain', a: [20, 30], b: [30, 10], tA: false, tB: false },
    { name: 'A^T B (transposed copy of A)', a: [30, 20], b: [30, 10], tA: true, tB: false },
    { name: 'A B^T (transposed product)', a: [4, 30], b: [50, 30], tA: false, tB: true },
    { name: 'A stack x one B', a: [3, 30, 20], b: [30, 10], tA: true, tB: false },
    { name: 'one A x B stack', a: [20, 30], b: [3, 30, 10], tA: false, tB: false },
    { name: 'stacks, per matrix', a: [2, 40, 30], b: [2, 40, 30], tA: false, tB: true },
    { name: 'stacks, broadcast [2, 1] x [1, 3]', a: [2, 1, 4, 3], b: [1, 3, 3, 4], tA: false, tB: false },
    { name: 'stacks, small', a: [2, 3, 4], b: [2, 3, 4], tA: true, tB: false },
    { name: 'fused, bias fused', a: [30, 20], b: [30, 10], tA: true, tB: false, fused: { bias: [10], activation: 'relu' } },
    { name: 'fused, bias after', a: [4, 30], b: [50, 30], tA: false, tB: true, fused: { bias: [4, 50], activation: 'prelu', alpha: [50] } },
    { name: 'inner dimension 0', a: [0, 3], b: [0, 2], tA: true, tB: false, fused: { bias: [2], activation: 'elu' } },
  ];
  test.each(routes)('$name: tensors and wasm buffers stay flat', async ({ a, b, tA, tB, fused }) => {
    const backend = await wasmBackend();
    const ta = tf.tensor(randomValues(size(a), 1), a);
    const tb = tf.tensor(randomValues(size(b), 2), b);
    const bias = fused?.bias ? tf.tensor(randomValues(size(fused.bias), 3), fused.bias) : undefined;
    const alpha = fused?.alpha ? tf.tensor(randomValues(size(fused.alpha), 4), fused.alpha) : undefined;
    const call = () => fused == null
      ? tf.matMul(ta, tb, tA, tB)
      : tf.fused.matMul({ a: ta, b: tb, transposeA: tA, transposeB: tB, bias, activation: fused.activation, preluActivationWeights: alpha });
    call().dispose(); // warm-up
    expectEachCallFreed(backend, 5, call);
    tf.dispose([ta, tb, bias, alpha].filter((t): t is tf.Tensor => t != null));
  });

  test('a kernel that throws leaves nothing behind', async () => {
    const backend = await wasmBackend();
    const a = tf.zeros([5, 4]);
    const b = tf.zeros([5, 6]);
    const bias = tf.zeros([7]); // does not broadcast to [4, 6]
    const counts = new LiveCounts(backend);
    expect(() => tf.engine().runKernel('_FusedMatMul', { a, b, bias }, {
      transposeA: true, transposeB: false, activation: 'linear', leakyreluAlpha: 0,
    })).toThrow();
    counts.expectBoth();
    tf.dispose([a, b, bias]);
  });

  test('training a small MLP on wasm keeps the tensor and buffer counts flat', async () => {
    const backend = await wasmBackend();
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [20], units: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(randomValues(32 * 20, 9), [32, 20]);
    const labels = new Float32Array(32 * 3);
    for (let i = 0; i < 32; i++) labels[i * 3 + (x.dataSync()[i * 20] > 0 ? 0 : x.dataSync()[i * 20 + 1] > 0 ? 1 : 2)] = 1;
    const y = tf.tensor2d(labels, [32, 3]);
    const { losses, counts } = await trainOnBatchCounting(model, x, y, 30, backend);
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    expectSteady(counts, 1);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});
