/**
 * The body of this package's `BatchMatMul` and `_FusedMatMul` for
 * `@tensorflow/tfjs-backend-wasm` 4.22 (kernels/BatchMatMul.ts,
 * kernels/_FusedMatMul.ts): matrix products rearranged for XNNPACK.
 *
 * Why. The wasm backend has two matrix-multiply routines. XNNPACK's fully
 * connected operator (17-32 GFLOP/s where measured) is used only when neither operand
 * is transposed and both have a batch of 1. Everything else — `transposeA`,
 * `transposeB`, a batch of more than one matrix — goes to a plain blocked
 * triple loop at about 2 GFLOP/s. Every dense layer's backward pass needs the
 * transposed products (dW = x^T dy, dx = dy W^T), so training an MLP on wasm
 * spends most of its time in that slow loop.
 *
 * How. These kernels rewrite every product so that it reaches XNNPACK in the
 * one form it accepts, [1, M, K] x [1, K, N] row-major, by moving memory
 * first:
 *
 * - A transposed operand is copied transposed into a scratch buffer on the
 *   wasm heap (a cache-blocked copy written in JavaScript; the wasm backend's
 *   own `Transpose` kernel walks the output with a large stride and is about
 *   5x slower for these shapes). A matrix with a dimension of 1 is its own
 *   transpose in memory, so it is never copied.
 * - When that is cheaper, C = op(A) op(B) is computed as its transpose,
 *   C^T = op(B)^T op(A)^T, whose operands are then the *untransposed* stored
 *   matrices: for dx = dy W^T that avoids copying the (large) weight matrix
 *   and copies only the two small batch-sized matrices (dy and the result).
 *   A small cost model (elements copied, plus XNNPACK's packing of its
 *   right-hand operand) picks the cheaper of the two forms.
 * - Batches fold into the row dimension where one side has a single matrix
 *   (a [B, m, k] stack times one [k, n] matrix is one [B*m, k] x [k, n]
 *   product; one matrix times a stack folds the same way in the transposed
 *   form). Stacks on both sides run as one XNNPACK product per output matrix
 *   when the matrices are large enough to pay for the copies.
 *
 * The arithmetic runs in the stock kernels (kept from `getKernel` before
 * these replace them), so results are XNNPACK's float32 sums, as on the stock
 * fast path. The stock kernels also still run, unchanged, the products they
 * already do fast (no transposes, one matrix a side), tiny products, and
 * stacks of small matrices on both sides, wherever their result is right.
 * Scratch buffers are released before a kernel returns, also when it throws.
 *
 * Batch broadcasting. The stock kernels (and the cpu backend's) pair output
 * matrix i with A matrix i mod batchA and B matrix i mod batchB. That is
 * broadcasting when one side has a single matrix, the batch shapes are equal,
 * or one is a trailing part of the other, but not for batch shapes like
 * [2, 1] against [1, 3], where they also allocate too small an output. These
 * kernels pair matrices by true broadcasting in every case.
 *
 * Fused bias and activation. The stock `_FusedMatMul` adds the bias correctly
 * only on its fast path with a rank-1 bias of length N; on its slow path it
 * adds the bias of the last column to every row after the first, a length-1
 * bias on the fast path reads past the bias buffer, and a rank-2 bias throws.
 * Here the bias and activation are handed to XNNPACK whenever the product is
 * one natural-layout [1, M, N] call with no bias or a rank-1 bias of length N;
 * otherwise they are applied afterwards by the wasm `Add` and activation
 * kernels (the cpu backend's order: product, plus bias, activation), which
 * broadcast as the cpu backend does. An activation alone, without bias and
 * other than prelu, is element-wise and so is also fused into a transposed
 * product.
 *
 * Non-float32 inputs go to the stock kernels (which reject them). An inner
 * dimension of 0 yields zeros (the stock kernels return whatever the fresh
 * buffer held).
 */
