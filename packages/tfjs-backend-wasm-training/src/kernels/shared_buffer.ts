/**
 * The kernel function shared by Identity and Cast (see Identity.ts and
 * Cast.ts), which differ only in where the output dtype comes from.
 */
import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { attrsAs, type WasmBackendLike } from '../internals';
import { callStock } from '../kernel_utils';

/**
 * Identity and same-dtype Cast share their input's buffer (one more
 * reference on it) instead of copying it, as the cpu backend does; tensors
 * are immutable, so nothing can tell the difference. tfjs-backend-wasm
 * copies: 0.3 ms per [64, 26, 26, 32] tensor, and a conv training step runs
 * several (gradient bookkeeping, the relu gradient's cast).
 *
 * Cast to 'bool' is also done here: tfjs-backend-wasm 4.22 stores the float
 * or int value into a byte (-2.2 becomes 254, 3.5 becomes 3) where the cpu
 * backend stores value != 0.
 */
export function makeSharing(kernelName: 'Identity' | 'Cast') {
  return (stock: KernelConfig): KernelFunc =>
    (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const backend = args.backend as WasmBackendLike;
      const dtype = kernelName === 'Cast' ? attrsAs<{ dtype?: string }>(args.attrs).dtype : x.dtype;
      if (x.dtype !== 'string' && dtype === x.dtype) {
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
      }
      if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
        const out = backend.makeOutput(x.shape.slice(), 'bool');
        const from = backend.typedArrayFromHeap(x);
        const to = backend.typedArrayFromHeap(out);
        for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
        return out;
      }
      return callStock(stock, args);
    };
}
