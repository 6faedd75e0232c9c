/**
 * The shared memory between the main thread and the training workers of a
 * data-parallel run (parallel.ts starts them, train-worker.ts is one), and
 * what each slot of its control array means. One place, so that the two
 * sides cannot disagree.
 */
import type { InputLayout, PixelScaling } from '../data/tensors';

/** Control slots: the step counter the workers wait on, and the command it announces. */
export const GENERATION = 0;
export const COMMAND = 1;
/** Commands. */
export const STEP = 1;
export const STOP = 2;
/** Per worker k (1-based), four slots from `workerSlot(k)`: shard start, shard rows, the step it finished, rows it got right. */
const FIRST_WORKER_SLOT = 2;
const SLOTS_PER_WORKER = 4;
export const SHARD_START = 0;
export const SHARD_COUNT = 1;
export const DONE = 2;
export const CORRECT = 3;

/** Index of worker k's first control slot. */
export function workerSlot(k: number): number {
  return FIRST_WORKER_SLOT + (k - 1) * SLOTS_PER_WORKER;
}

/** Int32 slots of the control array for `workers` shards (the main thread's included). */
export function controlLength(workers: number): number {
  return workerSlot(workers);
}

/** What a training worker is started with (structured-cloned; SharedArrayBuffers are shared, not copied). */
export interface WorkerSetup {
  /** This worker's shard, 1..workers-1 (shard 0 is the main thread's). */
  readonly shard: number;
  readonly workers: number;
  /** tfjs backend to train on (as `tf.getBackend()` names it). */
  readonly backend: string;
  /** The model's topology (`model.toJSON(null, false)`), built afresh in the worker. */
  readonly topology: string;
  /** Shapes of the trainable weights, in the model's order (checked against the worker's own model). */
  readonly shapes: number[][];
  readonly layout: InputLayout;
  readonly scaling: PixelScaling;
  /** The training images and labels, shared once per run. */
  readonly images: { readonly pixels: SharedArrayBuffer; readonly labels: SharedArrayBuffer; readonly count: number; readonly rows: number; readonly cols: number };
  /** Int32 control slots (see above). */
  readonly control: SharedArrayBuffer;
  /** Float64 loss of each worker's shard (mean over its rows), index k. */
  readonly losses: SharedArrayBuffer;
  /** Int32 row numbers of the current batch, in order; worker k reads its shard's part. */
  readonly indices: SharedArrayBuffer;
  /** Float32 trainable weights, flat, in the model's order: written by the main thread before each step. */
  readonly weights: SharedArrayBuffer;
  /** Float32 gradients, one region of the weights' size per worker (region k - 1 for worker k). */
  readonly gradients: SharedArrayBuffer;
}

/** What a worker posts to the main thread. */
export type WorkerMessage = { readonly type: 'ready' } | { readonly type: 'failed'; readonly message: string };