import {
  BatchMatMul,
  broadcast_util,
  util,
  _FusedMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { heapF32, stockKernel, type WasmBackendLike } from '../internals';
import { callConfig, callKernel, callStock } from '../kernel_utils';

/** The stock kernels the replacements run their arithmetic in. */
export interface Stock {
  batchMatMul: KernelConfig;
  fusedMatMul: KernelConfig;
}

/**
 * The stock kernels, with `replaced` (the one the caller is replacing) as
 * passed in and the other looked up behind whatever the registry holds.
 */
export function matMulStock(replaced: KernelConfig): Stock {
  const other = replaced.kernelName === BatchMatMul ? _FusedMatMul : BatchMatMul;
  const found = stockKernel(other);
  if (found == null) throw new Error(`Kernel '${other}' is not registered for the wasm backend.`);
  return replaced.kernelName === BatchMatMul
    ? { batchMatMul: replaced, fusedMatMul: found }
    : { batchMatMul: found, fusedMatMul: replaced };
}

/** The activations `_FusedMatMul` takes. */
export type Activation = 'linear' | 'relu' | 'relu6' | 'prelu' | 'leakyrelu' | 'sigmoid' | 'elu';

/** The same, as a list to check an attribute against. */
export const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'elu'];

/** wasm kernel applying each activation (after the product and bias), as the cpu backend does. */
const ACTIVATION_KERNELS: Record<Exclude<Activation, 'linear'>, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  prelu: 'Prelu',
  leakyrelu: 'LeakyRelu',
  sigmoid: 'Sigmoid',
  elu: 'Elu',
};

/** Bias and activation of a `_FusedMatMul` call. */
export interface Epilogue {
  bias?: TensorInfo;
  prelu?: TensorInfo;
  activation: Activation;
  leakyreluAlpha: number;
}

/**
 * Relative cost, in element copies, of XNNPACK packing one element of the
 * right-hand operand (it re-lays the whole operand out for every new buffer).
 * Measured on the dense-layer shapes this was written for: packing runs at
 * roughly the speed of the blocked transpose copy.
 */
const PACK_COST = 1;

/**
 * Stacks of matrices on both sides run one XNNPACK product per output matrix
 * only from this many multiply-adds per matrix; below it the copies and the
 * per-call overhead (about 10 us a matrix) cost more than the stock loop
 * saves. Measured on stacks of 8 cubes: even at 20 x 20 x 20, 3x faster at 32^3.
 */
const MIN_MACS_PER_BATCH_MATRIX = 8 * 1024;

/**
 * Products of fewer multiply-adds than this (all batches together) go to the
 * stock kernel when its result is right: its loop beats a copy and a call.
 */
const TINY_MACS = 4096;

/** Side of the square tiles of the blocked transpose (16 x 16 floats = 1 KiB per tile). */
const TILE = 16;

/**
 * Copies the row-major [rows, cols] matrix at `src[srcAt...]` transposed to
 * `dst[dstAt...]` as [cols, rows], tile by tile, so that both the reads and
 * the strided writes stay within a few cache lines.
 */
function transposeInto(
  src: Float32Array,
  srcAt: number,
  dst: Float32Array,
  dstAt: number,
  rows: number,
  cols: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const from = srcAt + r * cols;
        let to = dstAt + c0 * rows + r;
        for (let c = c0; c < c1; c++, to += rows) dst[to] = src[from + c];
      }
    }
  }
}

/** Whether reading a stored [rows, cols] matrix transposed needs a copy (not when it is a row or a column). */
const needsCopy = (transposed: boolean, rows: number, cols: number): boolean =>
  transposed && rows > 1 && cols > 1;

/**
 * Flat batch index of `inShape` (a tensor's batch dimensions) for every flat
 * index of the broadcast batch shape `outShape`: size-1 (and missing leading)
 * dimensions repeat.
 */
function broadcastBatchIndex(outShape: number[], inShape: number[]): Int32Array {
  const count = util.sizeFromShape(outShape);
  const result = new Int32Array(count);
  const offset = outShape.length - inShape.length;
  const inStrides = util.computeStrides(inShape);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let index = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      const di = d - offset;
      if (di >= 0 && inShape[di] !== 1) index += coord * (di === inShape.length - 1 ? 1 : inStrides[di]);
    }
    result[i] = index;
  }
  return result;
}

