/**
 * tfjs-backend-wasm-training: kernels that let TensorFlow.js 4.22's wasm
 * backend train (a missing Conv2DBackpropFilter, a wrong MaxPoolGrad) and
 * train fast (convolution gradients, transposed matrix products, conv
 * biases, Adam), for @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm
 * 4.22.x.
 *
 * Importing this module registers nothing: call
 * {@link registerWasmTrainingKernels} (and {@link unregisterWasmTrainingKernels}
 * to go back to tfjs's own kernels).
 */
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
  WASM_TRAINING_KERNELS,
  type RegistrationReport,
} from './register_all_kernels';
export { WasmAdamOptimizer } from './optimizers/wasm_adam_optimizer';
export { SUPPORTED_TFJS_VERSION } from './internals';
