/**
 * The bias of a conv layer on the wasm backend: its forward add and its
 * gradient, as SIMD passes over the heap (wasm-conv-simd.ts).
 *
 * tfjs-layers adds a conv layer's bias with `Add` of [N, H, W, C] and [C];
 * the gradient of that add sums dy over every axis but the last (`Sum`
 * with axis [0, 1, 2]). tfjs-backend-wasm runs the add through its general
 * broadcasting path (about 1 ns per element, 3 ns with 6 channels) and the
 * sum by first transposing the whole tensor so that the reduced axes come
 * last (2.3 ns per element). Both are one pass over memory here.
 *
 * Only those exact patterns are taken (float32, at least 4 channels); any
 * other Add or Sum goes to tfjs-backend-wasm's own kernel, kept aside when
 * lib's replaced it.
 */
import {
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { simdFor } from './wasm-conv-simd';
import { callConfig, heapF32, type WasmBackendLike } from './wasm-conv-util';

/** Rows summed in float32 before the running totals (float64) take them over. */
const ROWS_PER_BLOCK = 256;

function fallback(kernelName: string, stock: KernelConfig | undefined): KernelFunc {
  return (args) => {
    if (stock == null) {
      throw new Error(`${kernelName} on the wasm backend: tfjs-backend-wasm's own kernel is not registered.`);
    }
    return callConfig(stock, args.backend as WasmBackendLike, args.inputs as Record<string, TensorInfo>, args.attrs ?? {});
  };
}

/** Whether `bias` broadcasts along the last axis of `x` only: [C] or [1, ..., 1, C]. */
function isChannelBias(bias: TensorInfo, x: TensorInfo): boolean {
  const rank = x.shape.length;
  const channels = x.shape[rank - 1];
  const bRank = bias.shape.length;
  return (
    rank >= 2 &&
    bRank >= 1 &&
    bRank <= rank &&
    bias.shape[bRank - 1] === channels &&
    bias.shape.every((d, i) => i === bRank - 1 || d === 1) &&
    x.shape.every((d) => d > 0)
  );
}

/** `Add` for wasm: x + bias per channel as one SIMD pass, else the stock kernel. */
export function makeAdd(stock: KernelConfig | undefined): KernelFunc {
  const other = fallback('Add', stock);
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const backend = args.backend as WasmBackendLike;
    if (a.dtype === 'float32' && b.dtype === 'float32') {
      const [x, bias] = isChannelBias(b, a) ? [a, b] : isChannelBias(a, b) ? [b, a] : [null, null];
      const channels = x != null ? x.shape[x.shape.length - 1] : 0;
      const simd = channels >= 4 ? simdFor(backend) : null;
      if (x != null && bias != null && simd != null) {
        const out = backend.makeOutput(x.shape.slice(), 'float32');
        const rows = util.sizeFromShape(x.shape) / channels;
        simd.biasAdd(simd.address(x), simd.address(bias), simd.address(out), rows, channels);
        return out;
      }
    }
    return other(args);
  };
}

/**
 * `Sum` for wasm: over every axis but the last of a float32 tensor with at
 * least 4 channels (a bias gradient), as a SIMD column sum; else the stock
 * kernel. Blocks of rows are summed in float32 and the block sums in
 * float64, so the rounding error grows with the block size, not with the
 * number of rows.
 */
export function makeSum(stock: KernelConfig | undefined): KernelFunc {
  const other = fallback('Sum', stock);
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
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
