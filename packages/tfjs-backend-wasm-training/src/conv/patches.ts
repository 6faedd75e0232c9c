/**
 * Convolution geometry and the patch gathers ("im2col") and scatters
 * ("col2im") shared by lib's wasm Conv2DBackpropFilter and
 * Conv2DBackpropInput kernels.
 *
 * Notation, for a forward convolution in NHWC: x [B, H, W, ci], filter
 * [fh, fw, ci, co], strides sh and sw, x zero-padded by `top` rows and
 * `left` columns; output [B, oh, ow, co]. Output pixel (b, i, j) sees the
 * input patch
 *
 *   patch[(b, i, j)][(p, q, c)] = x[b, i*sh + p - top, j*sw + q - left, c]
 *
 * (zero where that index falls into the padding). Two layouts of the patch
 * matrix appear: P = [fh*fw*ci, B*oh*ow] ("transposed", one row per filter
 * tap and channel) and Q = [B*oh*ow, fh*fw*ci] ("natural", one row per
 * output pixel).
 */
import type { backend_util } from '@tensorflow/tfjs-core';

import type { SimdHelpers } from './wasm-conv-simd';

/** The geometry of a 2-D convolution (see the module comment). */
export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Zero rows above / columns left of x in the forward pass. */
  readonly top: number;
  readonly left: number;
}

/** The geometry of a convolution described by tfjs's Conv2DInfo. */
export function geometryOf(info: backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** Whether any dimension is empty (nothing to compute). */
export function isEmpty(g: ConvGeometry): boolean {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels].some((d) => d <= 0);
}

/**
 * The output rows i (or columns j) whose input row i*stride + tap - pad lies
 * inside [0, size): the half-open range [first, end).
 */
export function validRange(out: number, stride: number, tap: number, pad: number, size: number): [number, number] {
  const first = Math.min(out, Math.max(0, Math.ceil((pad - tap) / stride)));
  const end = Math.max(first, Math.min(out, Math.floor((size - 1 + pad - tap) / stride) + 1));
  return [first, end];
}

/** Whether some patch reaches into the zero padding (then gathers leave zeros to fill first). */
export function touchesPadding(g: ConvGeometry): boolean {
  for (let p = 0; p < g.filterHeight; p++) {
    const [i0, i1] = validRange(g.outHeight, g.strideHeight, p, g.top, g.inHeight);
    if (i0 > 0 || i1 < g.outHeight) return true;
  }
  for (let q = 0; q < g.filterWidth; q++) {
    const [j0, j1] = validRange(g.outWidth, g.strideWidth, q, g.left, g.inWidth);
    if (j0 > 0 || j1 < g.outWidth) return true;
  }
  return false;
}

/**
 * Gathers columns [b0, b0 + nb) x (i, j) of P into `out`, a [rows, nb*oh*ow]
 * block (row m = (p, q, c) at out + m * nb*oh*ow floats), with the SIMD
 * helpers; stride 1 in width only. `xc` is x with its channel axis first,
 * [ci, B, H, W], so that every run of P along j is a run of xc. Entries in
 * the padding are left alone (zero `out` first when {@link touchesPadding}).
 * Addresses in bytes.
 */
export function gatherTransposedSimd(
  simd: SimdHelpers,
  xc: number,
  g: ConvGeometry,
  b0: number,
  nb: number,
  out: number,
): void {
  const { batch, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, top, left } = g;
  if (sw !== 1) throw new Error('gatherTransposedSimd: width stride 1 only');
  const cols = nb * oh * ow;
  for (let p = 0; p < fh; p++) {
    const [i0, i1] = validRange(oh, sh, p, top, H);
    for (let q = 0; q < fw; q++) {
      const [j0, j1] = validRange(ow, sw, q, left, W);
      if (i1 <= i0 || j1 <= j0) continue;
      const dst = out + ((p * fw + q) * ci * cols + i0 * ow + j0) * 4;
      const src = xc + ((b0 * H + i0 * sh + p - top) * W + (j0 + q - left)) * 4;
      // Levels: channel c, image b, row i; runs along j.
      simd.strided4d(dst, src, ci, nb, i1 - i0, j1 - j0,
        cols * 4, oh * ow * 4, ow * 4, batch * H * W * 4, H * W * 4, sh * W * 4, 0);
    }
  }
}