/**
 * Whether the stock kernels pair the matrices of a batch as broadcasting
 * does. They allocate max(batchA, batchB) output matrices and pair output i
 * with A matrix i mod batchA and B matrix i mod batchB: right when one side
 * has a single matrix, the batch shapes are equal, or one is a trailing part
 * of the other ([2, 3] against [3]); wrong, with an output buffer too small
 * for the output shape, for shapes like [2, 1] against [1, 3] (the cpu
 * backend's kernel does the same).
 */
function stockBroadcasts(p: Problem, whichA: Int32Array, whichB: Int32Array): boolean {
  if (whichA.length !== Math.max(p.batchA, p.batchB)) return false;
  for (let i = 0; i < whichA.length; i++) {
    if (whichA[i] !== i % p.batchA || whichB[i] !== i % p.batchB) return false;
  }
  return true;
}

/**
 * One multiply as the kernels see it: op(A) is [m, k], op(B) is [k, n], for
 * each of the broadcast batch of matrix pairs. A is stored as `batchA`
 * row-major matrices of [aRows, aCols] (= [m, k], or [k, m] when transposed),
 * B likewise.
 */
export interface Problem {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  k: number;
  n: number;
  aRows: number;
  aCols: number;
  bRows: number;
  bCols: number;
  batchShapeA: number[];
  batchShapeB: number[];
  batchA: number;
  batchB: number;
  outBatchShape: number[];
  outShape: number[];
}

/** The {@link Problem} of a call, or an error naming `kernel` when the shapes do not fit. */
export function describe(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, kernel: string): Problem {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(
      `${kernel}: both operands need rank >= 2, got shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}].`,
    );
  }
  const aRows = a.shape[a.shape.length - 2];
  const aCols = a.shape[a.shape.length - 1];
  const bRows = b.shape[b.shape.length - 2];
  const bCols = b.shape[b.shape.length - 1];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kB) {
    throw new Error(
      `${kernel}: inner dimensions ${k} and ${kB} of shapes [${a.shape.join(', ')}] and ` +
        `[${b.shape.join(', ')}] (transposeA=${transposeA}, transposeB=${transposeB}) do not match.`,
    );
  }
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const outBatchShape = broadcast_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  return {
    a, b, transposeA, transposeB, m, k, n, aRows, aCols, bRows, bCols,
    batchShapeA, batchShapeB,
    batchA: util.sizeFromShape(batchShapeA),
    batchB: util.sizeFromShape(batchShapeB),
    outBatchShape,
    outShape: [...outBatchShape, m, n],
  };
}

/**
 * The work of one kernel call: the backend, the stock kernels, and the
 * scratch buffers (wasm heap allocations) to release before returning.
 */
class Run {
  /** Data ids of this call's buffers that are not (yet) its output. */
  private readonly scratch = new Set<object>();

  constructor(
    readonly backend: WasmBackendLike,
    readonly stock: Stock,
  ) {}

  /** A fresh float32 buffer on the wasm heap, released at the end unless it becomes the output. */
  alloc(shape: number[]): TensorInfo {
    return this.adopt(this.backend.makeOutput(shape, 'float32'));
  }

  /** Takes a buffer made by another kernel as scratch of this call. */
  adopt(info: TensorInfo): TensorInfo {
    this.scratch.add(info.dataId);
    return info;
  }

  /** Releases one scratch buffer now (a big one that is no longer needed). */
  drop(info: TensorInfo): void {
    if (this.scratch.delete(info.dataId)) this.backend.disposeData(info.dataId);
  }

  /** Releases every scratch buffer except `kept` (the output, if any). */
  release(kept?: TensorInfo): void {
    for (const dataId of this.scratch) {
      if (dataId !== kept?.dataId) this.backend.disposeData(dataId);
    }
    this.scratch.clear();
    if (kept != null) this.scratch.add(kept.dataId);
  }

  /**
   * Runs a wasm kernel directly (off the engine's tape); its output is
   * scratch. The products run in the stock kernels, anything else in the
   * kernel registered now.
   */
  kernel(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const stock = name === BatchMatMul ? this.stock.batchMatMul : name === _FusedMatMul ? this.stock.fusedMatMul : null;
    return this.adopt(stock != null
      ? callConfig(stock, this.backend, inputs, attrs)
      : callKernel(this.backend, name, inputs, attrs));
  }

