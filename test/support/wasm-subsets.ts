/** Test helpers for training tests: a small MNIST on the wasm backend, and a model's weights as one array. */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { useBestBackend } from '../../lib/backend/select';
import { type DigitSet, firstImages } from '../../lib/data/digit-set';
import { loadMnist } from '../../lib/data/mnist';

/** Switches to the wasm backend (quietly) and returns the first 1,000 MNIST training and 500 test images, for training tests. */
export async function wasmWithSmallMnist(): Promise<{ train: DigitSet; test: DigitSet }> {
  await useBestBackend({ backend: 'wasm', log: null });
  const mnist = await loadMnist();
  return { train: firstImages(mnist.train, 1000), test: firstImages(mnist.test, 500) };
}

/** Every weight of a model, concatenated, as one plain array (for bit-for-bit comparisons). */
export function weightValues(model: LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
