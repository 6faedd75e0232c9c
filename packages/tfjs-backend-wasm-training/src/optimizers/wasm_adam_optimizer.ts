import * as tf from '@tensorflow/tfjs-core';
import { simdFor } from '../backend/wasm-conv-simd';
import type { WasmBackendLike } from '../backend/wasm-conv-util';

/**
 * Adam, with one pass per weight tensor on the wasm backend.
 *
 * tfjs's Adam updates each weight with about fifteen small tensor operations
 * (two moments, two bias corrections, a square root, a division, ...). On
 * the wasm backend each operation costs some microseconds of engine
 * bookkeeping whatever its size, so for the series' small models the
 * optimiser took a quarter of a training step. Here each weight is updated
 * in one pass: the moments are buffers on the wasm heap (allocated once per
 * weight, freed by dispose), and the new weights are written into a fresh
 * buffer that the variable then points to (a fresh buffer, not an in-place
 * write: the wasm backend caches packed weights by buffer). The pass is the
 * SIMD `adam` function of wasm-conv-simd.ts, which does tfjs's float32
 * arithmetic in tfjs's order, or, when that module is unavailable, a
 * JavaScript loop (in float64, so it differs from tfjs by rounding only).
 * On any other backend this simply is tfjs's Adam.
 */
export class HeapAdamOptimizer extends tf.AdamOptimizer {
  /** Updates done on the heap path (Adam's t). */
  private steps = 0;
  /** beta1^t and beta2^t as float32 running products, as tfjs keeps them. */
  private powBeta1 = 1;
  private powBeta2 = 1;
  /** The backend holding the moments. */
  private heapBackend: WasmBackendLike | null = null;
  private readonly moments = new Map<string, { first: tf.TensorInfo; second: tf.TensorInfo }>();
  private usedStockPath = false;

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
    if (tf.getBackend() !== 'wasm' || typeof backend.typedArrayFromHeap !== 'function' || typeof backend.makeOutput !== 'function') {
      if (this.steps > 0) throw new Error('HeapAdamOptimizer: the backend changed from wasm during training');
      this.usedStockPath = true;
      super.applyGradients(variableGradients);
      return;
    }
    if (this.usedStockPath) throw new Error('HeapAdamOptimizer: the backend changed to wasm during training');
    const wasm = backend as WasmBackendLike;
    if (this.heapBackend != null && this.heapBackend !== wasm) {
      throw new Error('HeapAdamOptimizer: the wasm backend was replaced during training');
    }
    this.heapBackend = wasm;
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((named): [string, tf.Tensor] => [named.name, named.tensor])
      : Object.entries(variableGradients);
    this.steps++;
    const f32 = Math.fround;
    this.powBeta1 = f32(this.powBeta1 * f32(this.beta1));
    this.powBeta2 = f32(this.powBeta2 * f32(this.beta2));
    const { learningRate, beta1, beta2, epsilon } = this;
    const firstCorrection = f32(1 - this.powBeta1);
    const secondCorrection = f32(1 - this.powBeta2);
    const simd = simdFor(wasm);
    for (const [name, gradient] of entries) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable || !variable.trainable || gradient == null) continue;
      if (gradient.dtype !== 'float32' || variable.dtype !== 'float32') {
        throw new Error(`HeapAdamOptimizer: ${name} is ${variable.dtype} with a ${gradient.dtype} gradient; float32 expected`);
      }
      let state = this.moments.get(name);
      if (!state) {
        const first = wasm.makeOutput(variable.shape.slice(), 'float32');
        const second = wasm.makeOutput(variable.shape.slice(), 'float32');
        state = { first, second };
        this.moments.set(name, state);
        (wasm.typedArrayFromHeap(first) as Float32Array).fill(0);
        (wasm.typedArrayFromHeap(second) as Float32Array).fill(0);
      }
      const out = wasm.makeOutput(variable.shape.slice(), 'float32');
      // Addresses and views only now: the allocations above may have grown the heap.
      if (simd) {
        simd.adam(
          simd.address(gradient), simd.address(variable), simd.address(out),
          simd.address(state.first), simd.address(state.second), variable.size,
          beta1, beta2, 1 - beta1, 1 - beta2, learningRate, firstCorrection, secondCorrection, epsilon,
        );
      } else {
        const first = wasm.typedArrayFromHeap(state.first) as Float32Array;
        const second = wasm.typedArrayFromHeap(state.second) as Float32Array;
        const weights = wasm.typedArrayFromHeap(variable) as Float32Array;
        const grads = wasm.typedArrayFromHeap(gradient) as Float32Array;
        const updated = wasm.typedArrayFromHeap(out) as Float32Array;
        for (let i = 0; i < updated.length; i++) {
          const g = grads[i];
          const m = beta1 * first[i] + (1 - beta1) * g;
          const v = beta2 * second[i] + (1 - beta2) * g * g;
          first[i] = m;
          second[i] = v;
          updated[i] = weights[i] - ((m / firstCorrection) / (Math.sqrt(v / secondCorrection) + epsilon)) * learningRate;
        }
      }
      const fresh = tf.engine().makeTensorFromTensorInfo(out);
      variable.assign(fresh);
      fresh.dispose();
    }
    this.incrementIterations();
  }

  override dispose(): void {
    if (this.heapBackend != null) {
      for (const { first, second } of this.moments.values()) {
        this.heapBackend.disposeData(first.dataId);
        this.heapBackend.disposeData(second.dataId);
      }
    }
    this.moments.clear();
    super.dispose();
  }
}
