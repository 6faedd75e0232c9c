import * as tf from '@tensorflow/tfjs-core';
import { type DigitSet, firstImages, toTensors, type Architecture, trainModel, trainStep } from '@mnist-ts/lib';

export interface MeasureOptions {
  /** Images per training batch; default 64. */
  readonly batchSize?: number;
  /** Training images timed (after the warm-up); default 2048. */
  readonly samples?: number;
  /** Untimed steps first (kernel setup, caches); default 3. */
  readonly warmupSteps?: number;
  /** Images per inference batch; default 1000. */
  readonly inferBatchSize?: number;
  /** Also time tfjs's own `model.fit` on the same batches, for comparison with lib's training step. */
  readonly compareFit?: boolean;
  /**
   * Time training through `trainModel` with this many threads (data-parallel,
   * see lib/train/parallel.ts) instead of `trainStep` alone: the steps after
   * the warm-up, timed batch end to batch end (the workers' start excluded).
   */
  readonly workers?: number;
}

/** Throughput of one architecture on the active backend. */
export interface Measurement {
  readonly arch: string;
  readonly backend: string;
  /** Threads that trained (1: the main thread alone). */
  readonly workers: number;
  readonly batchSize: number;
  readonly trainSamples: number;
  /** Null when the backend cannot train this architecture (see trainError). */
  readonly trainSamplesPerSec: number | null;
  /** Median milliseconds of a training step. */
  readonly stepMs: number | null;
  /** Why training failed, e.g. a kernel the backend lacks. */
  readonly trainError?: string;
  /** Milliseconds of one step spent inside kernels (tf.profile); the rest of stepMs is engine, optimiser and loop. */
  readonly kernelMs?: number;
  /** Median milliseconds per batch of tfjs's `model.fit` on the same batches (with compareFit). */
  readonly fitStepMs?: number;
  readonly inferBatchSize: number;
  readonly inferSamplesPerSec: number;
  /** Loss of the last timed batch: a sanity check that training ran on real numbers. */
  readonly lastLoss: number | null;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures training samples/s (the project's training step: forward,
 * backward, optimiser update) and inference samples/s of an architecture on
 * the active backend, with real MNIST images, after a warm-up.
 */
export async function measureArchitecture(arch: Architecture, images: DigitSet, backend: string, options: MeasureOptions = {}): Promise<Measurement> {
  const batchSize = options.batchSize ?? 64;
  const warmup = options.warmupSteps ?? 3;
  const steps = Math.max(1, Math.round((options.samples ?? 2048) / batchSize));
  const inferBatchSize = options.inferBatchSize ?? 1000;
  const needed = Math.max(batchSize * (warmup + steps), inferBatchSize);
  if (images.count < needed) throw new Error(`measureArchitecture needs ${needed} images, got ${images.count}`);

  // Adam for every architecture, so the figures compare architectures and backends, not optimisers.
  const model = arch.build({ seed: 0, optimizer: 'adam' });
  const data = toTensors(firstImages(images, needed), { layout: arch.inputLayout });
  try {
    const inputs = tf.slice(data.xs, 0, inferBatchSize);
    const predict = () => tf.tidy(() => (model.predict(inputs, { batchSize: inferBatchSize }) as tf.Tensor).dataSync());
    predict();
    const inferTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      predict();
      inferTimes.push(performance.now() - started);
    }
    inputs.dispose();

    const stepTimes: number[] = [];
    let lastLoss = NaN;
    let trainError: string | undefined;
    try {
      if (options.workers !== undefined) {
        lastLoss = await timeTrainModel(model, firstImages(images, batchSize * (warmup + steps)), { batchSize, warmup, workers: options.workers }, stepTimes);
      } else for (let i = 0; i < warmup + steps; i++) {
        const xs = tf.slice(data.xs, i * batchSize, batchSize);
        const ys = tf.slice(data.ys, i * batchSize, batchSize);
        try {
          const started = performance.now();
          lastLoss = trainStep(model, xs, ys).loss;
          if (i >= warmup) stepTimes.push(performance.now() - started);
        } finally {
          tf.dispose([xs, ys]);
        }
      }
    } catch (error) {
      trainError = (error as Error).message.split('\n')[0];
    }
    let kernelMs: number | undefined;
    let fitStepMs: number | undefined;
    if (!trainError) {
      const xs = tf.slice(data.xs, 0, batchSize);
      const ys = tf.slice(data.ys, 0, batchSize);
      const profile = await tf.profile(() => {
        trainStep(model, xs, ys);
      });
      kernelMs = profile.kernels.reduce((sum, kernel) => sum + (kernel.kernelTimeMs as number), 0);
      if (options.compareFit) {
        const all = [tf.slice(data.xs, 0, batchSize * (warmup + steps)), tf.slice(data.ys, 0, batchSize * (warmup + steps))];
        await model.fit(all[0], all[1], { batchSize, epochs: 1, shuffle: false, verbose: 0 });
        const started = performance.now();
        await model.fit(all[0], all[1], { batchSize, epochs: 1, shuffle: false, verbose: 0 });
        fitStepMs = (performance.now() - started) / (warmup + steps);
        tf.dispose(all);
      }
      tf.dispose([xs, ys]);
    }
    const trainSeconds = stepTimes.reduce((a, b) => a + b, 0) / 1000;
    return {
      arch: arch.name,
      backend,
      workers: options.workers ?? 1,
      batchSize,
      trainSamples: steps * batchSize,
      trainSamplesPerSec: trainError ? null : (steps * batchSize) / trainSeconds,
      stepMs: trainError ? null : median(stepTimes),
      ...(trainError ? { trainError } : { kernelMs, fitStepMs }),
      inferBatchSize,
      inferSamplesPerSec: (inferBatchSize * 1000) / median(inferTimes),
      lastLoss: trainError ? null : lastLoss,
    };
  } finally {
    tf.dispose([data.xs, data.ys]);
    model.dispose();
  }
}

/**
 * Trains one epoch of `images` with `trainModel` in `workers` threads,
 * pushing each step's milliseconds after the warm-up (batch end to batch
 * end) onto `stepTimes`; returns the last batch's running loss.
 */
async function timeTrainModel(
  model: Parameters<typeof trainModel>[0],
  images: DigitSet,
  options: { batchSize: number; warmup: number; workers: number },
  stepTimes: number[],
): Promise<number> {
  let last = 0;
  let loss = NaN;
  await trainModel(model, images, {
    epochs: 1,
    batchSize: options.batchSize,
    workers: options.workers,
    progress: {
      onBatchEnd: (progress) => {
        const now = performance.now();
        if (progress.batch > options.warmup) stepTimes.push(now - last);
        last = now;
        loss = progress.loss;
      },
      onEpochEnd: () => undefined,
      onTrainEnd: () => undefined,
    },
  });
  return loss;
}
