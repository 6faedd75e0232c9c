/**
 * _FusedMatMul (a product plus bias and activation, which tfjs-layers' dense
 * layers run) for the wasm backend: the products as in BatchMatMul.ts, and a
 * bias that is right in every case. tfjs-backend-wasm 4.22 adds it right
 * only on its fast path with a rank-1 bias of length N; on its slow path it
 * adds the bias of the last column to every row after the first, a length-1
 * bias on the fast path reads past the bias buffer, and a rank-2 bias
 * throws. See matmul/multiply.ts for when the bias and activation are handed
 * to XNNPACK and when they run afterwards.
 */
import {
  broadcast_util,
  _FusedMatMul,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core';

import { attrsAs } from '../internals';
import { callStock, type TrainingKernel } from '../kernel_utils';
import { ACTIVATIONS, describe, matMulStock, productOrStock, type Activation, type Epilogue } from '../matmul/multiply';

/** `_FusedMatMul`: as `BatchMatMul`, plus bias and activation fused where XNNPACK can. */
function makeFusedMatMul(replaced: KernelConfig): KernelFunc {
  const stock = matMulStock(replaced);
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo;
    };
    const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } =
      attrsAs<Partial<_FusedMatMulAttrs>>(args.attrs);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return callStock(stock.fusedMatMul, args);
    if (!ACTIVATIONS.includes(activation)) {
      throw new Error(`_FusedMatMul on wasm: activation '${activation}' is not supported.`);
    }
    if (activation === 'prelu' && preluActivationWeights == null) {
      throw new Error(`_FusedMatMul on wasm: activation 'prelu' needs preluActivationWeights.`);
    }
    const p = describe(a, b, transposeA, transposeB, _FusedMatMul);
    if (bias != null) broadcast_util.assertAndGetBroadcastShape(p.outShape, bias.shape);
    const e: Epilogue = {
      bias: bias ?? undefined,
      prelu: activation === 'prelu' ? preluActivationWeights : undefined,
      activation: activation as Activation,
      leakyreluAlpha,
    };
    return productOrStock(args, stock, stock.fusedMatMul, p, e);
  };
}

/** _FusedMatMul, replacing tfjs-backend-wasm's; the stock one still does the arithmetic. */
export const fusedMatMulKernel: TrainingKernel = { kernelName: _FusedMatMul, replaces: true, makeKernelFunc: makeFusedMatMul };
