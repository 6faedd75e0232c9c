/**
 * Small helpers shared by lib's wasm training kernels (wasm-kernels.ts and
 * the wasm-conv-*.ts modules).
 *
 * The kernels here compose other wasm kernels by calling their kernel
 * functions directly, as tfjs-backend-wasm's own kernels do, rather than
 * through the engine: no engine Tensors are made, nothing lands on the
 * gradient tape or in a profile twice, and every intermediate is a plain
 * backend buffer that the calling kernel frees with {@link release}.
 */
import {
  getKernel,
  type DataId,
  type DataType,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Name of the backend the kernels are registered for. */
export const WASM = 'wasm';

/** The parts of tfjs-backend-wasm's BackendWasm that lib's kernels use. */
export interface WasmBackendLike extends KernelBackend {
  /** Allocates a buffer on the wasm heap (contents undefined) and returns its info. */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /**
   * A view of a buffer on the wasm heap. Any allocation may grow (and so
   * replace) the heap, which detaches earlier views: take views after the
   * last allocation.
   */
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
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

/** Runs a given kernel config (e.g. a stock kernel kept aside) on raw buffers. */
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

/** Frees intermediate buffers made by {@link callKernel} or `makeOutput`. */
export function release(backend: KernelBackend, infos: readonly TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** The float32 contents of a wasm buffer as a view on the heap (see {@link WasmBackendLike}). */
export function heapF32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new Error(`Expected a float32 buffer, got dtype ${info.dtype}.`);
  }
  return view;
}

/** Throws unless `shape` equals `expected`, naming the tensor in the message. */
export function expectShape(kernel: string, what: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${kernel}: ${what} has shape [${shape.join(', ')}], expected [${expected.join(', ')}].`,
    );
  }
}
