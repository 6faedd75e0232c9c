/**
 * TensorFlow.js as the series uses it: the core ops and the layers API in
 * one namespace, with the cpu and wasm backends registered, and on wasm the
 * training kernels tfjs lacks. Import it as `import { tf } from '@mnist-ts/lib'`.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './backend/wasm-kernels';

// Registered on load, so tf.setBackend('wasm') trains CNNs too; MNIST_BACKEND=wasm-stock keeps tfjs as shipped.
if (process.env.MNIST_BACKEND?.trim().toLowerCase() !== 'wasm-stock') registerWasmTrainingKernels();

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
