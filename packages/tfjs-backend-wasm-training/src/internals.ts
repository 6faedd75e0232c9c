/**
 * Every place where this package leans on TensorFlow.js beyond its
 * documented API, gathered in one module so that a tfjs upgrade has one file
 * to review.
 *
 * What the package relies on, and how it degrades when that is not there:
 *
 * - The versions it was written and measured against: @tensorflow/tfjs-core
 *   and @tensorflow/tfjs-backend-wasm 4.22.x. The kernels work around the
 *   behaviour of those versions (a missing kernel, a wrong one, a slow one),
 *   so on any other version registration refuses and tfjs keeps its own
 *   kernels ({@link checkTfjsVersions}).
 * - tfjs-backend-wasm's own kernel configs, which the replacements keep and
 *   call for the cases they do not take, and whose `setupFunc` (the function
 *   that binds each kernel to its compiled C++ routine when the backend
 *   starts) they carry over. No stock kernels, no registration
 *   ({@link checkWasmKernelsLoaded}).
 * - The kernel registry handing back the very config object that was
 *   registered, which lets a config carry this package's mark and the stock
 *   config it replaced ({@link trainingKernelConfig}, {@link restoreStockKernel}).
 * - The methods of tfjs-backend-wasm's `BackendWasm` that the kernels call
 *   ({@link WasmBackendLike}). They are public on that class but not part of
 *   the kernel API, which only promises a `KernelBackend`. An already running
 *   wasm backend without them also makes registration refuse
 *   ({@link checkWasmBackendMethods}).
 * - Two fields of a running wasm backend that tfjs does not document: the
 *   Emscripten module's WebAssembly memory (`wasm.asm.memory`) and the byte
 *   address of each buffer on it (`dataIdMap`). Only the SIMD routines need
 *   them; without them {@link wasmHeapOf} answers null and every kernel runs
 *   its JavaScript loops instead.
 * - Two engine members that are public on tfjs-core's Engine class but not in
 *   its API docs, used by the Adam optimiser ({@link registeredVariable},
 *   {@link tensorFromBuffer}).
 */
import {
  backend as activeBackend,
  engine,
  getBackend,
  getKernel,
  registerKernel,
  unregisterKernel,
  version_core,
  type DataId,
  type DataType,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
  type Variable,
} from '@tensorflow/tfjs-core';

/** Name of the backend this package's kernels are registered for. */
export const WASM = 'wasm';

/**
 * The tfjs release line this package was written and tested for: major and
 * minor version; any patch release of it is accepted.
 */
export const SUPPORTED_TFJS_VERSION = '4.22.x';

/** The parts of tfjs-backend-wasm's `BackendWasm` that this package's kernels use. */
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

/** The methods of {@link WasmBackendLike} beyond `KernelBackend`'s, checked before use. */
const BACKEND_METHODS = ['makeOutput', 'typedArrayFromHeap', 'disposeData', 'incRef'] as const;

/** The float32 contents of a wasm buffer as a view on the heap (see {@link WasmBackendLike}). */
export function heapF32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new Error(`Expected a float32 buffer, got dtype ${info.dtype}.`);
  }
  return view;
}

/**
 * A kernel's attributes as the attribute interface tfjs-core declares for it
 * (Conv2DAttrs, SumAttrs, ...). The kernel API passes them as a
 * NamedAttrMap, which those interfaces do not overlap with in TypeScript's
 * eyes, so every kernel would otherwise cast through `unknown` itself.
 */
export function attrsAs<T>(attrs: NamedAttrMap | undefined): T {
  return (attrs ?? {}) as unknown as T;
}

// ---------------------------------------------------------------------------
// Versions.

/** The `require` of the CommonJS build; declared here so that the package needs no Node typings. */
declare const require: (id: string) => unknown;

/** The versions of the tfjs packages in use; undefined where it cannot be read. */
export interface TfjsVersions {
  /** @tensorflow/tfjs-core, as the instance this package imports reports it. */
  readonly core: string | undefined;
  /** @tensorflow/tfjs-backend-wasm, from its package.json as this package resolves it. */
  readonly wasm: string | undefined;
}

