/**
 * The inner loops of this package's kernels and of its Adam optimiser, as a
 * small WebAssembly module with 128-bit SIMD that works directly on the
 * wasm backend's heap.
 *
 * Why: the conv kernels gather patches (im2col) and scatter them back
 * (col2im), MaxPoolGrad routes gradients, Sum and Add handle conv biases, and
 * Adam updates every weight. As JavaScript loops over the heap those run at
 * 1 to 2 ns per element; in WebAssembly SIMD they move 4 floats per
 * instruction. And two matrix products that XNNPACK (behind the backend's
 * own kernels) handles poorly are done here: the filter gradient's, whose
 * long inner dimension makes XNNPACK's repacking of the second operand cost
 * more than the arithmetic, and a first layer's forward convolution (one
 * input channel). Both reach 30 to 35 GFLOP/s, XNNPACK's peak on the
 * machine they were measured on, with blocks of 4 x 8 outputs held in
 * registers.
 *
 * How: tfjs-backend-wasm's Emscripten module exports its WebAssembly.Memory
 * (not shared in Node, where the backend is single-threaded). This module
 * imports that memory, so its functions take plain byte addresses of tensor
 * buffers. It is assembled at run time (assembler.ts) from the routines in
 * routines.ts and adam.ts.
 *
 * If the memory is not reachable (another tfjs version, a threaded build
 * with shared memory; see internals.ts), {@link simdFor} returns null and
 * callers use their JavaScript loops.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

import { wasmHeapOf, type WasmBackendLike } from '../internals';
import { adam } from './adam';
import { assemble } from './assembler';
import { biasAdd, colSum, conv1ch, gemmAcc, maxPoolGrad2x2, strided4d } from './routines';

/** The functions, bound to one backend's heap; pointers are byte addresses. */
export interface SimdHelpers {
  strided4d(
    dst: number, src: number, n0: number, n1: number, n2: number, n3: number,
    ds0: number, ds1: number, ds2: number, ss0: number, ss1: number, ss2: number, accumulate: number,
  ): void;
  maxPoolGrad2x2(
    x: number, dy: number, dx: number, batch: number, outH: number, outW: number,
    channels: number, inH: number, inW: number,
  ): void;
  colSum(src: number, rows: number, channels: number, acc: number): void;
  biasAdd(x: number, bias: number, out: number, rows: number, channels: number): void;
  gemmAcc(
    a: number, b: number, c: number, m4: number, n8: number, k: number,
    lda: number, ldb: number, ldc: number, kc: number,
  ): void;
  conv1ch4(
    x: number, w: number, y: number, batch: number, oh: number, ow: number, co: number,
    fh: number, fw: number, rowBytes: number, imageBytes: number, sh: number, sw: number,
  ): void;
  conv1ch8(
    x: number, w: number, y: number, batch: number, oh: number, ow: number, co: number,
    fh: number, fw: number, rowBytes: number, imageBytes: number, sh: number, sw: number,
  ): void;
  /** One Adam step over `count` floats (see adam.ts); scalars are rounded to float32. */
  adam(
    grad: number, w: number, wOut: number, m: number, v: number, count: number,
    beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
    lr: number, correction1: number, correction2: number, epsilon: number,
  ): void;
  /** Byte address of a float32 buffer of the backend. */
  address(info: TensorInfo): number;
}

/**
 * The parts of the WebAssembly JavaScript API used here (the package
 * compiles against the ES2022 library, which does not declare them).
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const WebAssembly: WebAssemblyApi | undefined = Reflect.get(globalThis, 'WebAssembly');

let moduleCache: object | null | undefined;
const bound = new WeakMap<object, SimdHelpers | null>();

/** Whether {@link simdFor} may be used at all (tests switch it off to check the JavaScript paths). */
let enabled = true;

/**
 * Turns the SIMD helpers off (or back on) for every backend; returns the
 * previous setting. For tests, which check the JavaScript loops this way.
 */
export function setSimdEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** The module, compiled once per process; null where the engine has no WebAssembly SIMD. */
function compile(): object | null {
  if (moduleCache === undefined) {
    if (WebAssembly == null) return (moduleCache = null);
    try {
      const bytes = assemble([strided4d(), maxPoolGrad2x2(), colSum(), biasAdd(), gemmAcc(), conv1ch(1), conv1ch(2), adam()]);
      moduleCache = new WebAssembly.Module(bytes);
    } catch {
      moduleCache = null; // no SIMD support in this engine
    }
  }
  return moduleCache;
}

/**
 * The SIMD helpers for this wasm backend, or null when its memory cannot be
 * shared (then use the JavaScript loops).
 */
export function simdFor(backend: WasmBackendLike): SimdHelpers | null {
  if (!enabled) return null;
  const heap = wasmHeapOf(backend);
  if (heap == null) return null;
  const cached = bound.get(heap.module);
  if (cached !== undefined) return cached;
  let helpers: SimdHelpers | null = null;
  const { memory } = heap;
  const compiled = compile();
  if (
    compiled != null &&
    WebAssembly != null &&
    memory instanceof WebAssembly.Memory &&
    !(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)
  ) {
    try {
      const e = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
      const fn = <K extends keyof SimdHelpers>(name: K) => e[name] as SimdHelpers[K];
      helpers = {
        strided4d: fn('strided4d'),
        maxPoolGrad2x2: fn('maxPoolGrad2x2'),
        colSum: fn('colSum'),
        biasAdd: fn('biasAdd'),
        gemmAcc: fn('gemmAcc'),
        conv1ch4: fn('conv1ch4'),
        conv1ch8: fn('conv1ch8'),
        adam: fn('adam'),
        address(info: TensorInfo): number {
          const offset = heap.memoryOffset(info.dataId);
          if (offset == null) throw new Error('wasm buffer not found');
          return offset;
        },
      };
    } catch {
      helpers = null;
    }
  }
  bound.set(heap.module, helpers);
  return helpers;
}
