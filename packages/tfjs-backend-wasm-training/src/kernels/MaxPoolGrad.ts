/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm 4.22's, which
 * is wrong: its max-pool helpers start their running maximum at the smallest
 * *positive* float (1.18e-38) instead of -Infinity, so a pooling window whose
 * values are all <= 0 sends its gradient to a wrong element (or none). That
 * corrupts the gradients of any layer whose output may be negative before a
 * max-pool (a conv layer without relu, say), and of every layer before it.
 * The same bug makes the stock wasm `MaxPoolWithArgmax` wrong, which training
 * does not use and this package leaves alone.
 */
import {
  backend_util,
  MaxPoolGrad,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { attrsAs, type WasmBackendLike } from '../internals';
import type { TrainingKernel } from '../kernel_utils';
import { simdFor } from '../simd/helpers';

/**
 * MaxPoolGrad: each pooling window sends its dy to the first element holding
 * the window's maximum (the cpu backend's rule; padding never wins; a window
 * of NaNs sends nothing), summed where windows overlap.
 *
 * Written as one pass over the wasm heap rather than composed from other wasm
 * kernels: the wasm kernels that find a window's maximum position
 * (MaxPoolGrad, MaxPoolWithArgmax) share the bug this replaces, and an
 * equality mask against the (correct, XNNPACK) forward MaxPool would send the
 * gradient to every tied element. The pass reads the input once per window,
 * channels innermost, which for the usual 2x2 / stride 2 pool is one read of
 * x and dy and one write of dx.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrsAs<MaxPoolGradAttrs>(attrs);
  const wasm = backend as WasmBackendLike;

  if (input.shape.length !== 4) {
    throw new Error(`MaxPoolGrad: input must be rank 4, got shape [${input.shape.join(', ')}].`);
  }
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const expected = [batchSize, outHeight, outWidth, channels];
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `MaxPoolGrad: dy has shape [${dy.shape.join(', ')}], expected [${expected.join(', ')}].`,
    );
  }
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  // Allocate first: a heap allocation may move the heap, so views are taken after.
  const out = wasm.makeOutput(input.shape.slice(), 'float32');

  // The usual pool (2x2 windows, stride 2, no padding, at least 4 channels):
  // one SIMD pass that writes every window's 4 elements.
  const simd = channels >= 4 ? simdFor(wasm) : null;
  if (
    simd != null &&
    filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 &&
    padTop === 0 && padLeft === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth
  ) {
    // Odd sizes leave a last row or column outside every window: zero it all first.
    if (2 * outHeight < inHeight || 2 * outWidth < inWidth) wasm.typedArrayFromHeap(out).fill(0);
    simd.maxPoolGrad2x2(simd.address(input), simd.address(dy), simd.address(out), batchSize,
      outHeight, outWidth, channels, inHeight, inWidth);
    return out;
  }

  const x = wasm.typedArrayFromHeap(input);
  const g = wasm.typedArrayFromHeap(dy);
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0); // fresh heap memory is not zeroed

  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  const rowStride = inWidth * channels;
  let gi = 0; // index into dy, which is visited in its own NHWC order
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - padTop);
      const r1 = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = Math.max(0, ow * strideWidth - padLeft);
        const c1 = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = r0; r < r1; r++) {
          for (let col = c0; col < c1; col++) {
            const base = batchBase + r * rowStride + col * channels;
            for (let ch = 0; ch < channels; ch++) {
              const v = x[base + ch];
              // Strictly greater: the first maximum in row-major order wins.
              if (v > best[ch]) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < channels; ch++, gi++) {
          const at = where[ch];
          if (at >= 0) dx[at] += g[gi];
        }
      }
    }
  }
  return out;
};

/** MaxPoolGrad, replacing tfjs-backend-wasm's wrong one; it takes every case. */
export const maxPoolGradKernel: TrainingKernel = { kernelName: MaxPoolGrad, replaces: true, makeKernelFunc: () => maxPoolGrad };
