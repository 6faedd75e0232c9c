/**
 * The forward Conv2D of a first layer (one input channel, as for MNIST
 * images) on the wasm backend.
 *
 * XNNPACK, behind tfjs-backend-wasm's Conv2D, is at its best with many
 * input channels; with one, each output pixel is a product of only fh*fw
 * numbers, and it ran at 8 to 13 GFLOP/s on MNIST networks' first layers
 * (32@3x3 1.9 ms, 6@5x5 1.1 ms, 32@5x5 3.9 ms per batch of 64). The SIMD helpers'
 * `conv1ch` computes the same sums straight from the image, 4 output pixels
 * by 4 or 8 filters at a time in registers, at about twice that speed.
 *
 * Taken: NHWC float32 with one input channel, at least 4 filters and 4
 * output rows, dilation 1, any stride and padding (a padded copy of the
 * image is made first; first-layer images are small). Everything else goes
 * to tfjs-backend-wasm's own kernel, kept aside when this one replaced it.
 */
import {
  Conv2D,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { plainConvInfo, type ConvAttrs } from '../conv/geometry';
import { attrsAs, heapF32, type WasmBackendLike } from '../internals';
import { callStock, release, type TrainingKernel } from '../kernel_utils';
import { simdFor, type SimdHelpers } from '../simd/helpers';

/**
 * The first-layer route, or null when it does not apply (then the stock
 * kernel runs). Exported for tests.
 */
export function conv2DOneChannel(
  backend: WasmBackendLike,
  simd: SimdHelpers,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
): TensorInfo | null {
  if (x.shape[3] !== 1 || filter.shape[2] !== 1) return null;
  const info = plainConvInfo(x.shape, filter, [x], attrs as ConvAttrs);
  if (!info) return null;
  const { batchSize: batch, inHeight: H, inWidth: W, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  if (co < 4 || oh < 4 || ow < 1 || batch < 1) return null;

  // The image extent the windows read, and the zero padding before it.
  const { top, left } = info.padInfo;
  const needH = (oh - 1) * sh + fh;
  const needW = (ow - 1) * sw + fw;
  const padded = top > 0 || left > 0 || needH > H || needW > W;
  const temps: TensorInfo[] = [];
  try {
    let image = x;
    let [rows, cols] = [H, W];
    if (padded) {
      [rows, cols] = [needH, needW];
      image = backend.makeOutput([batch, rows, cols, 1], 'float32');
      temps.push(image);
    }
    const y = backend.makeOutput([batch, oh, ow, co], 'float32');
    if (padded) {
      heapF32(backend, image).fill(0);
      // Copy the rows and columns of x that fall inside the extent.
      const r = Math.max(0, Math.min(H, rows - top));
      const c = Math.max(0, Math.min(W, cols - left));
      if (r > 0 && c > 0) {
        simd.strided4d(simd.address(image) + (top * cols + left) * 4, simd.address(x), 1, batch, r, c,
          0, rows * cols * 4, cols * 4, 0, H * W * 4, W * 4, 0);
      }
    }
    const run = co >= 8 ? simd.conv1ch8 : simd.conv1ch4;
    run(simd.address(image), simd.address(filter), simd.address(y), batch, oh, ow, co, fh, fw,
      cols * 4, rows * cols * 4, sh, sw);
    return y;
  } finally {
    release(backend, temps);
  }
}

/** `Conv2D` for wasm: the first-layer route where it applies, else `stock`. */
function makeConv2D(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const backend = args.backend as WasmBackendLike;
    const simd = x.shape[3] === 1 ? simdFor(backend) : null;
    if (simd != null) {
      const y = conv2DOneChannel(backend, simd, x, filter, attrsAs<Conv2DAttrs>(args.attrs));
      if (y != null) return y;
    }
    return callStock(stock, args);
  };
}

/** Conv2D, replacing tfjs-backend-wasm's for first layers (one input channel). */
export const conv2DKernel: TrainingKernel = { kernelName: Conv2D, replaces: true, makeKernelFunc: makeConv2D };
