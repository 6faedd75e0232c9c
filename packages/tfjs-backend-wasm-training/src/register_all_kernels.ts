/**
 * Training kernels for `@tensorflow/tfjs-backend-wasm` 4.22: the list of
 * them, and their registration in tfjs-core's kernel registry.
 *
 * Training a convolutional network with tfjs-layers on the wasm backend
 * needs two fixes (found by recording every kernel that training LeNet-5 and
 * three other MNIST CNNs with Adam and categoricalCrossentropy runs):
 *
 * - `Conv2DBackpropFilter` is missing (tfjs issue #8474): any Conv2D model
 *   fails on its first training step with "Kernel 'Conv2DBackpropFilter' not
 *   registered for backend 'wasm'". See kernels/Conv2DBackpropFilter.ts.
 * - `MaxPoolGrad` is registered but wrong when a pooling window holds no
 *   positive value. See kernels/MaxPoolGrad.ts. (Wrong training on wasm has
 *   been reported before, in tfjs issue #4326, "wasm backend is unusable
 *   for model training"; this is one way 4.22 still gets gradients wrong.)
 *
 * For speed, the package also replaces the kernels that dominated a training
 * step (batch 64; a CNN of conv 32-64-64 + dense 64 went from 206 to about
 * 50 ms a step, and dense networks ran 3.6 to 6.4 times faster):
 *
 * - `Conv2DBackpropInput` ran at about 3 GFLOP/s (a plain loop nest), a
 *   tenth of the forward convolution: 60 % of that CNN's step.
 * - `Conv2D` with one input channel (first layers): XNNPACK at 8 to 13
 *   GFLOP/s; the replacement runs at twice that.
 * - `Sum` over all axes but the last and `Add` of a per-channel bias (a conv
 *   layer's bias and its gradient).
 * - `Identity` and same-dtype `Cast` copied their input; here they share it
 *   (and `Cast` to bool is corrected).
 * - `BatchMatMul` and `_FusedMatMul` with transposed operands, which every
 *   dense layer's backward pass multiplies by, ran at about 2 GFLOP/s; the
 *   fused bias was also wrong off the fast path.
 * - `GatherV2`, which takes every training batch out of the data set: the
 *   stock kernel walks it element by element (1.9 ms for 64 MNIST images).
 *
 * Most of them use a small WebAssembly SIMD module of the package's own that
 * works on the backend's heap (simd/); where it cannot load they fall back on
 * JavaScript loops or on tfjs-backend-wasm's own kernels. Each replacement
 * takes only the cases it was written and tested for and hands every other
 * call to the kernel it replaced.
 */
import { getKernel, type KernelFunc } from '@tensorflow/tfjs-core';

import {
  checkInstalledTfjsVersions,
  checkWasmBackendMethods,
  checkWasmKernelsLoaded,
  isTrainingKernel,
  putKernel,
  restoreStockKernel,
  trainingKernelConfig,
  WASM,
} from './internals';
import type { TrainingKernel } from './kernel_utils';
import { addKernel } from './kernels/Add';
import { batchMatMulKernel } from './kernels/BatchMatMul';
import { castKernel } from './kernels/Cast';
import { conv2DKernel } from './kernels/Conv2D';
import { conv2DBackpropFilterKernel } from './kernels/Conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './kernels/Conv2DBackpropInput';
import { gatherV2Kernel } from './kernels/GatherV2';
import { identityKernel } from './kernels/Identity';
import { maxPoolGradKernel } from './kernels/MaxPoolGrad';
import { sumKernel } from './kernels/Sum';
import { fusedMatMulKernel } from './kernels/_FusedMatMul';

/** Every kernel of the package, in the order they are registered. */
const TRAINING_KERNELS: readonly TrainingKernel[] = [
  conv2DBackpropFilterKernel,
  maxPoolGradKernel,
  conv2DBackpropInputKernel,
  conv2DKernel,
  sumKernel,
  addKernel,
  identityKernel,
  castKernel,
  batchMatMulKernel,
  fusedMatMulKernel,
  gatherV2Kernel,
];

/**
 * Names of the kernels that {@link registerWasmTrainingKernels} registers for
 * the wasm backend: `Conv2DBackpropFilter` (missing from tfjs-backend-wasm
 * 4.22), `MaxPoolGrad` (replacing tfjs-backend-wasm's, which is wrong when a
 * pooling window holds no positive value), and faster replacements of
 * `Conv2DBackpropInput`, `Conv2D`, `Sum`, `Add`, `Identity`, `Cast`,
 * `BatchMatMul`, `_FusedMatMul` and `GatherV2`.
 */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.freeze(TRAINING_KERNELS.map((k) => k.kernelName));

