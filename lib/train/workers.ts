/**
 * How many threads a training run uses (see `TrainOptions.workers` and
 * train/parallel.ts): given, from MNIST_TRAIN_WORKERS, or chosen for the
 * model and batch size from the machine's cores.
 *
 * Why a choice and not always every core: a data-parallel step splits the
 * batch, but each thread still does the work that grows with the weights,
 * not the images (XNNPACK re-packs each dense layer's fresh weights, the
 * gradients are added and the optimiser runs once per step), and each thread
 * runs slower while the other cores are busy too. A shard therefore needs
 * enough arithmetic to pay for its thread. Measured on two cores (x2 / x1,
 * each model's own batch size, forward multiply-adds per shard in brackets):
 * mlp-256-128-64 0.7x (7.8 M), mlp-512-512 1.0-1.1x (21 M), mlp-784 1.1-1.2x
 * (62 M), cnn-simple 1.46x (105 M), lenet5 1.5x (70 M), cnn-larger 1.5x
 * (89 M), cnn-32-64-64 1.55x (90 M).
 */
import * as os from 'node:os';
import { util } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Environment variable that sets how many threads train (see `TrainOptions.workers`).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export const TRAIN_WORKERS_ENV = 'MNIST_TRAIN_WORKERS';

/**
 * The least forward-pass arithmetic (multiply-adds) a shard of a batch must
 * carry for a thread of its own to pay (see the measurements above: below
 * about 16 million, a second thread made training slower).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export const MIN_SHARD_MULTIPLY_ADDS = 16_000_000;

/**
 * Multiply-adds of one image's forward pass through the layers with a
 * kernel (Dense, Conv2D): the kernel's size times the positions it is
 * applied at (1 for Dense; the output's height times width for Conv2D).
 * Pooling, activations and biases are left out: they are a small share.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function forwardMultiplyAdds(model: tfl.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kernel = layer.trainableWeights.find((weight) => weight.originalName.endsWith('/kernel'));
    if (!kernel) continue;
    const kernelShape = kernel.shape as number[];
    const positions = util.sizeFromShape((layer.outputShape as number[]).slice(1)) / kernelShape[kernelShape.length - 1];
    total += util.sizeFromShape(kernelShape) * positions;
  }
  return total;
}

/** What decides the number of training threads. */
export interface WorkerChoice {
  /** Threads asked for; wins over everything else. */
  readonly workers?: number;
  /** The model and batch size, to choose from when nothing is asked for. */
  readonly model?: tfl.LayersModel;
  readonly batchSize?: number;
  /** Cores to use at most when choosing; default `os.availableParallelism()`. */
  readonly cores?: number;
}

/**
 * How many threads a training run uses: `workers` if given, else
 * MNIST_TRAIN_WORKERS, else, for a model and batch size, the most threads
 * (up to the machine's cores) whose shards each still carry
 * {@link MIN_SHARD_MULTIPLY_ADDS} of forward arithmetic, else 1. So on two
 * cores the CNNs, LeNet-5 and the MLPs with batches of 200 train on two
 * threads and the 784-256-128-64-10 MLP on one.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function trainingWorkers(choice: WorkerChoice = {}): number {
  const fromEnv = process.env[TRAIN_WORKERS_ENV];
  const given = choice.workers ?? (fromEnv ? Number(fromEnv) : undefined);
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1) {
      const source = choice.workers === undefined ? `${TRAIN_WORKERS_ENV}=${fromEnv}` : `workers ${choice.workers}`;
      throw new Error(`trainModel: ${source} is not a whole number of threads of at least 1`);
    }
    return given;
  }
  if (!choice.model || !choice.batchSize) return 1;
  const perImage = forwardMultiplyAdds(choice.model);
  const cores = choice.cores ?? os.availableParallelism();
  let workers = 1;
  for (let w = 2; w <= cores; w++) {
    if (Math.floor(choice.batchSize / w) * perImage >= MIN_SHARD_MULTIPLY_ADDS) workers = w;
  }
  return workers;
}