  /**
   * The stored [rows, cols] matrices of `src` listed in `which` (indices into
   * its stack, or null for all of them in order), each read transposed if
   * `transposed`, as one contiguous [1, count * R, C] operand. Reuses `src`'s
   * data, re-described, when no copy is needed (the stock kernels only read
   * their inputs).
   *
   * `right` marks the right-hand operand. The stock kernel caches XNNPACK's
   * packed copy of it under the tensor's id, assuming one matrix shape per
   * id, so a right operand is never a re-described tensor of other matrix
   * dimensions (a row read as a column): that one is copied.
   */
  operand(
    src: TensorInfo,
    rows: number,
    cols: number,
    transposed: boolean,
    which: ArrayLike<number> | null,
    right: boolean,
  ): TensorInfo {
    const size = rows * cols;
    const stack = util.sizeFromShape(src.shape) / size;
    const count = which == null ? stack : which.length;
    const [r, c] = transposed ? [cols, rows] : [rows, cols];
    const copy = needsCopy(transposed, rows, cols);
    const reshaped = r !== rows;
    if (!copy && (which == null || stack === 1) && !(right && reshaped)) {
      return { dataId: src.dataId, shape: [1, count * r, c], dtype: 'float32' };
    }
    const out = this.alloc([1, count * r, c]);
    const from = heapF32(this.backend, src);
    const to = heapF32(this.backend, out);
    for (let i = 0; i < count; i++) {
      const at = (which == null ? i : which[i]) * size;
      if (copy) transposeInto(from, at, to, i * size, rows, cols);
      else to.set(from.subarray(at, at + size), i * size);
    }
    return out;
  }

  /**
   * XNNPACK's product [1, M, K] x [1, K, N] through a stock kernel, with the
   * bias and activation of `fused` handed over if given.
   */
  product(x: TensorInfo, y: TensorInfo, fused: Epilogue | null): TensorInfo {
    if (fused == null) {
      return this.kernel('BatchMatMul', { a: x, b: y }, { transposeA: false, transposeB: false });
    }
    const inputs: Record<string, TensorInfo> = { a: x, b: y };
    if (fused.bias != null) inputs.bias = fused.bias;
    if (fused.prelu != null) inputs.preluActivationWeights = fused.prelu;
    return this.kernel('_FusedMatMul', inputs, {
      transposeA: false,
      transposeB: false,
      activation: fused.activation,
      leakyreluAlpha: fused.leakyreluAlpha,
    });
  }

  /** Bias, then activation, applied to `x` by the wasm element-wise kernels (which broadcast). */
  epilogue(x: TensorInfo, e: Epilogue): TensorInfo {
    let current = x;
    if (e.bias != null) {
      const next = this.kernel('Add', { a: current, b: e.bias });
      this.drop(current);
      current = next;
    }
    if (e.activation !== 'linear') {
      const name = ACTIVATION_KERNELS[e.activation];
      let next: TensorInfo;
      if (e.activation === 'prelu') next = this.kernel(name, { x: current, alpha: e.prelu as TensorInfo });
      else if (e.activation === 'leakyrelu') next = this.kernel(name, { x: current }, { alpha: e.leakyreluAlpha });
      else next = this.kernel(name, { x: current });
      this.drop(current);
      current = next;
    }
    return current;
  }
}

/** Elements the blocked copy moves to read a stored [r, c] matrix transposed if `t` (else 0). */
const copyCost = (t: boolean, r: number, c: number): number => (needsCopy(t, r, c) ? r * c : 0);

/** Whether XNNPACK can add this bias itself: none, or rank 1 with one value per output column. */
const biasFusable = (e: Epilogue | null, n: number): boolean =>
  e == null || e.bias == null || (e.bias.shape.length === 1 && e.bias.shape[0] === n);

/** Element-wise passes over the output that an unfused epilogue makes. */
const epilogueOps = (e: Epilogue | null): number =>
  e == null ? 0 : (e.bias != null ? 1 : 0) + (e.activation !== 'linear' ? 1 : 0);

/**
 * What may be fused into a product whose result is laid out transposed or
 * comes in pieces: an activation alone, if it is element-wise (prelu's
 * weights follow the output's layout). Returns the part to fuse, or null, and
 * whether the epilogue must run on the final output instead.
 */
