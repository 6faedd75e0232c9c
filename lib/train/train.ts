import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DigitSet } from '../data/digit-set';
import { type InputLayout, toTensors } from '../data/tensors';
import { SeededRandom } from '../random';

/** What one epoch achieved. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
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

/**
 * Trains a compiled model on a set of images. Each epoch visits the images in
 * an order drawn from a generator seeded by `seed`, so a run can be repeated
 * (tfjs's own `fit` shuffles with Math.random). Tensors are freed as it goes.
 */
export async function trainModel(model: tfl.LayersModel, train: DigitSet, options: TrainOptions): Promise<TrainResult> {
  const random = new SeededRandom(options.seed ?? 0);
  const all = toTensors(train, options.inputLayout);
  const validation = options.validation ? toTensors(options.validation, options.inputLayout) : undefined;
  const batches = Math.ceil(train.count / options.batchSize);
  const history: EpochRecord[] = [];
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStarted = performance.now();
      const order = tf.tensor1d(Int32Array.from(random.permutation(train.count)), 'int32');
      const xs = tf.gather(all.xs, order);
      const ys = tf.gather(all.ys, order);
      order.dispose();
      let lossSum = 0;
      let accuracySum = 0;
      let seen = 0;
      try {
        const fitted = await model.fit(xs, ys, {
          epochs: 1,
          batchSize: options.batchSize,
          shuffle: false,
          verbose: 0,
          validationData: validation ? [validation.xs, validation.ys] : undefined,
          callbacks: {
            onBatchEnd: async (batch, logs) => {
              const size = Math.min(options.batchSize, train.count - batch * options.batchSize);
              lossSum += (logs?.loss ?? 0) * size;
              accuracySum += (logs?.acc ?? 0) * size;
              seen += size;
              options.onBatchEnd?.({ epoch, epochs: options.epochs, batch: batch + 1, batches, loss: lossSum / seen, accuracy: accuracySum / seen });
            },
          },
        });
        const last = (key: string) => fitted.history[key]?.[0] as number | undefined;
        const record: EpochRecord = {
          epoch,
          loss: last('loss') ?? lossSum / seen,
          accuracy: last('acc') ?? accuracySum / seen,
          valLoss: last('val_loss'),
          valAccuracy: last('val_acc'),
          seconds: (performance.now() - epochStarted) / 1000,
        };
        history.push(record);
        options.onEpochEnd?.(record);
      } finally {
        xs.dispose();
        ys.dispose();
      }
    }
  } finally {
    tf.dispose([all.xs, all.ys]);
    if (validation) tf.dispose([validation.xs, validation.ys]);
  }
  return { history, seconds: (performance.now() - started) / 1000 };
}

/** Test loss and accuracy. */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/** Loss and accuracy of a model on a set, computed in batches to bound memory. */
export async function evaluateModel(model: tfl.LayersModel, set: DigitSet, inputLayout: InputLayout, batchSize = 1000): Promise<Evaluation> {
  const { xs, ys } = toTensors(set, inputLayout);
  try {
    const result = model.evaluate(xs, ys, { batchSize }) as tf.Scalar[];
    const [loss, accuracy] = await Promise.all(result.map((scalar) => scalar.data()));
    tf.dispose(result);
    return { loss: loss[0], accuracy: accuracy[0] };
  } finally {
    tf.dispose([xs, ys]);
  }
}
