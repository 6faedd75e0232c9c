/**
 * Add on the wasm backend, for the bias of a layer: x of [..., C] plus a
 * bias of [C] (or [1, ..., 1, C]), as one SIMD pass over the heap.
 *
 * tfjs-layers adds a conv layer's bias with `Add` of [N, H, W, C] and [C].
 * tfjs-backend-wasm runs that through its general broadcasting path, about
 * 1 ns per element (3 ns with 6 channels); the pass here is bound by memory.
 *
 * Only that pattern is taken (float32, at least 4 channels, in either
 * operand order); any other Add goes to tfjs-backend-wasm's own kernel.
 */
import { Add, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { WasmBackendLike } from '../internals';
import { callStock, type TrainingKernel } from '../kernel_utils';
import { simdFor } from '../simd/helpers';

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
function makeAdd(stock: KernelConfig): KernelFunc {
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
    return callStock(stock, args);
  };
}

/** Add, replacing tfjs-backend-wasm's for per-channel biases. */
export const addKernel: TrainingKernel = { kernelName: Add, replaces: true, makeKernelFunc: makeAdd };