function splitForTransposed(e: Epilogue | null): { fused: Epilogue | null; after: boolean } {
  if (e == null) return { fused: null, after: false };
  if (e.bias == null && e.activation !== 'prelu') return { fused: e, after: false };
  return { fused: null, after: true };
}

/**
 * Whether C = op(A) op(B) ([m, k] x [k, n]) is cheaper as its transpose
 * C^T = op(B)^T op(A)^T. That form reads directly the stored matrices that
 * the direct form would have to copy transposed (and the other way round),
 * and copies the [n, m] result transposed; XNNPACK packs op(B) ([k, n]) in
 * the direct form and op(A)^T ([k, m]) in the other; and a bias can then no
 * longer be fused, costing passes over the result.
 */
function transposedIsCheaper(p: Problem, e: Epilogue | null): boolean {
  const { m, k, n, transposeA: tA, transposeB: tB } = p;
  const directPasses = biasFusable(e, n) ? 0 : epilogueOps(e);
  const flippedPasses = splitForTransposed(e).after ? epilogueOps(e) : 0;
  const direct = copyCost(tA, p.aRows, p.aCols) + copyCost(tB, p.bRows, p.bCols) +
    PACK_COST * k * n + directPasses * m * n;
  const flipped = copyCost(!tB, p.bRows, p.bCols) + copyCost(!tA, p.aRows, p.aCols) +
    copyCost(true, n, m) + PACK_COST * m * k + flippedPasses * m * n;
  return flipped < direct;
}

/** The same buffer described with another shape (same number of elements). */
const withShape = (info: TensorInfo, shape: number[]): TensorInfo =>
  ({ dataId: info.dataId, shape: shape.slice(), dtype: info.dtype });

/**
 * The body of both kernels: the product (with bias and activation if `e` is
 * given) as a buffer of shape `p.outShape`, every other buffer it made left
 * as scratch of `run`.
 */
