/**
 * Conv2DBackpropInput (the gradient of a 2-D convolution with respect to its
 * input) for the wasm backend.
 *
 * tfjs-backend-wasm 4.22 has this kernel, but as a plain loop nest that runs
 * at about 3 GFLOP/s on MNIST CNNs' shapes, against about 30 GFLOP/s for the
 * forward convolution (XNNPACK). In the CNN 32-64-64 it took 60 % of a
 * training step. Two faster routes, in the notation of conv/geometry.ts:
 *
 * - 'conv' (stride 1): a forward convolution. Each input element receives
 *
 *     dx[b, h, v, c] = sum_{p, q, o} dy[b, h + top - p, v + left - q, o] * w[p, q, c, o]
 *
 *   over the taps whose dy index is in range. Substitute p' = fh-1-p,
 *   q' = fw-1-q and pad dy with zeros, fh-1-top rows above and fw-1-left
 *   columns to the left (dyp); then
 *
 *     dx[b, h, v, c] = sum_{p', q', o} dyp[b, h + p', v + q', o] * wf[p', q', o, c]
 *
 *   with wf[p', q', o, c] = w[fh-1-p', fw-1-q', c, o]: the filter turned by
 *   180 degrees in space, its in- and out-channel axes swapped. That is a
 *   forward 'valid' convolution of dyp by wf. The padding below and to the
 *   right makes the output exactly as tall and wide as x: inH - outH + top
 *   rows, inW - outW + left columns (for a 'valid' forward pass both sides
 *   get fh-1, the "full" convolution; 'same' and explicit pads give each
 *   side its own amount). The padding is passed to the wasm Conv2D kernel
 *   as explicit padding, not materialised; wf is built in one pass over the
 *   (small) filter.
 *
 * - 'gemm' / 'matmul' (any stride): every dy pixel's contribution to its
 *   input patch,
 *
 *     cols[(b, i, j), (p, q, c)] = sum_o dy[b, i, j, o] * w[p, q, c, o],
 *
 *   is a matrix product of dy [B*oh*ow, co] by w^T [co, fh*fw*ci]; each patch
 *   is then added into dx where it came from ("col2im"). This does only the
 *   multiplications of the forward pass, where the 'conv' route also
 *   multiplies dy's zero padding: inH*inW / (oh*ow) times more (2.8 for a
 *   3x3 filter on a 5x5 input). 'gemm' runs the product with the SIMD
 *   helpers' routine a few images at a time and scatters each block while
 *   it is in cache; 'matmul' (no SIMD helpers) uses one wasm BatchMatMul.
 *
 * Cases outside NHWC float32 (and dilations, which tfjs's conv gradient
 * does not support anyway) go to tfjs-backend-wasm's own kernel.
 */
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { geometryOf, imagesPerBlock, isEmpty, plainConvInfo, type ConvAttrs, type ConvGeometry } from '../conv/geometry';
import { scatterAddJs, scatterAddSimd } from '../conv/patches';
import { attrsAs, heapF32, type WasmBackendLike } from '../internals';
import { callKernel, callStock, expectShape, release, type TrainingKernel } from '../kernel_utils';
import { simdFor, type SimdHelpers } from '../simd/helpers';

const NAME = Conv2DBackpropInput;

/** The routes to the input gradient (see the module comment). */
export type BackpropInputMethod = 'conv' | 'gemm' | 'matmul';

/**
 * The geometry of the forward convolution whose input gradient is wanted,
 * or null when this package's kernel leaves the case to the stock kernel (NCHW,
 * dilations, non-float32).
 */
