/**
 * Data-parallel training steps across worker threads (node:worker_threads).
 *
 * TensorFlow.js's wasm backend uses one core in Node. Here each batch is cut
 * into W contiguous shards: the main thread, which holds the model and the
 * optimiser, computes shard 0; W - 1 workers (train-worker.ts), each with its
 * own wasm backend and a copy of the model, compute the others. Every shard
 * gives the gradients of its own mean loss; they are combined as
 * sum_k (n_k / N) g_k in the order k = 0..W-1 (in float32, the same
 * arithmetic every run), and the optimiser applies them once. So the same
 * seed, backend and W give the same weights, bit for bit.
 *
 * Memory shared with the workers (parallel-protocol.ts): the training images
 * and labels (once per run), the weights (written before each step), one
 * gradient region per worker, the batch's row numbers and an Int32 control
 * array. Workers wait on the control array with Atomics.wait; the main thread
 * waits with Atomics.waitAsync, so its event loop keeps turning (progress
 * displays) and a worker that dies is noticed at once ('error' and 'exit').
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DigitSet } from '../data/digit-set';
import type { InputLayout, PixelScaling, TensorPair } from '../data/tensors';
import {
  COMMAND, CORRECT, DONE, GENERATION, SHARD_COUNT, SHARD_START, STEP, STOP,
  controlLength, type WorkerMessage, type WorkerSetup, workerSlot,
} from './parallel-protocol';
import { copyTensorsInto, gatherRows, shardBounds, shardGradients } from './shard-step';

/**
 * Hooks for tests: `onWorkersStarted` receives the workers of each run once
 * they are ready (e.g. to terminate one mid-training). Not part of lib's API.
 */
export const parallelTrainingHooks: { onWorkersStarted?: (workers: readonly Worker[]) => void } = {};

/** Milliseconds spent in each phase of the data-parallel steps of a run, summed (for the bench's profile). */
export interface ParallelProfile {
  /** Starting the workers until each had its model and tensors. */
  startup: number;
  steps: number;
  /** Copying the weights into shared memory and signalling. */
  weightsOut: number;
  /** The main thread's own shard (forward, backward). */
  ownShard: number;
  /** Waiting for the workers after the own shard. */
  wait: number;
  /** Combining the gradients. */
  combine: number;
  /** The optimiser's update. */
  apply: number;
}

/** The profile of the last data-parallel run in this thread (reset when a run starts). */
export const lastParallelProfile: ParallelProfile = { startup: 0, steps: 0, weightsOut: 0, ownShard: 0, wait: 0, combine: 0, apply: 0 };

/** What one data-parallel step reports: the batch's summed loss (sum over shards of n_k times their mean loss) and correct rows. */
export interface ParallelStepResult {
  readonly lossSum: number;
  readonly correct: number;
}

/** How long the main thread blocks waiting for a worker's step before it waits with its event loop free. */
const SHORT_WAIT_MS = 20;

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Where the worker's JavaScript is: beside this file once compiled
 * (lib/dist/train/train-worker.js). Running from TypeScript source (jest),
 * the worker starts with a few lines of loader code that transpile each .ts
 * file on require, with TypeScript's own `transpileModule`.
 */
function startWorker(setup: WorkerSetup): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'train-worker.js'), { workerData: setup });
  const entry = path.join(__dirname, 'train-worker.ts');
  // The training kernels' package from its source too, as jest.config.js maps it.
  const kernels = path.join(__dirname, '..', '..', 'packages', 'tfjs-backend-wasm-training', 'src', 'index.ts');
  const source = { entry, mapped: fs.existsSync(kernels) ? { 'tfjs-backend-wasm-training': kernels } : {} };
  return new Worker(TS_LOADER, { eval: true, workerData: { ...setup, source } });
}

/** Loader code for a worker started from TypeScript source (see startWorker). */
const TS_LOADER = `
const Module = require('node:module');
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const { entry, mapped } = workerData.source;
const ts = Module.createRequire(entry)('typescript');
const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
Module._extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(mapped, request) ? mapped[request] : resolve.call(this, request, ...rest);
};
Module.createRequire(entry)(entry);
`;