function multiply(run: Run, p: Problem, e: Epilogue | null): TensorInfo {
  const { m, k, n, transposeA: tA, transposeB: tB } = p;
  const finish = (out: TensorInfo, after: boolean): TensorInfo => {
    const shaped = withShape(out, p.outShape);
    return after && e != null ? run.epilogue(shaped, e) : shaped;
  };

  if (util.sizeFromShape(p.outShape) === 0) return run.alloc(p.outShape);

  if (k === 0) {
    // Sums of nothing: zeros (then bias and activation).
    const zeros = run.alloc(p.outShape);
    heapF32(run.backend, zeros).fill(0);
    return finish(zeros, true);
  }

  if (p.batchA === 1 && p.batchB === 1 && transposedIsCheaper(p, e)) {
    // C^T = op(B)^T op(A)^T as [n, k] x [k, m], then the [n, m] result transposed.
    const { fused, after } = splitForTransposed(e);
    const flipped = run.product(
      run.operand(p.b, p.bRows, p.bCols, !tB, null, false),
      run.operand(p.a, p.aRows, p.aCols, !tA, null, true),
      fused,
    );
    if (m === 1 || n === 1) return finish(flipped, after); // a row or a column: same bytes
    const out = run.alloc(p.outShape);
    transposeInto(heapF32(run.backend, flipped), 0, heapF32(run.backend, out), 0, n, m);
    run.drop(flipped);
    return finish(out, after);
  }

  if (p.batchB === 1) {
    // Direct form. A stack of A matrices against one B folds into the rows:
    // [batchA * m, k] x [k, n] computes the whole batch in one product.
    const x = run.operand(p.a, p.aRows, p.aCols, tA, null, false);
    const y = run.operand(p.b, p.bRows, p.bCols, tB, null, true);
    if (biasFusable(e, n)) return finish(run.product(x, y, e), false);
    return finish(run.product(x, y, null), true);
  }

  if (p.batchA === 1) {
    // One A against a stack of B: the transposed form folds the stack into
    // the rows, [batchB * n, k] x [k, m]; then each [n, m] result is transposed.
    const { fused, after } = splitForTransposed(e);
    const flipped = run.product(
      run.operand(p.b, p.bRows, p.bCols, !tB, null, false),
      run.operand(p.a, p.aRows, p.aCols, !tA, null, true),
      fused,
    );
    if (m === 1 || n === 1) return finish(flipped, after);
    const out = run.alloc(p.outShape);
    const from = heapF32(run.backend, flipped);
    const to = heapF32(run.backend, out);
    for (let i = 0; i < p.batchB; i++) transposeInto(from, i * n * m, to, i * m * n, n, m);
    run.drop(flipped);
    return finish(out, after);
  }

  const whichA = broadcastBatchIndex(p.outBatchShape, p.batchShapeA);
  const whichB = broadcastBatchIndex(p.outBatchShape, p.batchShapeB);
  if (m * n * k < MIN_MACS_PER_BATCH_MATRIX && stockBroadcasts(p, whichA, whichB)) {
    // Stacks of small matrices on both sides: the stock kernel (its fused
    // bias is wrong here, so bias and activation are applied afterwards).
    const product = run.kernel('BatchMatMul', { a: p.a, b: p.b }, { transposeA: tA, transposeB: tB });
    return finish(product, true);
  }

  // Stacks of larger matrices on both sides (or batch shapes the stock
  // kernel cannot broadcast): one product per output matrix.
  const flip = transposedIsCheaper(p, null);
  const { fused, after } = splitForTransposed(e);
  const out = run.alloc(p.outShape);
  for (let i = 0; i < whichA.length; i++) {
    const ia = whichA.subarray(i, i + 1);
    const ib = whichB.subarray(i, i + 1);
    const piece = flip
      ? run.product(run.operand(p.b, p.bRows, p.bCols, !tB, ib, false), run.operand(p.a, p.aRows, p.aCols, !tA, ia, true), fused)
      : run.product(run.operand(p.a, p.aRows, p.aCols, tA, ia, false), run.operand(p.b, p.bRows, p.bCols, tB, ib, true), fused);
    const from = heapF32(run.backend, piece);
    const to = heapF32(run.backend, out);
    if (flip && m > 1 && n > 1) transposeInto(from, 0, to, i * m * n, n, m);
    else to.set(from, i * m * n);
    run.release(out); // this pair's operand copies and product
  }
  return finish(out, after);
}

/**
 * Whether the stock kernel can run this call unchanged, fast or cheaply and
 * correctly: its own fast case (no transposes, one matrix a side, a bias
 * XNNPACK can add), or a tiny product whose batches it pairs correctly and
 * whose bias its loop adds correctly (none, a single value, or one row).
 */
function stockCanRun(p: Problem, e: Epilogue | null): boolean {
  if (p.k === 0) return false; // the stock kernel leaves the output unset
  if (e != null && (p.a.shape.length !== 3 || p.b.shape.length !== 3)) return false; // it reads rank-3 shapes
  if (!p.transposeA && !p.transposeB && p.batchA === 1 && p.batchB === 1) return biasFusable(e, p.n);
  const outBatch = util.sizeFromShape(p.outBatchShape);
  if (outBatch * p.m * p.n * p.k >= TINY_MACS) return false;
  if (e?.bias != null && !(e.bias.shape.length === 1 && (e.bias.shape[0] === 1 || p.m === 1))) return false;
  return p.batchA === 1 || p.batchB === 1 ||
    stockBroadcasts(p, broadcastBatchIndex(p.outBatchShape, p.batchShapeA), broadcastBatchIndex(p.outBatchShape, p.batchShapeB));
}

/**
 * A kernel call of `p` (with bias and activation when `e` is given): in the
 * stock kernel `own` where {@link stockCanRun}, else rearranged here into a
 * new buffer of shape `p.outShape`, every scratch buffer released, also when
 * it throws.
 */
export function productOrStock(
  args: Parameters<KernelFunc>[0], stock: Stock, own: KernelConfig, p: Problem, e: Epilogue | null,
): TensorInfo {
  if (stockCanRun(p, e)) return callStock(own, args);
  const run = new Run(args.backend as WasmBackendLike, stock);
  let out: TensorInfo | undefined;
  try {
    out = multiply(run, p, e);
    return out;
  } finally {
    run.release(out);
  }
}
