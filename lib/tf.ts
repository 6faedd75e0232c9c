/**
 * TensorFlow.js as the series uses it: the core ops and the layers API in
 * one namespace, with the cpu and wasm backends registered, and on wasm the
 * training kernels tfjs lacks. Import it as `import { tf } from '@mnist-ts/lib'`.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './backend/wasm-kernels';

registerWasmTrainingKernels();

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
