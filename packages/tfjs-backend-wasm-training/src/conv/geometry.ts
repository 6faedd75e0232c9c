/**
 * The geometry of a 2-D convolution, as the conv kernels of this package
 * (Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput) and their patch
 * gathers and scatters (patches.ts) see it.
 *
 * Notation, for a forward convolution in NHWC: x [B, H, W, ci], filter
 * [fh, fw, ci, co], strides sh and sw, x zero-padded by `top` rows and
 * `left` columns; output [B, oh, ow, co]. Output pixel (b, i, j) sees the
 * input patch
 *
 *   patch[(b, i, j)][(p, q, c)] = x[b, i*sh + p - top, j*sw + q - left, c]
 *
 * (zero where that index falls into the padding).
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';

/** The attributes of a 2-D convolution that decide its geometry. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The geometry of a convolution of `inputShape` by `filter`, or null for the
 * cases this package's kernels leave to the stock ones: not NHWC, not
 * float32, not rank 4, or dilated.
 */
export function plainConvInfo(
  inputShape: readonly number[],
  filter: TensorInfo,
  others: readonly TensorInfo[],
  attrs: ConvAttrs,
): backend_util.Conv2DInfo | null {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  if (dataFormat != null && dataFormat !== 'NHWC') return null;
  if (filter.dtype !== 'float32' || others.some((t) => t.dtype !== 'float32')) return null;
  if (inputShape.length !== 4 || filter.shape.length !== 4 || others.some((t) => t.shape.length !== 4)) return null;
  if (dilations != null && !(Array.isArray(dilations) ? dilations.every((d) => d === 1) : dilations === 1)) return null;
  return backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

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
 * Images per block when a kernel works through the batch in blocks whose
 * intermediate (a patch-matrix slice of about `rowsWanted` output pixels)
 * should stay in cache.
 */
export function imagesPerBlock(g: ConvGeometry, rowsWanted: number): number {
  return Math.max(1, Math.min(g.batch, Math.floor(rowsWanted / (g.outHeight * g.outWidth))));
}
