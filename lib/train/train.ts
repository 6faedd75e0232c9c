import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DigitSet } from '../data/digit-set';
import { type InputLayout, type PixelScaling, toTensors } from '../data/tensors';
import { SeededRandom } from '../random';

/** What one epoch achieved. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch's batches. */
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  readonly seconds: number;
}

/** Where training stands, reported after every batch. */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Batches done in this epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Running mean of the epoch's loss and accuracy so far. */
  readonly loss: number;
  readonly accuracy: number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly inputLayout: InputLayout;
  /** How pixels become inputs; default `unit` (divided by 255). Validation uses the same. */
  readonly scaling?: PixelScaling;
  /** Images to report validation loss and accuracy on after each epoch. */
  readonly validation?: DigitSet;
  /** Seed of the per-epoch shuffle; default 0. */
  readonly seed?: number;
  readonly onBatchEnd?: (progress: BatchProgress) => void;
  readonly onEpochEnd?: (record: EpochRecord) => void;
}

/** The outcome of `trainModel`: one record per epoch and the total time. */
export interface TrainResult {
  readonly history: readonly EpochRecord[];
  readonly seconds: number;
}

/** Mean categorical cross-entropy of predicted probabilities against one-hot targets (the compiled loss). */
function meanCrossEntropy(ys: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.mean(tfl.metrics.categoricalCrossentropy(ys, probabilities)) as tf.Scalar;
}

/**
 * One optimisation step on a batch: forward pass in training mode (dropout
 * on), mean categorical cross-entropy, gradients of the model's trainable
 * weights, the compiled optimiser's update. Returns the batch's loss and
 * accuracy. This is all `model.fit` does per batch, without its per-batch
 * bookkeeping, which costs more than the step itself on small models.
 */
export function trainStep(model: tfl.LayersModel, xs: tf.Tensor, ys: tf.Tensor): { loss: number; accuracy: number } {
  const optimizer = model.optimizer;
  if (!optimizer) throw new Error(`model ${model.name} is not compiled: call model.compile() (the builders in lib do) before training`);
  const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let probabilities: tf.Tensor | undefined;
  const loss = optimizer.minimize(
    () => {
      probabilities = tf.keep(model.apply(xs, { training: true }) as tf.Tensor);
      return meanCrossEntropy(ys, probabilities);
    },
    true,
    weights,
  ) as tf.Scalar;
  // Accuracy is counted here rather than with tensor ops: a batch of probabilities is a few
  // hundred numbers, and five more kernels per step cost more than reading them.
  const accuracy = batchAccuracy(probabilities!.dataSync(), ys.dataSync(), ys.shape[ys.rank - 1]);
  const values = { loss: loss.dataSync()[0], accuracy };
  tf.dispose([loss, probabilities!]);
  return values;
}

/** Share of rows whose largest probability sits where the one-hot target has its 1. */
export function batchAccuracy(probabilities: ArrayLike<number>, oneHotTargets: ArrayLike<number>, classes: number): number {
  const rows = probabilities.length / classes;
  let correct = 0;
  for (let row = 0; row < rows; row++) {
    let predicted = 0;
    let actual = 0;
    for (let c = 1; c < classes; c++) {
      if (probabilities[row * classes + c] > probabilities[row * classes + predicted]) predicted = c;
      if (oneHotTargets[row * classes + c] > oneHotTargets[row * classes + actual]) actual = c;
    }
    if (predicted === actual) correct++;
  }
  return rows ? correct / rows : 0;
}

/** Gives the event loop a turn (progress displays, Jupyter messages) without slowing a tight loop. */
function yieldNow(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains a compiled classifier (categorical cross-entropy, as the builders in
 * lib compile them) on a set of images. Each epoch visits the images in an
 * order drawn from a generator seeded by `seed`, so a run can be repeated
 * (tfjs's own `fit` shuffles with Math.random). Tensors are freed as it goes.
 */
export async function trainModel(model: tfl.LayersModel, train: DigitSet, options: TrainOptions): Promise<TrainResult> {
  const random = new SeededRandom(options.seed ?? 0);
  const all = toTensors(train, options.inputLayout, options.scaling);
  const batches = Math.ceil(train.count / options.batchSize);
  const history: EpochRecord[] = [];
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStarted = performance.now();
      const order = Int32Array.from(random.permutation(train.count));
      let lossSum = 0;
      let accuracySum = 0;
      let seen = 0;
      let lastYield = performance.now();
      for (let batch = 0; batch < batches; batch++) {
        const indices = tf.tensor1d(order.subarray(batch * options.batchSize, (batch + 1) * options.batchSize), 'int32');
        const xs = tf.gather(all.xs, indices);
        const ys = tf.gather(all.ys, indices);
        const size = indices.shape[0];
        try {
          const step = trainStep(model, xs, ys);
          lossSum += step.loss * size;
          accuracySum += step.accuracy * size;
          seen += size;
        } finally {
          tf.dispose([indices, xs, ys]);
        }
        options.onBatchEnd?.({ epoch, epochs: options.epochs, batch: batch + 1, batches, loss: lossSum / seen, accuracy: accuracySum / seen });
        if (performance.now() - lastYield > 50) {
          await yieldNow();
          lastYield = performance.now();
        }
      }
      const validation = options.validation ? await evaluateModel(model, options.validation, options.inputLayout, { scaling: options.scaling }) : undefined;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: accuracySum / seen,
        valLoss: validation?.loss,
        valAccuracy: validation?.accuracy,
        seconds: (performance.now() - epochStarted) / 1000,
      };
      history.push(record);
      options.onEpochEnd?.(record);
      await yieldNow();
    }
  } finally {
    tf.dispose([all.xs, all.ys]);
  }
  return { history, seconds: (performance.now() - started) / 1000 };
}

/** Test loss and accuracy. */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/** How `evaluateModel` feeds a set. */
export interface EvaluateOptions {
  /** Pixel scaling, as in training; default `unit`. */
  readonly scaling?: PixelScaling;
  /** Images per forward pass (bounds memory); default 1000. */
  readonly batchSize?: number;
}

/** Loss and accuracy of a model on a set, computed in batches to bound memory. */
export async function evaluateModel(model: tfl.LayersModel, set: DigitSet, inputLayout: InputLayout, options: EvaluateOptions = {}): Promise<Evaluation> {
  const batchSize = options.batchSize ?? 1000;
  const { xs, ys } = toTensors(set, inputLayout, options.scaling);
  let lossSum = 0;
  let accuracySum = 0;
  try {
    for (let start = 0; start < set.count; start += batchSize) {
      const size = Math.min(batchSize, set.count - start);
      const batch = tf.tidy(() => {
        const probabilities = model.predict(tf.slice(xs, start, size)) as tf.Tensor;
        const targets = tf.slice(ys, start, size);
        const accuracy = batchAccuracy(probabilities.dataSync(), targets.dataSync(), targets.shape[1]!);
        return [meanCrossEntropy(targets, probabilities).dataSync()[0], accuracy];
      });
      lossSum += batch[0] * size;
      accuracySum += batch[1] * size;
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  return { loss: lossSum / set.count, accuracy: accuracySum / set.count };
}
