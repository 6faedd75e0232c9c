/**
 * One training worker of a data-parallel run (started by parallel.ts, never
 * imported): its own TensorFlow.js backend with lib's training kernels and a
 * copy of the model built from its topology. The run's images stay bytes in
 * shared memory: each step the worker turns only its shard's rows into
 * tensors, with the same `toTensors` as the main thread (scaling is done
 * pixel by pixel, so the values are the ones the main thread's tensors hold,
 * and no worker keeps a float32 copy of the whole set: 188 MB for MNIST's
 * training images). It takes the weights the main thread wrote, computes the
 * gradients of its shard's mean loss and writes them back, then waits for the
 * next step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBestBackend, type BackendName } from '../backend/select';
import { type DigitSet, selectImages } from '../data/digit-set';
import { toTensors } from '../data/tensors';
import { outputClassesOf } from '../models/input-layout';
import { SeededDropout, type SeededDropoutArgs } from '../models/seeded-dropout';
import { COMMAND, CORRECT, DONE, GENERATION, SHARD_COUNT, SHARD_START, STOP, type WorkerMessage, type WorkerSetup, workerSlot } from './parallel-protocol';
import { copyTensorsInto, shardGradients } from './shard-step';

/**
 * A SeededDropout whose masks also depend on the shard: `${seed}/${call}/${shard}`.
 * Shard 0 (the main thread) keeps its own layers, so its masks are those of
 * a one-worker run; each worker draws other, still reproducible, masks.
 */
class ShardDropout extends SeededDropout {
  constructor(args: SeededDropoutArgs, private readonly shard: number) {
    super(args);
  }

  override maskSeed(call: number): string {
    return `${super.maskSeed(call)}/${this.shard}`;
  }
}

/**
 * Makes 'Dropout' in a model.json mean a ShardDropout in this worker (its
 * own module registry: the main thread's is untouched). A Dropout without a
 * seed stays the stock layer, as in the main thread.
 */
function registerShardDropout(shard: number): void {
  const stockDropout = tfl.layers.dropout({ rate: 0.5 }).constructor as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>;
  class DropoutForShard {
    static readonly className = 'Dropout';
    static fromConfig(_cls: unknown, config: tf.serialization.ConfigDict): tf.serialization.Serializable {
      if (config['seed'] == null) return (stockDropout as unknown as { fromConfig: (c: unknown, k: unknown) => tf.serialization.Serializable }).fromConfig(stockDropout, config);
      return new ShardDropout(config as unknown as SeededDropoutArgs, shard);
    }
  }
  tf.serialization.registerClass(DropoutForShard as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

async function main(setup: WorkerSetup): Promise<void> {
  const { shard } = setup;
  await useBestBackend({ backend: setup.backend as BackendName, log: null });
  registerShardDropout(shard);
  const model = await tfl.models.modelFromJSON(JSON.parse(setup.topology) as tf.io.ModelJSON['modelTopology'] as tf.serialization.ConfigDict);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const shapes = variables.map((variable) => variable.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(setup.shapes)) {
    throw new Error(`the model built from its topology has weights ${JSON.stringify(shapes)}, the main thread's ${JSON.stringify(setup.shapes)}`);
  }
  const classes = outputClassesOf(model);
  const { pixels, labels, count, rows, cols } = setup.images;
  const set: DigitSet = { images: new Uint8Array(pixels), labels: new Uint8Array(labels), count, rows, cols };
  const control = new Int32Array(setup.control);
  const losses = new Float64Array(setup.losses);
  const indices = new Int32Array(setup.indices);
  const total = variables.reduce((sum, variable) => sum + variable.size, 0);
  const weights = new Float32Array(setup.weights);
  const gradients = new Float32Array(setup.gradients, (shard - 1) * total * 4, total);
  const slot = workerSlot(shard);
  post({ type: 'ready' });

  let seen = 0;
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    if (Atomics.load(control, COMMAND) === STOP) break;
    const start = control[slot + SHARD_START];
    const rowsInShard = control[slot + SHARD_COUNT];
    if (rowsInShard > 0) {
      // Take the main thread's weights, then the shard's rows as tensors.
      let offset = 0;
      for (const variable of variables) {
        const fresh = tf.tensor(weights.subarray(offset, offset + variable.size), variable.shape, 'float32');
        variable.assign(fresh);
        fresh.dispose();
        offset += variable.size;
      }
      const shardRows = toTensors(selectImages(set, indices.subarray(start, start + rowsInShard)), { layout: setup.layout, scaling: setup.scaling, classes });
      const result = shardGradients(model, shardRows.xs, shardRows.ys);
      copyTensorsInto(gradients, result.gradients);
      tf.dispose([shardRows.xs, shardRows.ys, ...result.gradients]);
      losses[shard] = result.loss;
      control[slot + CORRECT] = result.correct;
    }
    Atomics.store(control, slot + DONE, seen);
    Atomics.notify(control, slot + DONE);
  }
  model.dispose();
}

main(workerData as WorkerSetup).catch((error: unknown) => {
  post({ type: 'failed', message: (error as Error)?.message ?? String(error) });
  process.exitCode = 1;
  // Wake the main thread at once if it is waiting for this worker's step.
  const setup = workerData as WorkerSetup;
  const control = new Int32Array(setup.control);
  Atomics.store(control, workerSlot(setup.shard) + DONE, -1);
  Atomics.notify(control, workerSlot(setup.shard) + DONE);
});
