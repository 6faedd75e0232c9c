/**
 * Training kernels for `@tensorflow/tfjs-backend-wasm` 4.22.
 *
 * Training the series' CNNs (LeNet-5; conv 32-64-64 + dense 64; conv 32 5x5 +
 * dropout + dense 128; conv 30-15 + dense 128-50) with tfjs-layers, Adam and
 * categoricalCrossentropy on the wasm backend needs two fixes (checked by
 * recording every kernel those trainings run):
 *
 * - `Conv2DBackpropFilter` is missing (tfjs issue #8474): any Conv2D model
 *   fails on its first training step with "Kernel 'Conv2DBackpropFilter' not
 *   registered for backend 'wasm'". See wasm-conv-backprop-filter.ts.
 * - `MaxPoolGrad` is registered but wrong: the wasm max-pool helpers start
 *   their running maximum at the smallest *positive* float (1.18e-38) instead
 *   of -Infinity, so a pooling window whose values are all <= 0 loses its
 *   gradient (it lands on a wrong element). That corrupts the gradients of any
 *   layer whose output may be negative before a max-pool (LeNet-5's second
 *   conv, the CNN's second conv, and every layer before them). The same bug
 *   makes the wasm `MaxPoolWithArgmax` wrong, which training does not use.
 *
 * For speed, lib also replaces the kernels that dominated a conv training
 * step (batch 64; the CNN 32-64-64 went from 206 to about 50 ms a step):
 *
 * - `Conv2DBackpropInput` ran at about 3 GFLOP/s (a plain loop nest), a
 *   tenth of the forward convolution: 60 % of the CNN's step. See
 *   wasm-conv-backprop-input.ts.
 * - `Conv2D` with one input channel (first layers): XNNPACK at 8 to 13
 *   GFLOP/s; wasm-conv-forward.ts does it at twice that.
 * - `Sum` over all axes but the last and `Add` of a per-channel bias (a conv
 *   layer's bias and its gradient): wasm-conv-bias.ts.
 * - `Identity` and same-dtype `Cast` copied their input; here they share it
 *   (and `Cast` to bool is corrected).
 * - `MaxPoolGrad` above has a SIMD pass for the usual 2x2 / stride 2 pool.
 *
 * Most of them use a small WebAssembly SIMD module of lib's own that works on
 * the backend's heap (wasm-conv-simd.ts); where it cannot load they fall back
 * on JavaScript loops or on tfjs-backend-wasm's own kernels. Each replacement
 * takes only the cases it was written and tested for and hands every other
 * call to the kernel it replaced.
 */
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { makeConv2DBackpropInput } from './wasm-conv-backprop-input';
import { conv2DBackpropFilter } from './wasm-conv-backprop-filter';
import { makeAdd, makeSum } from './wasm-conv-bias';
import { makeConv2D } from './wasm-conv-forward';
import { simdFor } from './wasm-conv-simd';
import { WASM_MATMUL_KERNELS, wasmMatMulKernelConfigs } from './wasm-matmul';
import { callConfig, WASM, type WasmBackendLike } from './wasm-conv-util';

/**
 * Names of the kernels that {@link registerWasmTrainingKernels} registers for
 * the wasm backend: `Conv2DBackpropFilter` (missing from tfjs-backend-wasm
 * 4.22), `MaxPoolGrad` (replaces tfjs-backend-wasm's, which is wrong when a
 * pooling window holds no positive value) and faster replacements of
 * `Conv2DBackpropInput`, `Conv2D`, `Sum`, `Add`, `Identity` and `Cast` (see
 * the module comment), and `BatchMatMul` and `_FusedMatMul`, fast with
 * transposed operands (see wasm-matmul.ts).
 */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.freeze([
  'Conv2DBackpropFilter',
  'MaxPoolGrad',
  'Conv2DBackpropInput',
  'Conv2D',
  'Sum',
  'Add',
  'Identity',
  'Cast',
  ...WASM_MATMUL_KERNELS,
]);

/**
 * Marks the kernel configs made here, so that a second copy of this module
 * (the compiled lib/dist next to the TypeScript source in a test run, say)
 * recognises them as its own.
 */
const OURS = Symbol.for('@mnist-ts/lib/wasm-training-kernel');

