/**
 * The patch gathers ("im2col") and scatters ("col2im") shared by the
 * Conv2DBackpropFilter and Conv2DBackpropInput kernels, in the notation of
 * geometry.ts.
 *
 * Two layouts of the patch matrix appear: P = [fh*fw*ci, B*oh*ow]
 * ("transposed", one row per filter tap and channel) and
 * Q = [B*oh*ow, fh*fw*ci] ("natural", one row per output pixel).
 */
import type { SimdHelpers } from '../simd/helpers';
import { validRange, type ConvGeometry } from './geometry';

/**
 * Gathers columns [b0, b0 + nb) x (i, j) of P into `out`, a [rows, nb*oh*ow]
 * block (row m = (p, q, c) at out + m * nb*oh*ow floats), with the SIMD
 * helpers; stride 1 in width only. `xc` is x with its channel axis first,
 * [ci, B, H, W], so that every run of P along j is a run of xc. Entries in
 * the padding are left alone (zero `out` first when `touchesPadding(g)`).
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
