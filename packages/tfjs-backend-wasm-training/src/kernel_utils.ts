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
  backend_util,
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

/** The attributes of a 2-D convolution that decide its geometry. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The geometry of a convolution of `inputShape` by `filter`, or null for the
 * cases lib's kernels leave to the stock ones: not NHWC, not float32, not
 * rank 4, or dilated.
 */
export function plainConvInfo(
  inputShape: readonly number[],
  filter: TensorInfo,
  others: readonly TensorInfo[],
  attrs: ConvAttrs,
): backend_util.Conv2DInfo | null {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  if (dataFormat != null && dataFormat !== 'NHWC') return null;
  if (filter.dtype !== 'float32' || others.some((t) => t.dtype !== 'float32')) return null;
  if (inputShape.length !== 4 || filter.shape.length !== 4 || others.some((t) => t.shape.length !== 4)) return null;
  if (dilations != null && !(Array.isArray(dilations) ? dilations.every((d) => d === 1) : dilations === 1)) return null;
  return backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}