/** Copies bytes into a new SharedArrayBuffer. */
function shared(bytes: Uint8Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/**
 * W - 1 training workers for one run of `trainModel`, ready to compute
 * shards of batches of the given model. `close()` terminates them (always
 * call it, also after a failure).
 */
export class ShardWorkers {
  private generation = 0;
  private closing = false;
  private failure: Error | undefined;
  private readonly failed: Promise<never>;
  private rejectFailed!: (error: Error) => void;
  private readonly control: Int32Array;
  private readonly losses: Float64Array;
  private readonly indices: Int32Array;
  private readonly weights: Float32Array;
  private readonly gradients: Float32Array;
  private readonly total: number;
  private workers: Worker[] = [];

  private constructor(private readonly model: tfl.LayersModel, private readonly count: number, batchSize: number) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => undefined);
    this.total = model.trainableWeights.reduce((sum, weight) => sum + weight.read().size, 0);
    this.control = new Int32Array(new SharedArrayBuffer(controlLength(count) * 4));
    this.losses = new Float64Array(new SharedArrayBuffer(count * 8));
    this.indices = new Int32Array(new SharedArrayBuffer(batchSize * 4));
    this.weights = new Float32Array(new SharedArrayBuffer(this.total * 4));
    this.gradients = new Float32Array(new SharedArrayBuffer((count - 1) * this.total * 4));
  }

  /**
   * Starts `workers - 1` workers on the active backend, shares the training
   * images with them and waits until each has built its model and tensors.
   */
  static async start(
    model: tfl.LayersModel,
    train: DigitSet,
    options: { readonly workers: number; readonly batchSize: number; readonly layout: InputLayout; readonly scaling: PixelScaling },
  ): Promise<ShardWorkers> {
    const pool = new ShardWorkers(model, options.workers, options.batchSize);
    const started = performance.now();
    Object.assign(lastParallelProfile, { startup: 0, steps: 0, weightsOut: 0, ownShard: 0, wait: 0, combine: 0, apply: 0 });
    try {
      await pool.launch(train, options.layout, options.scaling);
    } catch (error) {
      await pool.close();
      throw error;
    }
    lastParallelProfile.startup = performance.now() - started;
    return pool;
  }

  private async launch(train: DigitSet, layout: InputLayout, scaling: PixelScaling): Promise<void> {
    const images = { pixels: shared(train.images), labels: shared(train.labels), count: train.count, rows: train.rows, cols: train.cols };
    const base = {
      workers: this.count,
      backend: tf.getBackend(),
      topology: JSON.stringify(this.model.toJSON(null, false)),
      shapes: this.model.trainableWeights.map((weight) => weight.shape as number[]),
      layout,
      scaling,
      images,
      control: this.control.buffer as SharedArrayBuffer,
      losses: this.losses.buffer as SharedArrayBuffer,
      indices: this.indices.buffer as SharedArrayBuffer,
      weights: this.weights.buffer as SharedArrayBuffer,
      gradients: this.gradients.buffer as SharedArrayBuffer,
    };
    const ready: Promise<void>[] = [];
    for (let shard = 1; shard < this.count; shard++) {
      const worker = startWorker({ ...base, shard });
      this.workers.push(worker);
      const name = `training worker ${shard} of ${this.count - 1}`;
      ready.push(
        new Promise<void>((resolve) => {
          worker.on('message', (message: WorkerMessage) => {
            if (message.type === 'ready') resolve();
            else this.fail(new Error(`${name} failed: ${message.message}`));
          });
        }),
      );
      worker.on('error', (error) => this.fail(new Error(`${name} failed: ${error.message}`)));
      worker.on('exit', (code) => this.fail(new Error(`${name} stopped during training (exit code ${code})`)));
    }
    await Promise.race([Promise.all(ready), this.failed]);
    parallelTrainingHooks.onWorkersStarted?.(this.workers);
  }

  /** Records the first failure (later ones are its consequences) and wakes whoever waits. */
  private fail(error: Error): void {
    if (this.closing || this.failure) return;
    this.failure = error;
    this.rejectFailed(error);
  }

  /**
   * One optimisation step on the batch whose rows (in `all`) are `batch`:
   * shard 0 here, the others in the workers, the combined gradients applied
   * once by the model's optimiser.
   */
  async step(all: TensorPair, batch: Int32Array): Promise<ParallelStepResult> {
    if (this.failure) throw this.failure;
    const optimizer = this.model.optimizer;
    const variables = this.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const bounds = shardBounds(batch.length, this.count);
    const profile = lastParallelProfile;
    let mark = performance.now();
    const lap = (phase: Exclude<keyof ParallelProfile, 'startup' | 'steps'>) => {
      const now = performance.now();
      profile[phase] += now - mark;
      mark = now;
    };
    profile.steps++;
    // Weights and rows out, then the signal.
    copyTensorsInto(this.weights, variables);
    this.indices.set(batch);
    for (let k = 1; k < this.count; k++) {
      this.control[workerSlot(k) + SHARD_START] = bounds[k].start;
      this.control[workerSlot(k) + SHARD_COUNT] = bounds[k].count;
    }
    const generation = ++this.generation;
    Atomics.store(this.control, COMMAND, STEP);
    Atomics.store(this.control, GENERATION, generation);
    Atomics.notify(this.control, GENERATION);
    lap('weightsOut');

    // Shard 0 here, meanwhile.
    const { indices, xs, ys } = gatherRows(all, batch.subarray(0, bounds[0].count));
    const own = shardGradients(this.model, xs, ys);
    tf.dispose([indices, xs, ys]);
    lap('ownShard');
    try {
      for (let k = 1; k < this.count; k++) await this.waitFor(k, generation);
      lap('wait');
      let lossSum = own.loss * bounds[0].count;
      let correct = own.correct;
      for (let k = 1; k < this.count; k++) {
        if (bounds[k].count === 0) continue;
        lossSum += this.losses[k] * bounds[k].count;
        correct += this.control[workerSlot(k) + CORRECT];
      }
      // sum_k (n_k / N) g_k in float32, k = 0..W-1: the same kernels on the same values in every run.
      const shares = bounds.map((bound) => bound.count / batch.length);
      const combined: tf.NamedTensorMap = {};
      let offset = 0;
      variables.forEach((variable, i) => {
        const size = variable.size;
        combined[variable.name] = tf.tidy(() => {
          let sum = tf.mul(own.gradients[i], tf.scalar(shares[0]));
          for (let k = 1; k < this.count; k++) {
            if (bounds[k].count === 0) continue;
            const region = (k - 1) * this.total + offset;
            const gradient = tf.tensor(this.gradients.subarray(region, region + size), variable.shape, 'float32');
            sum = tf.add(sum, tf.mul(gradient, tf.scalar(shares[k])));
          }
          return sum;
        });
        offset += size;
      });
      lap('combine');
      try {
        optimizer.applyGradients(combined);
      } finally {
        tf.dispose(Object.values(combined));
      }
      lap('apply');
      return { lossSum, correct };
    } finally {
      tf.dispose(own.gradients);
    }
  }

  /** Waits, without blocking the event loop, until worker k has finished step `generation` or any worker has failed. */
  private async waitFor(k: number, generation: number): Promise<void> {
    const slot = workerSlot(k) + DONE;
    for (;;) {
      if (this.failure) throw this.failure;
      let value = Atomics.load(this.control, slot);
      if (value === generation) return;
      // Most steps end within milliseconds of each other: a short blocking wait wakes sooner than the
      // event loop would. Past it, wait without blocking, so a worker's 'exit' or 'error' is seen.
      if (value !== -1 && Atomics.wait(this.control, slot, value, SHORT_WAIT_MS) !== 'timed-out') {
        value = Atomics.load(this.control, slot);
        if (value === generation) return;
      }
      const wait = waitAsync(this.control, slot, value);
      // A worker that failed sets its slot to -1: the reason follows as a message or an exit.
      if (value === -1) await this.failed;
      else if (wait.async) await Promise.race([wait.value, this.failed]);
    }
  }

  /** Stops and terminates the workers (waits until they are gone). */
  async close(): Promise<void> {
    this.closing = true;
    Atomics.store(this.control, COMMAND, STOP);
    Atomics.store(this.control, GENERATION, ++this.generation);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers = [];
  }
}
