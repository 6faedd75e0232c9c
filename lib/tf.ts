/**
 * TensorFlow.js as the series uses it: the core ops and the layers API in
 * one namespace. Importing it registers no backend and no kernel:
 * `useBestBackend()` (backend/select.ts) loads the backends and, on wasm,
 * registers the training kernels tfjs lacks. Import it as
 * `import { tf } from '@mnist-ts/lib'`.
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