/**
 * Writes P whole ([fh*fw*ci, B*oh*ow]) in JavaScript, zeros included; any
 * stride. `xc` is x as [ci, B, H, W].
 */
export function gatherTransposedJs(xc: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, top, left } = g;
  const plane = H * W;
  let k = 0;
  for (let p = 0; p < fh; p++) {
    for (let q = 0; q < fw; q++) {
      const [j0, j1] = validRange(ow, sw, q, left, W);
      const colOffset = j0 * sw + q - left;
      for (let c = 0; c < ci; c++) {
        for (let b = 0; b < batch; b++) {
          const image = (c * batch + b) * plane;
          for (let i = 0; i < oh; i++) {
            const r = i * sh + p - top;
            if (r < 0 || r >= H) {
              for (let j = 0; j < ow; j++) out[k++] = 0;
              continue;
            }
            for (let j = 0; j < j0; j++) out[k++] = 0;
            let src = image + r * W + colOffset;
            for (let j = j0; j < j1; j++, src += sw) out[k++] = xc[src];
            for (let j = j1; j < ow; j++) out[k++] = 0;
          }
        }
      }
    }
  }
}

/**
 * col2im with the SIMD helpers: adds the rows of a natural-layout block Q
 * (images [b0, b0 + nb), row (b, i, j) at q + ((b-b0)*oh*ow + i*ow + j) *
 * rowStride floats, tap (p, q, c) at column (p*fw + q)*ci + c) into the
 * image `x` [B, H, W, ci] at the places the patches came from; entries that
 * fall into the padding are dropped. Any stride. Addresses in bytes.
 */
export function scatterAddSimd(
  simd: SimdHelpers,
  x: number,
  g: ConvGeometry,
  b0: number,
  nb: number,
  block: number,
  rowStride: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, top, left } = g;
  for (let p = 0; p < fh; p++) {
    const [i0, i1] = validRange(oh, sh, p, top, H);
    for (let q = 0; q < fw; q++) {
      const [j0, j1] = validRange(ow, sw, q, left, W);
      if (i1 <= i0 || j1 <= j0) continue;
      const src = block + ((i0 * ow + j0) * rowStride + (p * fw + q) * ci) * 4;
      const dst = x + (((b0 * H + i0 * sh + p - top) * W + (j0 * sw + q - left)) * ci) * 4;
      // Levels: image b, row i, column j; runs of ci channels.
      simd.strided4d(dst, src, nb, i1 - i0, j1 - j0, ci,
        H * W * ci * 4, sh * W * ci * 4, sw * ci * 4, oh * ow * rowStride * 4, ow * rowStride * 4, rowStride * 4, 1);
    }
  }
}

/** {@link scatterAddSimd} for the whole batch in JavaScript; `cols` has rows of fh*fw*ci floats. */
export function scatterAddJs(x: Float32Array, g: ConvGeometry, cols: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, top, left } = g;
  const M = fh * fw * ci;
  let k = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, k += M) {
        for (let p = 0; p < fh; p++) {
          const r = i * sh + p - top;
          if (r < 0 || r >= H) continue;
          for (let q = 0; q < fw; q++) {
            const v = j * sw + q - left;
            if (v < 0 || v >= W) continue;
            const to = ((b * H + r) * W + v) * ci;
            const from = k + (p * fw + q) * ci;
            for (let c = 0; c < ci; c++) x[to + c] += cols[from + c];
          }
        }
      }
    }
  }
}

/**
 * Images per block when a kernel works through the batch in blocks whose
 * intermediate (a patch-matrix slice of about `rowsWanted` output pixels)
 * should stay in cache.
 */
export function imagesPerBlock(g: ConvGeometry, rowsWanted: number): number {
  return Math.max(1, Math.min(g.batch, Math.floor(rowsWanted / (g.outHeight * g.outWidth))));
}
