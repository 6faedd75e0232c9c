/**
 * Sum on the wasm backend, for the gradient of a layer's bias: the sum of a
 * float32 [..., C] tensor over every axis but the last, as a SIMD column sum
 * over the heap.
 *
 * The gradient of a conv layer's bias add (see Add.ts) sums dy over every
 * axis but the last (`Sum` with axis [0, 1, 2]). tfjs-backend-wasm does that
 * by first transposing the whole tensor so that the reduced axes come last,
 * 2.3 ns per element; here it is one pass over memory.
 *
 * Only that pattern is taken (float32, at least 4 channels); any other Sum
 * goes to tfjs-backend-wasm's own kernel.
 */
import { Sum, util, type KernelConfig, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { attrsAs, heapF32, type WasmBackendLike } from '../internals';
import { callStock, type TrainingKernel } from '../kernel_utils';
import { simdFor } from '../simd/helpers';

/** Rows summed in float32 before the running totals (float64) take them over. */
const ROWS_PER_BLOCK = 256;

/**
 * `Sum` for wasm: over every axis but the last of a float32 tensor with at
 * least 4 channels (a bias gradient), as a SIMD column sum; else the stock
 * kernel. Blocks of rows are summed in float32 and the block sums in
 * float64, so the rounding error grows with the block size, not with the
 * number of rows.
 */
function makeSum(stock: KernelConfig): KernelFunc {
  const other: KernelFunc = (args) => callStock(stock, args);
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = attrsAs<SumAttrs>(args.attrs);
    const backend = args.backend as WasmBackendLike;
    const rank = x.shape.length;
    const channels = x.shape[rank - 1];
    if (x.dtype !== 'float32' || rank < 2 || channels < 4 || x.shape.some((d) => d <= 0)) return other(args);
    const axes = [...new Set(util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    if (axes.length !== rank - 1 || axes.some((ax, i) => ax !== i)) return other(args);
    const simd = simdFor(backend);
    if (simd == null) return other(args);

    const chunks = Math.ceil(channels / 4);
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (i < rank - 1 ? 1 : d)) : [channels], 'float32');
    const scratch = backend.makeOutput([chunks * 4], 'float32');
    try {
      const acc = heapF32(backend, scratch);
      const totals = new Float64Array(channels);
      const rows = util.sizeFromShape(x.shape) / channels;
      const xAt = simd.address(x);
      const accAt = simd.address(scratch);
      for (let r0 = 0; r0 < rows; r0 += ROWS_PER_BLOCK) {
        const n = Math.min(ROWS_PER_BLOCK, rows - r0);
        acc.fill(0);
        simd.colSum(xAt + r0 * channels * 4, n, channels, accAt);
        for (let k = 0; k < chunks; k++) {
          // The last chunk starts at channels - 4 and may repeat channels of
          // the one before: take only the channels from 4k on.
          const start = Math.min(4 * k, channels - 4);
          for (let l = 0; l < 4; l++) {
            if (start + l >= 4 * k) totals[start + l] += acc[4 * k + l];
          }
        }
      }
      heapF32(backend, out).set(totals);
      return out;
    } finally {
      backend.disposeData(scratch.dataId);
    }
  };
}

/** Sum, replacing tfjs-backend-wasm's for bias gradients. */
export const sumKernel: TrainingKernel = { kernelName: Sum, replaces: true, makeKernelFunc: makeSum };
