/**
 * BatchMatMul for the wasm backend: products with transposed operands and
 * stacks of matrices rearranged so that they reach XNNPACK's fast path, where
 * tfjs-backend-wasm 4.22 runs them in a plain loop at about 2 GFLOP/s (every
 * dense layer's backward pass is such a product). The arithmetic stays in
 * the stock kernel; see matmul/multiply.ts for how and why.
 */
import { BatchMatMul, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { attrsAs } from '../internals';
import { callStock, type TrainingKernel } from '../kernel_utils';
import { describe, matMulStock, productOrStock } from '../matmul/multiply';

/** Whether a tensor holds a single matrix (all batch dimensions 1). */
function oneMatrix(t: TensorInfo): boolean {
  for (let i = 0; i < t.shape.length - 2; i++) if (t.shape[i] !== 1) return false;
  return true;
}

/** `BatchMatMul`: float32 products through matMul; anything else to the stock kernel. */
function makeBatchMatMul(replaced: KernelConfig): KernelFunc {
  const stock = matMulStock(replaced);
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA = false, transposeB = false } = attrsAs<Partial<BatchMatMulAttrs>>(args.attrs);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return callStock(stock.batchMatMul, args);
    if (!transposeA && !transposeB && oneMatrix(a) && oneMatrix(b) && a.shape.length >= 2 && b.shape.length >= 2 &&
      a.shape[a.shape.length - 1] > 0) {
      return callStock(stock.batchMatMul, args); // the stock fast case, untouched
    }
    const p = describe(a, b, transposeA, transposeB, BatchMatMul);
    return productOrStock(args, stock, stock.batchMatMul, p, null);
  };
}

/** BatchMatMul, replacing tfjs-backend-wasm's; the stock one still does the arithmetic. */
export const batchMatMulKernel: TrainingKernel = { kernelName: BatchMatMul, replaces: true, makeKernelFunc: makeBatchMatMul };
