/** Trains the from-scratch network with minibatch SGD and records accuracy after every epoch. */
import type { DigitSet } from '../data/digit-set';
import { SeededRandom } from '../base/random';
import { LOG_EPSILON } from './activations';
import { digitInputRange, RandomBatches } from './digit-batches';
import { type Matrix, zeroMatrix } from './matrix';
import { zeroParamsLike } from './params';
import type { WeightInit } from './initialisation';
import { TwoLayerNet } from './two-layer-net';

/** What one epoch of scratch training achieved. */
export interface ScratchEpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** SGD iterations done so far, all epochs together. */
  readonly iterations: number;
  /** Mean batch loss over the epoch's iterations (each taken just before its update). */
  readonly loss: number;
  /** Accuracy on the whole training set and on the whole test set after the epoch. */
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Wall-clock seconds of the epoch, training and both evaluations. */
  readonly seconds: number;
}

export interface ScratchTrainOptions {
  /** Hidden units; default 50. */
  readonly hidden?: number;
  /** SGD step size; default 0.1. */
  readonly learningRate?: number;
  /** Examples per batch, drawn at random with replacement; default 100. */
  readonly batchSize?: number;
  /** Total SGD iterations; default 10,000. Give this or `epochs`, not both. */
  readonly iterations?: number;
  /** Total epochs, each ceil(train.count / batchSize) iterations. */
  readonly epochs?: number;
  /** How the weights start (see `WeightInit`); default normal with standard deviation 0.01, as seed 001. */
  readonly init?: WeightInit;
  /** Seed of the initial weights and the batch draws; default 0. */
  readonly seed?: number;
  /** Added inside the loss's logarithm; default 1e-7. */
  readonly logEpsilon?: number;
  /** Called after every epoch; a returned promise is awaited before training goes on. */
  readonly onEpoch?: (record: ScratchEpochRecord, history: readonly ScratchEpochRecord[]) => void | Promise<void>;
}

export interface ScratchTrainResult {
  /** The trained network. */
  readonly net: TwoLayerNet;
  /** One record per epoch; the last epoch is shorter when the iterations do not divide evenly. */
  readonly history: readonly ScratchEpochRecord[];
  /** The batch loss of every iteration, for a loss curve. */
  readonly iterationLosses: Float64Array;
  /** Iterations per full epoch. */
  readonly iterationsPerEpoch: number;
  /** Wall-clock seconds of the whole run. */
  readonly seconds: number;
}

const EVALUATION_CHUNK = 1000;

/** Lets pending I/O and rendering run (e.g. notebook progress) before continuing. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The network's accuracy on a whole DigitSet, evaluated `chunkSize` images at a time to bound memory.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function setAccuracy(net: TwoLayerNet, set: DigitSet, chunkSize = EVALUATION_CHUNK): number {
  if (set.count === 0) return 0;
  let correct = 0;
  let buffer: Matrix | undefined;
  for (let start = 0; start < set.count; start += chunkSize) {
    const count = Math.min(chunkSize, set.count - start);
    if (!buffer || buffer.rows !== count) buffer = zeroMatrix(count, set.rows * set.cols);
    const inputs = digitInputRange(set, start, count, buffer);
    correct += net.correctCount(inputs, set.labels.subarray(start, start + count));
  }
  return correct / set.count;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive whole number, got ${value}`);
  return value;
}

/**
 * Trains a new `TwoLayerNet` (784-hidden-10, weights 0.01 × normal unless `init` says otherwise) on
 * `train` by SGD: each iteration draws a random batch, backpropagates and
 * steps every parameter by -learningRate × gradient. After each epoch it
 * measures accuracy on all of `train` and `test`, reports the record to
 * `onEpoch`, and yields to the event loop.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export async function trainScratchNet(train: DigitSet, test: DigitSet, options: ScratchTrainOptions = {}): Promise<ScratchTrainResult> {
  const batchSize = positiveInteger(options.batchSize ?? 100, 'batch size');
  const learningRate = options.learningRate ?? 0.1;
  const iterationsPerEpoch = Math.max(1, Math.ceil(train.count / batchSize));
  if (options.iterations !== undefined && options.epochs !== undefined) throw new RangeError('give iterations or epochs, not both');
  const iterations =
    options.epochs !== undefined ? positiveInteger(options.epochs, 'epochs') * iterationsPerEpoch : positiveInteger(options.iterations ?? 10000, 'iterations');

  const random = new SeededRandom(options.seed ?? 0);
  const net = new TwoLayerNet({ inputSize: train.rows * train.cols, hiddenSize: options.hidden ?? 50, init: options.init, random, logEpsilon: options.logEpsilon ?? LOG_EPSILON });
  const batches = new RandomBatches(train, batchSize, random, net.outputSize);
  const grads = zeroParamsLike(net.params);
  const iterationLosses = new Float64Array(iterations);
  const history: ScratchEpochRecord[] = [];
  const runStart = performance.now();

  for (let done = 0, epoch = 1; done < iterations; epoch++) {
    const epochStart = performance.now();
    const first = done;
    const end = Math.min(done + iterationsPerEpoch, iterations);
    let lossSum = 0;
    for (; done < end; done++) {
      const batch = batches.next();
      const { loss } = net.lossAndGradients(batch.inputs, batch.targets, grads);
      net.sgdStep(grads, learningRate);
      iterationLosses[done] = loss;
      lossSum += loss;
    }
    const record: ScratchEpochRecord = {
      epoch,
      iterations: done,
      loss: lossSum / (end - first),
      trainAccuracy: setAccuracy(net, train),
      testAccuracy: setAccuracy(net, test),
      seconds: (performance.now() - epochStart) / 1000,
    };
    history.push(record);
    await options.onEpoch?.(record, history);
    await yieldToEventLoop();
  }
  return { net, history, iterationLosses, iterationsPerEpoch, seconds: (performance.now() - runStart) / 1000 };
}
