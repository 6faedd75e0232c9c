/**
 * What every kernel of this package shares: its description for the
 * registry, and calling other kernels.
 *
 * The kernels compose other wasm kernels by calling their kernel functions
 * directly, as tfjs-backend-wasm's own kernels do, rather than through the
 * engine: no engine Tensors are made, nothing lands on the gradient tape or
 * in a profile twice, and every intermediate is a plain backend buffer that
 * the calling kernel frees with {@link release}.
 */
import {
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { WASM } from './internals';

/**
 * One kernel of this package, as register_all_kernels.ts registers it.
 * A kernel that `replaces` one of tfjs-backend-wasm's gets that stock config
 * to hand back the cases it does not take; one that adds a missing kernel
 * gets nothing.
 */
export type TrainingKernel =
  | { readonly kernelName: string; readonly replaces: true; makeKernelFunc(stock: KernelConfig): KernelFunc }
  | { readonly kernelName: string; readonly replaces: false; makeKernelFunc(): KernelFunc };

/** Runs a given kernel config (e.g. a stock kernel kept aside) on raw buffers; the caller owns the output. */
export function callConfig(
  config: KernelConfig,
  backend: KernelBackend,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
): TensorInfo {
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`Kernel '${config.kernelName}' returned ${out.length} outputs, expected one.`);
  }
  return out;
}

/**
 * Runs the kernel currently registered for wasm under `kernelName` on raw
 * backend buffers and returns its output, which the caller owns.
 */
export function callKernel(
  backend: KernelBackend,
  kernelName: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
): TensorInfo {
  const config = getKernel(kernelName, WASM);
  if (config == null) {
    throw new Error(`Kernel '${kernelName}' is not registered for the wasm backend.`);
  }
  return callConfig(config, backend, inputs, attrs);
}

/** Hands a kernel call unchanged to the stock kernel its replacement keeps aside. */
export function callStock(stock: KernelConfig, args: Parameters<KernelFunc>[0]): TensorInfo {
  return callConfig(stock, args.backend as KernelBackend, args.inputs as Record<string, TensorInfo>, args.attrs ?? {});
}

/** Frees intermediate buffers made by {@link callKernel} or `makeOutput`. */
export function release(backend: KernelBackend, infos: readonly TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Throws unless `shape` equals `expected`, naming the tensor in the message. */
export function expectShape(kernel: string, what: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${kernel}: ${what} has shape [${shape.join(', ')}], expected [${expected.join(', ')}].`,
    );
  }
}
