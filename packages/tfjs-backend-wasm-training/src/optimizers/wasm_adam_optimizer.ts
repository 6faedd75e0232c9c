import { AdamOptimizer, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';

import {
  activeWasmBackend,
  checkInstalledTfjsVersions,
  registeredVariable,
  tensorFromBuffer,
  type WasmBackendLike,
} from '../internals';
import { simdFor } from '../simd/helpers';

/**
 * Adam, with one pass per weight tensor on the wasm backend: the same
 * constructor, the same arithmetic and results as `tf.train.adam`.
 *
 * tfjs's Adam updates each weight with about fifteen small tensor operations
 * (two moments, two bias corrections, a square root, a division, ...). On
 * the wasm backend each operation costs some microseconds of engine
 * bookkeeping whatever its size, so for small models (MNIST networks of up
 * to 0.7 million weights) the optimiser took a quarter of a training step.
 * Here each weight is updated in one pass: the moments are buffers on the wasm heap (allocated once per
 * weight, freed by dispose), and the new weights are written into a fresh
 * buffer that the variable then points to (a fresh buffer, not an in-place
 * write: the wasm backend caches packed weights by buffer). The pass is the
 * SIMD routine of simd/adam.ts, which does tfjs's float32 arithmetic in
 * tfjs's order (checked bit for bit against a float32 reference), or, when the SIMD
 * module is unavailable, a JavaScript loop (in float64, so it differs from
 * tfjs by rounding only).
 *
 * On any other backend, and with TensorFlow.js versions other than the
 * 4.22.x this package supports, this simply is tfjs's Adam. A training run
 * must stay on one backend: switching to or from wasm between steps throws.
 */
export class WasmAdamOptimizer extends AdamOptimizer {
  /** Updates done on the heap path (Adam's t). */
  private steps = 0;
  /** beta1^t and beta2^t as float32 running products, as tfjs keeps them. */
  private powBeta1 = 1;
  private powBeta2 = 1;
  /** The backend holding the moments. */
  private heapBackend: WasmBackendLike | null = null;
  private readonly moments = new Map<string, { first: TensorInfo; second: TensorInfo }>();
  private usedStockPath = false;

  /** Applies one Adam step to the variables the gradients are named after (as tfjs's Adam does). */
  override applyGradients(variableGradients: Parameters<AdamOptimizer['applyGradients']>[0]): void {
    const found = activeWasmBackend();
    const wasm = found != null && checkInstalledTfjsVersions() == null ? found : null;
    if (wasm == null) {
      if (this.steps > 0) throw new Error('WasmAdamOptimizer: the backend changed from wasm during training');
      this.usedStockPath = true;
      super.applyGradients(variableGradients);
      return;
    }
    if (this.usedStockPath) throw new Error('WasmAdamOptimizer: the backend changed to wasm during training');
    if (this.heapBackend != null && this.heapBackend !== wasm) {
      throw new Error('WasmAdamOptimizer: the wasm backend was replaced during training');
    }
    this.heapBackend = wasm;
    const entries: [string, Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((named): [string, Tensor] => [named.name, named.tensor])
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
      const variable = registeredVariable(name);
      if (!variable || !variable.trainable || gradient == null) continue;
      if (gradient.dtype !== 'float32' || variable.dtype !== 'float32') {
        throw new Error(`WasmAdamOptimizer: ${name} is ${variable.dtype} with a ${gradient.dtype} gradient; float32 expected`);
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
      const fresh = tensorFromBuffer(out);
      variable.assign(fresh);
      fresh.dispose();
    }
    this.incrementIterations();
  }

  /** Frees the moments on the wasm heap, then tfjs's Adam state. */
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
