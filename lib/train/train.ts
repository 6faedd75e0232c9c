import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DigitSet, splitValidation } from '../data/digit-set';
import { type InputLayout, type PixelScaling, type TensorPair, toTensors } from '../data/tensors';
import { SeededRandom } from '../base/random';
import type { PredictOptions } from '../evaluation/predict';
import { inputLayoutOf, outputClassesOf } from '../models/input-layout';
import type { EpochRecord, TrainingProgress } from '../types/training';
import { ShardWorkers } from './parallel';
import { countCorrect, gatherRows, meanCrossEntropy } from './shard-step';
import { trainingWorkers } from './workers';

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** `flat` or `image`; default read from the model's input shape. */
  readonly inputLayout?: InputLayout;
  /** How pixels become inputs; default `unit` (divided by 255). Validation uses the same. */
  readonly scaling?: PixelScaling;
  /** Images to report validation loss and accuracy on after each epoch. */
  readonly validation?: DigitSet;
  /** What to call those images in progress and curves; default `validation` (e.g. `test` when only monitoring). */
  readonly validationLabel?: string;
  /**
   * Instead of `validation`: the share of the training images to hold out
   * for validation (stratified, drawn with `seed`), e.g. 0.1.
   */
  readonly validationSplit?: number;
  /**
   * Keep the weights of the epoch with the best validation accuracy: at the
   * end the model is set back to them (needs validation). Default false.
   */
  readonly restoreBestWeights?: boolean;
  /** Seed of the per-epoch shuffle and of the validation split; default 0. */
  readonly seed?: number;
  /**
   * Where progress goes, e.g. `showProgress()` (live in a notebook, a bar in a
   * terminal); default none, so library code stays quiet unless asked.
   */
  readonly progress?: TrainingProgress;
  /** Name shown above the progress; default the model's name. */
  readonly title?: string;
  /**
   * Threads that share each batch (data-parallel: the main thread and
   * `workers - 1` worker threads, each on a contiguous shard of the batch;
   * see train/parallel.ts). Default: the MNIST_TRAIN_WORKERS environment
   * variable, else, on the wasm and cpu backends, as many of the machine's
   * cores as the model and batch size can keep busy (`trainingWorkers`:
   * each shard needs enough arithmetic to pay for its thread), else 1.
   * More than one needs the wasm or cpu backend (tfjs-node already uses
   * every core). The same seed, backend and number of workers give the same
   * weights; 1 gives what the main thread always gave. `TrainResult.workers`
   * says how many trained.
   */
  readonly workers?: number;
}

/** The outcome of `trainModel`: one record per epoch and the total time. */
export interface TrainResult {
  readonly history: readonly EpochRecord[];
  readonly seconds: number;
  /** Images trained on and validated on (after any validation split). */
  readonly trainImages: number;
  readonly validationImages: number;
  /** The epoch whose weights the model holds at the end: the best one with `restoreBestWeights`, else the last. */
  readonly keptEpoch: number;
  /** Threads that trained (1: the main thread alone; see `TrainOptions.workers`). */
  readonly workers: number;
}

/** A model's weight values copied out to plain arrays (safe from later in-place updates). */
interface WeightSnapshot {
  readonly values: Float32Array[];
  readonly shapes: number[][];
}

function snapshotWeights(model: tfl.LayersModel): WeightSnapshot {
  const weights = model.getWeights();
  return { values: weights.map((w) => Float32Array.from(w.dataSync())), shapes: weights.map((w) => w.shape.slice()) };
}