/**
 * Reads the versions in use. tfjs-core's comes from the module instance whose
 * registry the kernels go into. tfjs-backend-wasm's comes from its
 * package.json, not from the module, because loading the module registers the
 * wasm backend, and reading a version must not do that.
 */
export function installedTfjsVersions(): TfjsVersions {
  let wasm: string | undefined;
  try {
    const manifest = require('@tensorflow/tfjs-backend-wasm/package.json') as { version?: unknown };
    if (typeof manifest.version === 'string') wasm = manifest.version;
  } catch {
    wasm = undefined; // not installed where this package can see it
  }
  return { core: version_core, wasm };
}

/** Whether `version` is a release of the supported line (4.22.0, 4.22.1, ...; not 4.22.0-rc.1, 4.23.0). */
function isSupported(version: string | undefined): boolean {
  const line = SUPPORTED_TFJS_VERSION.replace(/\.x$/, '');
  return version != null && version.startsWith(`${line}.`) && /^\d+$/.test(version.slice(line.length + 1));
}

/**
 * Checks tfjs versions against {@link SUPPORTED_TFJS_VERSION}; by default the
 * installed ones. Returns null when both are supported, else a sentence
 * saying what is installed and what is needed.
 */
export function checkTfjsVersions(versions: TfjsVersions = installedTfjsVersions()): string | null {
  const wrong = ([['@tensorflow/tfjs-core', versions.core], ['@tensorflow/tfjs-backend-wasm', versions.wasm]] as const)
    .filter(([, version]) => !isSupported(version))
    .map(([name, version]) => `${name} ${version ?? '(version unknown)'}`);
  if (wrong.length === 0) return null;
  return `tfjs-backend-wasm-training supports TensorFlow.js ${SUPPORTED_TFJS_VERSION} only, and found ${wrong.join(' and ')}; ` +
    `tfjs's own wasm kernels stay in place.`;
}

let installedProblem: string | null | undefined;

/** {@link checkTfjsVersions} of the installed versions, worked out once per process. */
export function checkInstalledTfjsVersions(): string | null {
  if (installedProblem === undefined) installedProblem = checkTfjsVersions();
  return installedProblem;
}

// ---------------------------------------------------------------------------
// The kernel registry.

/**
 * Marks the kernel configs this package registers. Its value is the config
 * that was registered before (the stock kernel), or null where there was
 * none. A symbol from the global registry, so that a second copy of the
 * package in one process recognises the first one's configs.
 */
const MARK = Symbol.for('tfjs-backend-wasm-training/kernel');

interface MarkedKernelConfig extends KernelConfig {
  [MARK]: KernelConfig | null;
}

function marked(config: KernelConfig | undefined): MarkedKernelConfig | undefined {
  return config != null && MARK in config ? (config as MarkedKernelConfig) : undefined;
}

/** Whether a kernel config was registered by this package. */
export function isTrainingKernel(config: KernelConfig | undefined): boolean {
  return marked(config) !== undefined;
}

/**
 * The stock config of `kernelName` for wasm: the registered one, or the one
 * this package's config replaced.
 */
export function stockKernel(kernelName: string): KernelConfig | undefined {
  const current = getKernel(kernelName, WASM);
  const ours = marked(current);
  return ours === undefined ? current : (ours[MARK] ?? undefined);
}

/**
 * A config of this package for wasm that replaces `stock` (or adds a kernel
 * when `stock` is undefined). It carries the stock `setupFunc` and
 * `disposeFunc`: the wasm backend runs the setup of every registered kernel
 * when it starts, which binds the C++ routine the stock kernel calls, and
 * this package's kernel hands the cases it does not take to that kernel.
 */
export function trainingKernelConfig(kernelName: string, kernelFunc: KernelFunc, stock: KernelConfig | undefined): KernelConfig {
  const config: MarkedKernelConfig = { kernelName, backendName: WASM, kernelFunc, [MARK]: stock ?? null };
  if (stock?.setupFunc != null) config.setupFunc = stock.setupFunc;
  if (stock?.disposeFunc != null) config.disposeFunc = stock.disposeFunc;
  return config;
}