export function backpropInputGeometry(
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): ConvGeometry | null {
  const info = plainConvInfo(attrs.inputShape, filter, [dy], attrs as ConvAttrs);
  if (!info) return null;
  const g = geometryOf(info);
  expectShape(NAME, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return g;
}

/**
 * The explicit padding of dy for the 'conv' route, or null when the route
 * does not apply: a stride above 1, or a forward pad of more than fh-1 rows
 * (fw-1 columns) on a side, which would need a negative padding here.
 */
export function convRoutePadding(
  g: ConvGeometry,
): [[number, number], [number, number], [number, number], [number, number]] | null {
  if (g.strideHeight !== 1 || g.strideWidth !== 1) return null;
  const top = g.filterHeight - 1 - g.top;
  const left = g.filterWidth - 1 - g.left;
  const bottom = g.inHeight - g.outHeight + g.top;
  const right = g.inWidth - g.outWidth + g.left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/**
 * wf[p, q, o, c] = w[fh-1-p, fw-1-q, c, o]: the filter rotated by 180 degrees
 * in space with its channel axes swapped, in a new wasm buffer.
 */
export function flipFilter(backend: WasmBackendLike, filter: TensorInfo): TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const out = backend.makeOutput([fh, fw, co, ci], 'float32');
  const w = heapF32(backend, filter);
  const wf = heapF32(backend, out);
  const tap = ci * co;
  for (let p = 0; p < fh; p++) {
    for (let q = 0; q < fw; q++) {
      const src = ((fh - 1 - p) * fw + (fw - 1 - q)) * tap;
      const dst = (p * fw + q) * tap;
      for (let c = 0; c < ci; c++) {
        const from = src + c * co;
        for (let o = 0, to = dst + c; o < co; o++, to += ci) wf[to] = w[from + o];
      }
    }
  }
  return out;
}

/** dx by the 'conv' route; stride 1 only. */
export function backpropInputByConv(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const pad = convRoutePadding(g);
  if (pad == null) throw new Error(`${NAME}: the convolution route needs stride 1.`);
  const wf = flipFilter(backend, filter);
  try {
    const dx = callKernel(backend, 'Conv2D', { x: dy, filter: wf }, {
      strides: [1, 1],
      pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
    expectShape(NAME, 'the result', dx.shape, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
    return dx;
  } finally {
    release(backend, [wf]);
  }
}

/** w^T [co, width] with wT[o, m] = w[m, o] for m < M = fh*fw*ci, zero beyond. */
function transposedFilter(backend: WasmBackendLike, filter: TensorInfo, width: number): TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const M = fh * fw * ci;
  const wT = backend.makeOutput([co, width], 'float32');
  const w = heapF32(backend, filter);
  const t = heapF32(backend, wT);
  if (width !== M) t.fill(0);
  for (let m = 0; m < M; m++) {
    for (let o = 0, from = m * co; o < co; o++) t[o * width + m] = w[from + o];
  }
  return wT;
}

/** Output pixels per block of the 'gemm' route. */
const GEMM_PIXELS_PER_BLOCK = 512;

/** Rows of w^T per pass of the SIMD product (all of them: co is small). */
const GEMM_ROWS_PER_PASS = 128;

/**
 * dx by the 'gemm' route: per block of images, cols = dy @ w^T with the
 * SIMD helpers' product, then its scatter into dx.
 *
 * The product works on blocks of 4 rows and 8 columns: w^T gets zero
 * columns up to a multiple of 8, and a block whose pixel count is not a
 * multiple of 4 reads up to 3 rows beyond it, from the next image (the
 * extra results are not scattered) or, for the last block, from a
 * zero-padded copy.
 */
export function backpropInputByGemm(
  backend: WasmBackendLike,
  simd: SimdHelpers,
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const M = g.filterHeight * g.filterWidth * g.inChannels;
  const M8 = Math.ceil(M / 8) * 8;
  const co = g.outChannels;
  const pixels = g.outHeight * g.outWidth;
  const nb = imagesPerBlock(g, GEMM_PIXELS_PER_BLOCK);
  const rowsMax = Math.ceil((nb * pixels) / 4) * 4;
  const lastImages = g.batch - Math.floor((g.batch - 1) / nb) * nb;
  const lastRows = lastImages * pixels;
  const temps: TensorInfo[] = [];
  let dx: TensorInfo | undefined;
  try {
    const wT = transposedFilter(backend, filter, M8);
    temps.push(wT);
    const cols = backend.makeOutput([rowsMax, M8], 'float32');
    temps.push(cols);
    const tail = lastRows % 4 !== 0 ? backend.makeOutput([Math.ceil(lastRows / 4) * 4, co], 'float32') : null;
    if (tail != null) temps.push(tail);
    dx = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
    // All allocations are done: heap views and addresses are stable from here.
    heapF32(backend, dx).fill(0);
    const colsView = heapF32(backend, cols);
    const [dyAt, wTAt, colsAt, dxAt] = [dy, wT, cols, dx].map((t) => simd.address(t));
    for (let b0 = 0; b0 < g.batch; b0 += nb) {
      const n = Math.min(nb, g.batch - b0);
      const rows = n * pixels;
      const rows4 = Math.ceil(rows / 4) * 4;
      let a = dyAt + b0 * pixels * co * 4;
      if (b0 + n === g.batch && tail != null) {
        const t = heapF32(backend, tail);
        t.fill(0);
        t.set(heapF32(backend, dy).subarray(b0 * pixels * co, (b0 * pixels + rows) * co));
        a = simd.address(tail);
      }
      colsView.fill(0, 0, rows4 * M8);
      simd.gemmAcc(a, wTAt, colsAt, rows4, M8, co, co * 4, M8 * 4, M8 * 4, GEMM_ROWS_PER_PASS);
      scatterAddSimd(simd, dxAt, g, b0, n, colsAt, M8);
    }
    const result = dx;
    dx = undefined; // handed out
    return result;
  } finally {
    if (dx != null) temps.push(dx);
    release(backend, temps);
  }
}

/** dx by the 'matmul' route: one wasm BatchMatMul (XNNPACK), then the scatter. */
export function backpropInputByMatMul(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const M = g.filterHeight * g.filterWidth * g.inChannels;
  const K = g.batch * g.outHeight * g.outWidth;
  const temps: TensorInfo[] = [];
  let dx: TensorInfo | undefined;
  try {
    const wT = transposedFilter(backend, filter, M);
    temps.push(wT);
    const cols = callKernel(backend, 'BatchMatMul', {
      a: { dataId: dy.dataId, shape: [K, g.outChannels], dtype: dy.dtype },
      b: wT,
    }, { transposeA: false, transposeB: false });
    temps.push(cols);
    dx = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
    heapF32(backend, dx).fill(0);
    const simd = simdFor(backend);
    if (simd != null) scatterAddSimd(simd, simd.address(dx), g, 0, g.batch, simd.address(cols), M);
    else scatterAddJs(heapF32(backend, dx), g, heapF32(backend, cols));
    const result = dx;
    dx = undefined;
    return result;
  } finally {
    if (dx != null) temps.push(dx);
    release(backend, temps);
  }
}

/**
 * Which route to take. The 'conv' route (stride 1 only) multiplies
 * inH*inW / (oh*ow) times as much as the product routes, which in turn pay
 * for the scatter. Side by side on the 2-core machine the package was tuned
 * on (batch 64, ms; stock / conv / gemm / matmul): CNN 64@3x3 on 13x13x32 120 / 13.2 / 10.0 / 13.1;
 * 64@3x3 on 5x5x64 17.8 / 4.4 / 1.5 / 1.7; LeNet 16@5x5 on 12x12x6 8.7 /
 * 2.3 / 1.0 / 1.4; 15@3x3 on 12x12x30 27.9 / 2.6 / 2.3 / 3.7; 'same' 64@3x3
 * on 14x14x32 175 / 15.0 / 14.9 / 18.8; stride 2, 'same', 32@3x3 on
 * 28x28x16 50 / - / 4.6 / 6.5. So 'gemm' whenever the SIMD helpers are
 * there; without them 'conv' unless its extra work is large.
 */
export function chooseBackpropInputMethod(g: ConvGeometry, simd: boolean): BackpropInputMethod {
  if (simd) return 'gemm';
  if (convRoutePadding(g) == null) return 'matmul';
  const ratio = (g.inHeight * g.inWidth) / (g.outHeight * g.outWidth);
  return ratio >= 2 || (ratio >= 1.35 && g.outChannels >= 16) ? 'matmul' : 'conv';
}

/**
 * Runs this package's kernel with a given route ('auto': {@link chooseBackpropInputMethod};
 * 'conv' where it does not apply and 'gemm' without SIMD helpers fall back
 * on the product routes); null when the case is left to the stock kernel.
 * Exported for tests and benchmarks.
 */
export function conv2DBackpropInputWith(
  method: BackpropInputMethod | 'auto',
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo | null {
  const g = backpropInputGeometry(dy, filter, attrs);
  if (g == null) return null;
  if (isEmpty(g)) {
    const zeros = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
    heapF32(backend, zeros).fill(0);
    return zeros;
  }
  const simd = simdFor(backend);
  let chosen = method === 'auto' ? chooseBackpropInputMethod(g, simd != null) : method;
  if (chosen === 'conv' && convRoutePadding(g) == null) chosen = 'gemm';
  if (chosen === 'gemm' && simd == null) chosen = 'matmul';
  switch (chosen) {
    case 'conv':
      return backpropInputByConv(backend, dy, filter, g);
    case 'gemm':
      return backpropInputByGemm(backend, simd!, dy, filter, g);
    case 'matmul':
      return backpropInputByMatMul(backend, dy, filter, g);
  }
}

/** The kernel function: this package's routes where they apply, else `stock` (tfjs-backend-wasm's own kernel). */
function makeConv2DBackpropInput(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const fast = conv2DBackpropInputWith('auto', args.backend as WasmBackendLike, dy, filter, attrsAs<Conv2DBackpropInputAttrs>(args.attrs));
    return fast ?? callStock(stock, args);
  };
}

/** Conv2DBackpropInput, replacing tfjs-backend-wasm's slow loop nest for NHWC float32. */
export const conv2DBackpropInputKernel: TrainingKernel = { kernelName: Conv2DBackpropInput, replaces: true, makeKernelFunc: makeConv2DBackpropInput };