function restoreWeights(model: tfl.LayersModel, snapshot: WeightSnapshot): void {
  const tensors = snapshot.values.map((values, i) => tf.tensor(values, snapshot.shapes[i], 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * One optimisation step on a batch: forward pass in training mode (dropout
 * on), mean categorical cross-entropy, gradients of the model's trainable
 * weights, the compiled optimiser's update. Returns the batch's loss and
 * accuracy. This is all `model.fit` does per batch, without its per-batch
 * bookkeeping, which costs more than the step itself on small models.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
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

/**
 * Share of rows whose largest probability sits where the one-hot target has its 1.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function batchAccuracy(probabilities: ArrayLike<number>, oneHotTargets: ArrayLike<number>, classes: number): number {
  const rows = probabilities.length / classes;
  return rows ? countCorrect(probabilities, oneHotTargets, classes) / rows : 0;
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
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function trainModel(model: tfl.LayersModel, images: DigitSet, options: TrainOptions): Promise<TrainResult> {
  if (options.validation && options.validationSplit !== undefined) throw new Error('trainModel: give either validation or validationSplit, not both');
  const seed = options.seed ?? 0;
  const split = options.validationSplit === undefined ? undefined : splitValidation(images, { fraction: options.validationSplit, seed });
  const train = split?.train ?? images;
  const validationSet = split?.validation ?? options.validation;
  if (options.restoreBestWeights && !validationSet) throw new Error('trainModel: restoreBestWeights needs validation or validationSplit');
  const progress = options.progress;
  progress?.onTrainBegin?.({ title: options.title ?? model.name, epochs: options.epochs, validationLabel: options.validationLabel ?? 'validation' });
  const random = new SeededRandom(seed);
  const layout = options.inputLayout ?? inputLayoutOf(model);
  const splits = ['wasm', 'cpu'].includes(tf.getBackend());
  const workers = trainingWorkers({ workers: options.workers, ...(splits ? { model, batchSize: options.batchSize } : {}) });
  if (workers > 1 && !splits) {
    throw new Error(`trainModel: training in ${workers} threads needs the wasm or cpu backend, not ${tf.getBackend()} (pass workers: 1)`);
  }
  const all = toTensors(train, { layout, scaling: options.scaling, classes: outputClassesOf(model) });
  const batches = Math.ceil(train.count / options.batchSize);
  const history: EpochRecord[] = [];
  let best: { epoch: number; accuracy: number; weights: WeightSnapshot } | undefined;
  const started = performance.now();
  let shardWorkers: ShardWorkers | undefined;
  try {
    if (workers > 1) shardWorkers = await ShardWorkers.start(model, train, { workers, batchSize: options.batchSize, layout, scaling: options.scaling ?? 'unit' });
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStarted = performance.now();
      const order = Int32Array.from(random.permutation(train.count));
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastYield = performance.now();
      for (let batch = 0; batch < batches; batch++) {
        const rows = order.subarray(batch * options.batchSize, (batch + 1) * options.batchSize);
        const step = shardWorkers ? await shardWorkers.step(all, rows) : mainThreadStep(model, all, rows);
        lossSum += step.lossSum;
        correct += step.correct;
        seen += rows.length;
        const batchProgress = { epoch, epochs: options.epochs, batch: batch + 1, batches, loss: lossSum / seen, accuracy: correct / seen };
        progress?.onBatchEnd(batchProgress);
        if (performance.now() - lastYield > 50) {
          await yieldNow();
          lastYield = performance.now();
        }
      }
      const validation = validationSet ? await evaluateModel(model, validationSet, { inputLayout: layout, scaling: options.scaling }) : undefined;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: validation?.loss,
        valAccuracy: validation?.accuracy,
        seconds: (performance.now() - epochStarted) / 1000,
      };
      history.push(record);
      if (options.restoreBestWeights && validation && (!best || validation.accuracy > best.accuracy)) {
        best = { epoch, accuracy: validation.accuracy, weights: snapshotWeights(model) };
      }
      await progress?.onEpochEnd(record, history);
      await yieldNow();
    }
  } finally {
    tf.dispose([all.xs, all.ys]);
    await shardWorkers?.close();
  }
  const keptEpoch = best?.epoch ?? options.epochs;
  if (best && best.epoch !== options.epochs) restoreWeights(model, best.weights);
  const seconds = (performance.now() - started) / 1000;
  progress?.onTrainEnd(trainingSummary(history, seconds, best ? keptEpoch : undefined, workers));
  return { history, seconds, trainImages: train.count, validationImages: validationSet?.count ?? 0, keptEpoch, workers };
}

/** One step in the main thread alone (`trainStep` on the batch's rows): the batch's summed loss and correct rows. */
function mainThreadStep(model: tfl.LayersModel, all: TensorPair, rows: Int32Array): { lossSum: number; correct: number } {
  const { indices, xs, ys } = gatherRows(all, rows);
  try {
    const step = trainStep(model, xs, ys);
    return { lossSum: step.loss * rows.length, correct: Math.round(step.accuracy * rows.length) };
  } finally {
    tf.dispose([indices, xs, ys]);
  }
}

/** `10 epochs in 85.2 s (8.5 s per epoch, 2 threads); kept epoch 7 (best val_acc 98.10%)` */
function trainingSummary(history: readonly EpochRecord[], seconds: number, keptEpoch: number | undefined, workers: number): string {
  const epochs = history.length;
  const threads = workers === 1 ? '1 thread' : `${workers} threads`;
  let text = `${epochs} epoch${epochs === 1 ? '' : 's'} in ${seconds.toFixed(1)} s (${(seconds / Math.max(1, epochs)).toFixed(1)} s per epoch, ${threads})`;
  if (keptEpoch !== undefined) {
    const kept = history[keptEpoch - 1];
    text += `; kept epoch ${keptEpoch} (best val_acc ${((kept.valAccuracy ?? 0) * 100).toFixed(2)}%)`;
  }
  return text;
}

/** Test loss and accuracy. */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * Loss and accuracy of a model on a set, computed in batches to bound memory.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function evaluateModel(model: tfl.LayersModel, set: DigitSet, options: PredictOptions = {}): Promise<Evaluation> {
  const { inputLayout = inputLayoutOf(model), scaling = 'unit', batchSize = 1000 } = options;
  const { xs, ys } = toTensors(set, { layout: inputLayout, scaling, classes: outputClassesOf(model) });
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
