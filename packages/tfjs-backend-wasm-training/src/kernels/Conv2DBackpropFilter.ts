/**
 * Conv2DBackpropFilter (the gradient of a 2-D convolution with respect to
 * its filter) for the wasm backend, which tfjs-backend-wasm 4.22 lacks
 * (tfjs issue #8474).
 *
 * With the notation of conv/geometry.ts, the forward convolution is
 *
 *   y[b, i, j, o] = sum_{p, q, c} x[b, i*sh + p - top, j*sw + q - left, c] * w[p, q, c, o]
 *
 * so its filter gradient sums over the batch and every output position:
 *
 *   dw[p, q, c, o] = sum_{b, i, j} x[b, i*sh + p - top, j*sw + q - left, c] * dy[b, i, j, o]
 *
 * that is one matrix product dw = P @ dy of the transposed patch matrix P
 * [fh*fw*ci, B*oh*ow] by dy viewed as [B*oh*ow, co]. Its inner dimension
 * (every output pixel of the batch) is long and its result small. Three
 * ways to run it:
 *
 * - 'gemm' (the default where it applies): P is gathered a few images at a
 *   time with the SIMD helpers (simd/helpers.ts) and multiplied at once by
 *   the matching rows of dy with their own product routine, which reads dy
 *   where it lies. Both stay in cache, and dy is never repacked.
 *
 * - 'matmul': P whole, then one wasm BatchMatMul P @ dy (XNNPACK). XNNPACK
 *   repacks its second operand, dy, at about 3 ns per value, which costs
 *   more than the arithmetic in first layers (dy large, filter small).
 *
 * - 'conv': the product as a forward wasm convolution. Let c play the
 *   batch, b the input channel, (p, q) the output position and (i, j) the
 *   filter taps: the "image" is x with its batch and channel axes swapped
 *   ([ci, H, W, B]) and the "filter" is dy with its batch axis moved into
 *   the input-channel slot ([oh, ow, B, co]), taps spaced sh and sw apart
 *   (the forward stride becomes a dilation). The result [ci, fh', fw', co]
 *   is sliced to fh x fw (fh' > fh only when a strided forward pass never
 *   reached the last rows) and transposed to [fh, fw, ci, co]. Needs no
 *   SIMD helpers and handles strides without gathering single floats.
 *
 * All are exact up to float32 summation order. {@link chooseFilterGradMethod}
 * picks one per shape from side-by-side timings.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { geometryOf, imagesPerBlock, isEmpty, touchesPadding, type ConvGeometry } from '../conv/geometry';
import { gatherTransposedJs, gatherTransposedSimd } from '../conv/patches';
import { attrsAs, heapF32, type WasmBackendLike } from '../internals';
import { callKernel, expectShape, release, type TrainingKernel } from '../kernel_utils';
import { simdFor, type SimdHelpers } from '../simd/helpers';

const NAME = Conv2DBackpropFilter;

/** The ways of computing the filter gradient (see the module comment). */
export type FilterGradMethod = 'gemm' | 'matmul' | 'conv';