/**
 * MaxPoolGrad: each pooling window sends its dy to the first element holding
 * the window's maximum (the cpu backend's rule; padding never wins; a window
 * of NaNs sends nothing), summed where windows overlap.
 *
 * Written as one pass over the wasm heap rather than composed from other wasm
 * kernels: the wasm kernels that find a window's maximum position
 * (MaxPoolGrad, MaxPoolWithArgmax) share the bug this replaces, and an
 * equality mask against the (correct, XNNPACK) forward MaxPool would send the
 * gradient to every tied element. The pass reads the input once per window,
 * channels innermost, which for the usual 2x2 / stride 2 pool is one read of
 * x and dy and one write of dx.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as WasmBackendLike;

  if (input.shape.length !== 4) {
    throw new Error(`MaxPoolGrad: input must be rank 4, got shape [${input.shape.join(', ')}].`);
  }
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const expected = [batchSize, outHeight, outWidth, channels];
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `MaxPoolGrad: dy has shape [${dy.shape.join(', ')}], expected [${expected.join(', ')}].`,
    );
  }
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  // Allocate first: a heap allocation may move the heap, so views are taken after.
  const out = wasm.makeOutput(input.shape.slice(), 'float32');

  // The usual pool (2x2 windows, stride 2, no padding, at least 4 channels):
  // one SIMD pass that writes every window's 4 elements.
  const simd = channels >= 4 ? simdFor(wasm) : null;
  if (
    simd != null &&
    filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 &&
    padTop === 0 && padLeft === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth
  ) {
    // Odd sizes leave a last row or column outside every window: zero it all first.
    if (2 * outHeight < inHeight || 2 * outWidth < inWidth) wasm.typedArrayFromHeap(out).fill(0);
    simd.maxPoolGrad2x2(simd.address(input), simd.address(dy), simd.address(out), batchSize,
      outHeight, outWidth, channels, inHeight, inWidth);
    return out;
  }

  const x = wasm.typedArrayFromHeap(input);
  const g = wasm.typedArrayFromHeap(dy);
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0); // fresh heap memory is not zeroed

  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  const rowStride = inWidth * channels;
  let gi = 0; // index into dy, which is visited in its own NHWC order
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - padTop);
      const r1 = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = Math.max(0, ow * strideWidth - padLeft);
        const c1 = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = r0; r < r1; r++) {
          for (let col = c0; col < c1; col++) {
            const base = batchBase + r * rowStride + col * channels;
            for (let ch = 0; ch < channels; ch++) {
              const v = x[base + ch];
              // Strictly greater: the first maximum in row-major order wins.
              if (v > best[ch]) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < channels; ch++, gi++) {
          const at = where[ch];
          if (at >= 0) dx[at] += g[gi];
        }
      }
    }
  }
  return out;
};

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
function makeSharing(kernelName: 'Identity' | 'Cast') {
  return (stock: KernelConfig | undefined): KernelFunc =>
    (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const backend = args.backend as WasmBackendLike;
      const dtype = kernelName === 'Cast' ? (args.attrs as { dtype?: string } | undefined)?.dtype : x.dtype;
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
      if (stock == null) {
        throw new Error(`${kernelName} on the wasm backend: tfjs-backend-wasm's own kernel is not registered.`);
      }
      return callConfig(stock, backend, args.inputs as Record<string, TensorInfo>, args.attrs ?? {});
    };
}

interface MarkedKernelConfig extends KernelConfig {
  [OURS]: true;
}

/**
 * The kernels. `replaces`: whether tfjs-backend-wasm registers one of its
 * own, which lib's replaces. `make` builds the kernel function; it receives
 * the kernel it replaces (undefined if none), for the cases lib's kernel
 * hands back to it.
 */
const KERNELS: readonly {
  kernelName: string;
  replaces: boolean;
  make: (stock: KernelConfig | undefined) => KernelFunc;
}[] = [
  { kernelName: 'Conv2DBackpropFilter', replaces: false, make: () => conv2DBackpropFilter },
  { kernelName: 'MaxPoolGrad', replaces: true, make: () => maxPoolGrad },
  { kernelName: 'Conv2DBackpropInput', replaces: true, make: makeConv2DBackpropInput },
  { kernelName: 'Conv2D', replaces: true, make: makeConv2D },
  { kernelName: 'Sum', replaces: true, make: makeSum },
  { kernelName: 'Add', replaces: true, make: makeAdd },
  { kernelName: 'Identity', replaces: true, make: makeSharing('Identity') },
  { kernelName: 'Cast', replaces: true, make: makeSharing('Cast') },
];

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config as Partial<MarkedKernelConfig>)[OURS] === true;
}

/**
 * Registers the wasm backend's training kernels listed in
 * {@link WASM_TRAINING_KERNELS}. Call it once before training on wasm, before
 * or after `tf.setBackend('wasm')`; calling it again does nothing more.
 *
 * A missing kernel (`Conv2DBackpropFilter`) is registered only if nothing else
 * has registered one for wasm; the others replace tfjs-backend-wasm's (lib
 * pins it at 4.22.0). A replaced kernel is kept: lib's kernel falls back on
 * it where it has no faster path, and its setup function (which binds the
 * wasm function it calls) stays registered as the setup of lib's kernel, so
 * it runs whenever the wasm backend is (re)initialised.
 *
 * @returns the names of the kernels now registered for wasm by this module,
 *   whether by this call or an earlier one.
 */
export function registerWasmTrainingKernels(): string[] {
  const ours: string[] = [];
  for (const { kernelName, replaces, make } of KERNELS) {
    const existing = getKernel(kernelName, WASM);
    if (isOurs(existing)) {
      ours.push(kernelName);
    } else if (existing == null || replaces) {
      const config: MarkedKernelConfig = {
        kernelName,
        backendName: WASM,
        kernelFunc: make(existing),
        [OURS]: true,
      };
      if (existing?.setupFunc != null) config.setupFunc = existing.setupFunc;
      if (existing?.disposeFunc != null) config.disposeFunc = existing.disposeFunc;
      // Unregister first: registerKernel would also overwrite, but with a warning.
      if (existing != null) unregisterKernel(kernelName, WASM);
      registerKernel(config);
      ours.push(kernelName);
    }
  }
  for (const config of wasmMatMulKernelConfigs()) {
    if (getKernel(config.kernelName, WASM) !== config) {
      unregisterKernel(config.kernelName, WASM);
      registerKernel(config);
    }
    ours.push(config.kernelName);
  }
  return ours;
}
