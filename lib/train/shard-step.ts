/**
 * What one shard of a batch contributes to a data-parallel training step,
 * computed the same way in the main thread and in every training worker
 * (train-worker.ts): the gradients of the shard's own mean loss, that loss
 * and the number of rows it got right. Kept apart from train.ts so that a
 * worker loads only what a step needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rowArgmax } from '../base/argmax';
import type { TensorPair } from '../data/tensors';

/** Mean categorical cross-entropy of predicted probabilities against one-hot targets (the compiled loss). */
export function meanCrossEntropy(ys: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.mean(tfl.metrics.categoricalCrossentropy(ys, probabilities)) as tf.Scalar;
}

/** Rows whose largest probability sits where the one-hot target has its 1. */
export function countCorrect(probabilities: ArrayLike<number>, oneHotTargets: ArrayLike<number>, classes: number): number {
  const rows = probabilities.length / classes;
  let correct = 0;
  for (let row = 0; row < rows; row++) {
    if (rowArgmax(probabilities, row, classes) === rowArgmax(oneHotTargets, row, classes)) correct++;
  }
  return correct;
}

/**
 * The rows `rows` (in that order) of a set's tensors, gathered the same way
 * by every training step of the main thread (the one-thread loop and shard 0
 * of a data-parallel step). The caller disposes all three tensors.
 */
export function gatherRows(all: TensorPair, rows: Int32Array): { indices: tf.Tensor1D; xs: tf.Tensor; ys: tf.Tensor } {
  const indices = tf.tensor1d(rows, 'int32');
  return { indices, xs: tf.gather(all.xs, indices), ys: tf.gather(all.ys, indices) };
}

/** A shard's gradients (one per trainable weight, in the model's order; the caller disposes them), mean loss and correct rows. */
export interface ShardResult {
  readonly gradients: tf.Tensor[];
  readonly loss: number;
  readonly correct: number;
}

/**
 * Forward pass in training mode (dropout on) on the shard, mean categorical
 * cross-entropy, and its gradients with respect to the model's trainable
 * weights: what `optimizer.minimize` computes before it updates.
 */
export function shardGradients(model: tfl.LayersModel, xs: tf.Tensor, ys: tf.Tensor): ShardResult {
  const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let probabilities: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    probabilities = tf.keep(model.apply(xs, { training: true }) as tf.Tensor);
    return meanCrossEntropy(ys, probabilities);
  }, weights);
  const correct = countCorrect(probabilities!.dataSync(), ys.dataSync(), ys.shape[ys.rank - 1]);
  const loss = value.dataSync()[0];
  tf.dispose([value, probabilities!]);
  return { gradients: weights.map((weight) => grads[weight.name]), loss, correct };
}

/**
 * Where each shard of a batch of `size` rows starts and how many rows it has:
 * `shards` contiguous pieces in order, sizes differing by at most one (the
 * first `size % shards` one row longer). A shard may be empty when the batch
 * is smaller than the number of shards.
 */
export function shardBounds(size: number, shards: number): { start: number; count: number }[] {
  const base = Math.floor(size / shards);
  const extra = size % shards;
  const bounds: { start: number; count: number }[] = [];
  let start = 0;
  for (let k = 0; k < shards; k++) {
    const count = base + (k < extra ? 1 : 0);
    bounds.push({ start, count });
    start += count;
  }
  return bounds;
}

/** The wasm backend's view of a tensor's bytes on its heap (a public method of tfjs's BackendWasm), when the active backend has one. */
type HeapReader = { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };

/**
 * Copies float32 tensors one after the other into `target` from `offset`
 * on: straight from the wasm heap (one copy), on other backends through
 * `dataSync` (two).
 */
export function copyTensorsInto(target: Float32Array, tensors: readonly tf.Tensor[], offset = 0): void {
  const backend = tf.backend() as unknown as HeapReader;
  for (const tensor of tensors) {
    const values = backend.typedArrayFromHeap ? backend.typedArrayFromHeap(tensor) : (tensor.dataSync() as Float32Array);
    target.set(values.length === tensor.size ? values : values.subarray(0, tensor.size), offset);
    offset += tensor.size;
  }
}