/** Validates the inputs and works out the geometry. */
export function filterGradGeometry(
  xShape: readonly number[],
  dyShape: readonly number[],
  attrs: Conv2DBackpropFilterAttrs,
): ConvGeometry {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(
      `${NAME} on the wasm backend (registered by tfjs-backend-wasm-training) supports only ` +
        `dataFormat 'NHWC' (channels last), got '${String(dataFormat)}'.`,
    );
  }
  if (xShape.length !== 4 || dyShape.length !== 4) {
    throw new Error(
      `${NAME} on the wasm backend expects rank-4 x and dy, got shapes ` +
        `[${xShape.join(', ')}] and [${dyShape.join(', ')}].`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  expectShape(NAME, 'dy', dyShape, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  return geometryOf(info);
}

/**
 * Which method to use for a shape, from side-by-side timings on the tuning machine
 * (batch 64, ms; conv / matmul / gemm, both products with the SIMD gather):
 * CNN 32@3x3 on 28x28x1 8.4 / 6.5 / 1.3; 64@3x3 on 13x13x32 15.5 / 13.3 /
 * 10.2; 64@3x3 on 5x5x64 2.2 / 2.2 / 1.9; LeNet 6@5x5 on 28x28x1 1.9 / 1.4 /
 * 0.8; 16@5x5 on 12x12x6 1.3 / 1.2 / 1.0; 32@5x5 on 28x28x1 10.8 / 7.6 /
 * 2.3; 15@3x3 on 12x12x30 3.2 / 3.2 / 2.8; stride 2, 'same', 32@3x3 on
 * 28x28x16 8.5 / 10.0 / 10.0 ('gemm' falls back on 'matmul' there).
 *
 * So 'gemm' at stride 1 in width (its gather needs runs of adjacent
 * pixels), 'conv' otherwise. Without the SIMD helpers, 'matmul' (patches
 * then gathered in JavaScript: CNN first layer 6.5, LeNet first layer 3.3,
 * 32@5x5 7.8) beats 'conv' only for first layers (one input channel) with
 * many filters.
 */
export function chooseFilterGradMethod(g: ConvGeometry, simd: boolean): FilterGradMethod {
  if (simd) return g.strideWidth === 1 ? 'gemm' : 'conv';
  return g.inChannels === 1 && g.outChannels >= 16 ? 'matmul' : 'conv';
}

/** Rows of B (dy) that the SIMD product reads per pass: 128 rows of up to 64 floats stay in cache. */
const GEMM_ROWS_PER_PASS = 128;

/** Output pixels per block of the 'gemm' method (a block of P is fh*fw*ci times as many floats). */
const GEMM_PIXELS_PER_BLOCK = 512;

/**
 * dw by the 'gemm' method (see the module comment), stride 1 in width.
 *
 * The product routine works on blocks of 4 rows and 8 columns: P gets zero
 * rows up to a multiple of 4, and when co is not a multiple of 8 each block
 * of dy is first copied into rows of a multiple of 8 floats.
 */
export function filterGradByGemm(
  backend: WasmBackendLike,
  simd: SimdHelpers,
  x: TensorInfo,
  dy: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const rows4 = Math.ceil(rows / 4) * 4;
  const pixels = g.outHeight * g.outWidth;
  const co = g.outChannels;
  const co8 = Math.ceil(co / 8) * 8;
  const nb = imagesPerBlock(g, GEMM_PIXELS_PER_BLOCK);
  const temps: TensorInfo[] = [];
  let out: TensorInfo | undefined;
  try {
    let xc = x;
    if (g.inChannels > 1) {
      xc = callKernel(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
      temps.push(xc);
    }
    const block = backend.makeOutput([rows4, nb * pixels], 'float32');
    temps.push(block);
    const padded = co8 !== co ? backend.makeOutput([nb * pixels, co8], 'float32') : null;
    if (padded != null) temps.push(padded);
    out = backend.makeOutput([rows4, co8], 'float32');
    // All allocations are done: heap views and addresses are stable from here.
    const zeroBlock = touchesPadding(g) || rows4 !== rows;
    if (padded != null) heapF32(backend, padded).fill(0);
    heapF32(backend, out).fill(0);
    const [xcAt, blockAt, dyAt, outAt] = [xc, block, dy, out].map((t) => simd.address(t));
    const paddedAt = padded != null ? simd.address(padded) : 0;
    let lastWidth = -1;
    for (let b0 = 0; b0 < g.batch; b0 += nb) {
      const n = Math.min(nb, g.batch - b0);
      const width = n * pixels;
      // Entries in the padding, and the extra rows, are never gathered: zero
      // them whenever the block's layout changes (at most twice).
      if (zeroBlock && width !== lastWidth) heapF32(backend, block).fill(0);
      lastWidth = width;
      gatherTransposedSimd(simd, xcAt, g, b0, n, blockAt);
      let b = dyAt + b0 * pixels * co * 4;
      if (padded != null) {
        simd.strided4d(paddedAt, b, 1, 1, width, co, 0, 0, co8 * 4, 0, 0, co * 4, 0);
        b = paddedAt;
      }
      simd.gemmAcc(blockAt, b, outAt, rows4, co8, width, width * 4, co8 * 4, co8 * 4, GEMM_ROWS_PER_PASS);
    }
    const filterShape = [g.filterHeight, g.filterWidth, g.inChannels, co];
    if (rows4 === rows && co8 === co) {
      const result = { dataId: out.dataId, shape: filterShape, dtype: 'float32' as const };
      out = undefined; // handed out
      return result;
    }
    const result = backend.makeOutput(filterShape, 'float32');
    const src = heapF32(backend, out);
    const dst = heapF32(backend, result);
    for (let m = 0; m < rows; m++) dst.set(src.subarray(m * co8, m * co8 + co), m * co);
    return result;
  } finally {
    if (out != null) temps.push(out);
    release(backend, temps);
  }
}

/** dw by P whole and one wasm matrix product (XNNPACK). */
export function filterGradByMatMul(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = g.batch * g.outHeight * g.outWidth;
  const temps: TensorInfo[] = [];
  try {
    let xc = x;
    if (g.inChannels > 1) {
      xc = callKernel(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
      temps.push(xc);
    }
    const patches = backend.makeOutput([rows, cols], 'float32');
    temps.push(patches);
    const simd = g.strideWidth === 1 ? simdFor(backend) : null;
    if (simd != null) {
      if (touchesPadding(g)) heapF32(backend, patches).fill(0);
      gatherTransposedSimd(simd, simd.address(xc), g, 0, g.batch, simd.address(patches));
    } else {
      gatherTransposedJs(heapF32(backend, xc), g, heapF32(backend, patches));
    }
    const dw = callKernel(backend, 'BatchMatMul', {
      a: patches,
      b: { dataId: dy.dataId, shape: [cols, g.outChannels], dtype: dy.dtype },
    }, { transposeA: false, transposeB: false });
    return { dataId: dw.dataId, shape: [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], dtype: dw.dtype };
  } finally {
    release(backend, temps);
  }
}

/** dw as a forward wasm convolution of x by dy (see the module comment). */
export function filterGradByConv(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  g: ConvGeometry,
): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = g;
  const { strideHeight, strideWidth, top, left } = g;
  // Padded rows (columns) that the strided windows reach beyond the input.
  const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - top - inHeight);
  const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - left - inWidth);
  const temps: TensorInfo[] = [];
  try {
    // x' = [ci, H, W, B], f' = [outH, outW, B, co].
    const xT = callKernel(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
    temps.push(xT);
    const dyT = callKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    temps.push(dyT);
    let conv = callKernel(backend, 'Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [strideHeight, strideWidth],
    });
    temps.push(conv);
    // conv is [ci, fh', fw', co] with fh' >= fh and fw' >= fw.
    if (conv.shape[1] !== filterHeight || conv.shape[2] !== filterWidth) {
      conv = callKernel(backend, 'Slice', { x: conv }, {
        begin: [0, 0, 0, 0],
        size: [g.inChannels, filterHeight, filterWidth, g.outChannels],
      });
      temps.push(conv);
    }
    return callKernel(backend, 'Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
  } finally {
    release(backend, temps);
  }
}

/** Runs one method on the kernel's inputs (exported for tests and benchmarks). */
export function conv2DBackpropFilterWith(
  method: FilterGradMethod | 'auto',
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`${NAME} on the wasm backend supports float32 only, got ${x.dtype} and ${dy.dtype}.`);
  }
  const g = filterGradGeometry(x.shape, dy.shape, attrs);
  const filterShape = [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
  if (isEmpty(g)) {
    const zeros = backend.makeOutput(filterShape, 'float32');
    heapF32(backend, zeros).fill(0);
    return zeros;
  }
  const simd = simdFor(backend);
  const chosen = method === 'auto' ? chooseFilterGradMethod(g, simd != null) : method;
  switch (chosen) {
    case 'gemm':
      // Falls back on 'matmul' where it does not apply.
      return simd != null && g.strideWidth === 1
        ? filterGradByGemm(backend, simd, x, dy, g)
        : filterGradByMatMul(backend, x, dy, g);
    case 'matmul':
      return filterGradByMatMul(backend, x, dy, g);
    case 'conv':
      return filterGradByConv(backend, x, dy, g);
  }
}

/** The kernel function registered for wasm. */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  return conv2DBackpropFilterWith('auto', backend as WasmBackendLike, x, dy, attrsAs<Conv2DBackpropFilterAttrs>(attrs));
};

/** Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks: added, never replacing one. */
export const conv2DBackpropFilterKernel: TrainingKernel = { kernelName: Conv2DBackpropFilter, replaces: false, makeKernelFunc: () => conv2DBackpropFilter };
