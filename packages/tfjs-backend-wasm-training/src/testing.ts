/**
 * tfjs-backend-wasm-training/testing: the package's inner parts that its
 * tests exercise directly. Not a stable API: it may change in any release.
 *
 * - the SIMD helpers, and a switch that turns them off so that the
 *   kernels' JavaScript loops can be checked too;
 * - each route of the two convolution gradients, callable one by one;
 * - the version check, callable with made-up versions.
 */
export { setSimdEnabled, simdFor, type SimdHelpers } from './simd/helpers';
export { conv2DBackpropFilterWith, type FilterGradMethod } from './kernels/Conv2DBackpropFilter';
export { conv2DBackpropInputWith, type BackpropInputMethod } from './kernels/Conv2DBackpropInput';
export { checkTfjsVersions, installedTfjsVersions, type TfjsVersions, type WasmBackendLike } from './internals';