/** Registers `config` in place of whatever is registered under its name (registering over it would warn). */
export function putKernel(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * If this package's config is registered under `kernelName`, puts back the
 * config it replaced (or nothing, for a kernel it added) and returns true.
 */
export function restoreStockKernel(kernelName: string): boolean {
  const ours = marked(getKernel(kernelName, WASM));
  if (ours === undefined) return false;
  unregisterKernel(kernelName, WASM);
  if (ours[MARK] != null) registerKernel(ours[MARK]);
  return true;
}

/**
 * Null when tfjs-backend-wasm's kernels that this package wraps or calls
 * are registered, else why not (tfjs-backend-wasm not imported yet, say).
 */
export function checkWasmKernelsLoaded(kernelNames: readonly string[]): string | null {
  const missing = kernelNames.filter((name) => stockKernel(name)?.kernelFunc == null);
  if (missing.length === 0) return null;
  return `tfjs-backend-wasm's kernels ${missing.join(', ')} are not registered: import ` +
    `'@tensorflow/tfjs-backend-wasm' before registering the training kernels.`;
}

// ---------------------------------------------------------------------------
// The running wasm backend.

/** Whether `backend` has the methods of {@link WasmBackendLike}. */
function hasWasmMethods(backend: unknown): backend is WasmBackendLike {
  const methods = backend as Partial<Record<(typeof BACKEND_METHODS)[number], unknown>> | null;
  return methods != null && BACKEND_METHODS.every((name) => typeof methods[name] === 'function');
}

/**
 * Null unless a wasm backend is already running and lacks a method of
 * {@link WasmBackendLike}; then why the kernels cannot work on it. A backend
 * that has not started yet is not started here (that is the caller's
 * `tf.setBackend('wasm')`); the engine's registry of started backends is read
 * instead.
 */
export function checkWasmBackendMethods(): string | null {
  const started: unknown = engine().registry[WASM];
  if (started == null || hasWasmMethods(started)) return null;
  return `the running wasm backend is not tfjs-backend-wasm's BackendWasm as the training kernels know it ` +
    `(one of ${BACKEND_METHODS.join(', ')} is missing); tfjs's own wasm kernels stay in place.`;
}

/**
 * The active backend when it is wasm and has the methods the package calls,
 * else null. Reads the backend first, as tfjs's optimisers do, which starts
 * the best backend if none is active yet.
 */
export function activeWasmBackend(): WasmBackendLike | null {
  const current: unknown = activeBackend();
  return getBackend() === WASM && hasWasmMethods(current) ? current : null;
}

/** What the SIMD routines need from a wasm backend, read from fields tfjs does not document. */
export interface WasmHeap {
  /**
   * The backend's Emscripten module. A new one comes with every start of the
   * backend, so it keys caches of anything bound to its memory.
   */
  readonly module: object;
  /** The module's WebAssembly memory as found (the caller checks what it is), or undefined. */
  readonly memory: unknown;
  /** The byte address of a buffer on that memory, or undefined for an unknown buffer. */
  memoryOffset(dataId: DataId): number | undefined;
}

/** The parts of tfjs-backend-wasm 4.22's BackendWasm that {@link wasmHeapOf} reads. */
interface BackendWasmFields {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { get?: (dataId: DataId) => { memoryOffset?: number } | undefined };
}

/** The heap of a wasm backend, or null where those fields are not as expected. */
export function wasmHeapOf(backend: WasmBackendLike): WasmHeap | null {
  const fields = backend as unknown as BackendWasmFields;
  const module = fields.wasm;
  const dataIdMap = fields.dataIdMap;
  if (module == null || typeof module !== 'object' || typeof dataIdMap?.get !== 'function') return null;
  const get = dataIdMap.get.bind(dataIdMap);
  return { module, memory: module.asm?.memory, memoryOffset: (dataId) => get(dataId)?.memoryOffset };
}

// ---------------------------------------------------------------------------
// The engine, for the optimiser.

/** The engine's variable registered under `name` (what tfjs's optimisers update), if any. */
export function registeredVariable(name: string): Variable | undefined {
  return engine().registeredVariables[name];
}

/** A tensor owning a buffer that a kernel of this package made on the active backend. */
export function tensorFromBuffer(info: TensorInfo): Tensor {
  return engine().makeTensorFromTensorInfo(info);
}
