/**
 * TensorFlow.js as the series uses it: the core ops and the layers API in
 * one namespace, with the cpu and wasm backends registered. The training
 * kernels tfjs lacks on wasm are registered by useBestBackend
 * (backend/select.ts), not here. Import it as `import { tf } from '@mnist-ts/lib'`.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