/**
 * tfjs-backend-wasm's kernels that must be registered before the package's:
 * those it replaces (it keeps them for the cases it leaves to them) and those
 * it calls.
 */
const STOCK_KERNELS_NEEDED: readonly string[] = [
  ...TRAINING_KERNELS.filter((k) => k.replaces).map((k) => k.kernelName),
  'Transpose',
  'Slice',
];

/** What {@link registerWasmTrainingKernels} did. */
export interface RegistrationReport {
  /**
   * The kernels of this package registered for wasm now, whether by this
   * call or an earlier one (none, normally, when registration was refused).
   * A kernel that only adds what tfjs lacks (`Conv2DBackpropFilter`) is left
   * out when something else had registered one already.
   */
  readonly registered: readonly string[];
  /**
   * Why nothing was registered, when it was refused: TensorFlow.js versions
   * other than 4.22.x, tfjs-backend-wasm not loaded, or a running wasm
   * backend without what the kernels call. Undefined when registration went
   * ahead. tfjs's own kernels are untouched then.
   */
  readonly refused?: string;
}

/** The kernel function of `kernel`, given what is registered under its name now. */
function kernelFuncOf(kernel: TrainingKernel, existing: Parameters<TrainingKernel['makeKernelFunc']>[0]): KernelFunc {
  if (!kernel.replaces) return kernel.makeKernelFunc();
  if (existing == null) throw new Error(`Kernel '${kernel.kernelName}' is not registered for the wasm backend.`);
  return kernel.makeKernelFunc(existing);
}

/**
 * Registers the wasm backend's training kernels listed in
 * {@link WASM_TRAINING_KERNELS}. Call it before or after
 * `tf.setBackend('wasm')`, after importing `@tensorflow/tfjs-backend-wasm`;
 * calling it again changes nothing.
 *
 * It first checks that it can: TensorFlow.js 4.22.x (tfjs-core and
 * tfjs-backend-wasm), tfjs-backend-wasm's kernels registered, and a running
 * wasm backend (if any) as expected. Otherwise it registers nothing and says
 * why in {@link RegistrationReport.refused}; it does not throw.
 *
 * A missing kernel (`Conv2DBackpropFilter`) is registered only if nothing else
 * has registered one for wasm; the others replace tfjs-backend-wasm's. A
 * replaced kernel is kept: the package's kernel hands it the cases it has no
 * faster path for, its setup function (which binds the wasm function it calls)
 * stays registered as the setup of the package's kernel, and
 * {@link unregisterWasmTrainingKernels} puts it back.
 */
export function registerWasmTrainingKernels(): RegistrationReport {
  const refused = checkInstalledTfjsVersions() ?? checkWasmKernelsLoaded(STOCK_KERNELS_NEEDED) ?? checkWasmBackendMethods();
  if (refused != null) return { registered: registeredNames(), refused };
  const registered: string[] = [];
  for (const kernel of TRAINING_KERNELS) {
    const existing = getKernel(kernel.kernelName, WASM);
    if (isTrainingKernel(existing)) {
      registered.push(kernel.kernelName);
    } else if (existing == null || kernel.replaces) {
      putKernel(trainingKernelConfig(kernel.kernelName, kernelFuncOf(kernel, existing), existing));
      registered.push(kernel.kernelName);
    }
  }
  return { registered };
}

/**
 * Puts back tfjs-backend-wasm's own kernels where this package's are
 * registered, and removes the ones it added, so that the same process can
 * run the stock wasm backend again (to compare the two, say). Kernel
 * functions already running are not affected; tfjs looks kernels up on
 * every call, so the next operation uses the stock kernel.
 *
 * @returns the names of the kernels it unregistered.
 */
export function unregisterWasmTrainingKernels(): string[] {
  return TRAINING_KERNELS.map((k) => k.kernelName).filter((name) => restoreStockKernel(name));
}

/** The kernels of {@link WASM_TRAINING_KERNELS} whose registered wasm config is this package's. */
function registeredNames(): string[] {
  return WASM_TRAINING_KERNELS.filter((name) => isTrainingKernel(getKernel(name, WASM)));
}

/**
 * Whether any kernel of this package is registered for wasm now (after
 * {@link registerWasmTrainingKernels}, until
 * {@link unregisterWasmTrainingKernels}).
 */
export function wasmTrainingKernelsRegistered(): boolean {
  return registeredNames().length > 0;
}
