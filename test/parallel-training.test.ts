/**
 * Data-parallel training (lib/train/parallel.ts, train-worker.ts) on real
 * MNIST images and the wasm backend: two runs with the same seed and two
 * workers give the same weights, one worker is the main-thread loop of
 * before bit for bit, dropout in the workers keeps a CNN as accurate, no
 * tensor is left behind, a worker that dies or fails ends training with a
 * clear error, and a script that trains in threads exits by itself (from
 * the TypeScript sources and from lib's compiled JavaScript).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type DigitSet, firstImages } from '../lib/data/digit-set';
import { toTensors } from '../lib/data/tensors';
import { SeededRandom } from '../lib/base/random';
import { CNN_SIMPLE, MLP_256_128_64 } from '../lib/models/architectures';
import { parallelTrainingHooks } from '../lib/train/parallel';
import { evaluateModel, trainModel, trainStep } from '../lib/train/train';
import type { TrainingProgress } from '../lib/types/training';
import { outcomeOf, spawnTsScript } from './support/ts-child';
import { wasmWithSmallMnist, weightValues } from './support/wasm-subsets';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

let train: DigitSet;
let testSet: DigitSet;

beforeAll(async () => {
  ({ train, test: testSet } = await wasmWithSmallMnist());
});

afterEach(() => {
  parallelTrainingHooks.onWorkersStarted = undefined;
});

/** Progress that only calls `action` after each batch. */
function onBatch(action: (batch: number) => void): TrainingProgress {
  return { onBatchEnd: (p) => action(p.batch), onEpochEnd: () => undefined, onTrainEnd: () => undefined };
}

test('two runs with the same seed and two workers give identical weights (a CNN with dropout)', async () => {
  const subset = firstImages(train, 384);
  const weights: Float32Array[] = [];
  const histories: unknown[] = [];
  for (let i = 0; i < 2; i++) {
    const model = CNN_SIMPLE.build({ seed: 5 });
    const result = await trainModel(model, subset, { epochs: 2, batchSize: 64, seed: 9, workers: 2 });
    expect(result.workers).toBe(2);
    weights.push(weightValues(model));
    histories.push(result.history.map((r) => [r.loss, r.accuracy]));
    model.dispose();
  }
  expect(weights[1]).toEqual(weights[0]);
  expect(histories[1]).toEqual(histories[0]);
  // And the second shard really trained: one worker ends elsewhere.
  const single = CNN_SIMPLE.build({ seed: 5 });
  await trainModel(single, subset, { epochs: 2, batchSize: 64, seed: 9, workers: 1 });
  expect(weightValues(single)).not.toEqual(weights[0]);
  single.dispose();
});

test('one worker is exactly the main-thread loop of before (seeded order, gather, trainStep)', async () => {
  const subset = firstImages(train, 300);
  const model = MLP_256_128_64.build({ seed: 2 });
  const result = await trainModel(model, subset, { epochs: 2, batchSize: 64, seed: 4, workers: 1 });
  expect(result.workers).toBe(1);

  // The loop trainModel ran before data-parallel training existed.
  const reference = MLP_256_128_64.build({ seed: 2 });
  const random = new SeededRandom(4);
  const all = toTensors(subset, { layout: 'flat' });
  for (let epoch = 0; epoch < 2; epoch++) {
    const order = Int32Array.from(random.permutation(subset.count));
    for (let start = 0; start < subset.count; start += 64) {
      const indices = tf.tensor1d(order.subarray(start, start + 64), 'int32');
      const xs = tf.gather(all.xs, indices);
      const ys = tf.gather(all.ys, indices);
      trainStep(reference, xs, ys);
      tf.dispose([indices, xs, ys]);
    }
  }
  tf.dispose([all.xs, all.ys]);
  expect(weightValues(model)).toEqual(weightValues(reference));
  model.dispose();
  reference.dispose();
});

test('a CNN with dropout trained with two workers is as accurate as with one (subset)', async () => {
  const accuracies: number[] = [];
  for (const workers of [1, 2]) {
    const model = CNN_SIMPLE.build({ seed: 1 });
    await trainModel(model, train, { epochs: 2, batchSize: 32, seed: 1, workers });
    accuracies.push((await evaluateModel(model, testSet)).accuracy);
    model.dispose();
  }
  // 1,000 images, 2 epochs: about 0.85-0.9 test accuracy; the two runs differ by dropout masks and rounding only.
  expect(accuracies[0]).toBeGreaterThan(0.75);
  expect(accuracies[1]).toBeGreaterThan(0.75);
  expect(Math.abs(accuracies[1] - accuracies[0])).toBeLessThan(0.05);
});

test('tf.memory().numTensors is the same after every epoch with two workers, and batch progress covers the whole batch', async () => {
  const model = MLP_256_128_64.build({ seed: 3 });
  const counts: number[] = [];
  const seenRows: number[] = [];
  const progress: TrainingProgress = {
    onBatchEnd: (p) => seenRows.push(p.batch),
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
    onTrainEnd: () => undefined,
  };
  const result = await trainModel(model, firstImages(train, 200), { epochs: 4, batchSize: 64, workers: 2, validation: testSet, progress });
  expect(counts).toHaveLength(4);
  expect(new Set(counts).size).toBe(1);
  expect(seenRows).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
  for (const record of result.history) {
    expect(record.accuracy * 200).toBeCloseTo(Math.round(record.accuracy * 200), 6);
    expect(Number.isFinite(record.valLoss)).toBe(true);
  }
  model.dispose();
});

test('a worker terminated mid-training ends training with an error naming it, and the other workers are stopped', async () => {
  let workers: readonly import('node:worker_threads').Worker[] = [];
  const exited: number[] = [];
  parallelTrainingHooks.onWorkersStarted = (started) => {
    workers = started;
    started.forEach((worker, i) => worker.on('exit', () => exited.push(i + 1)));
  };
  const model = MLP_256_128_64.build({ seed: 1 });
  const progress = onBatch((batch) => {
    if (batch === 3) void workers[0].terminate();
  });
  const before = tf.memory().numTensors;
  await expect(trainModel(model, train, { epochs: 3, batchSize: 64, workers: 3, progress })).rejects.toThrow(
    'training worker 1 of 2 stopped during training (exit code 1)',
  );
  expect(exited.sort()).toEqual([1, 2]);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});

/** A layer the main thread knows and a worker's registry does not. */
class Doubling extends tfl.layers.Layer {
  static readonly className = 'DoublingForParallelTest';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2);
  }
}
tf.serialization.registerClass(Doubling);

test('a worker that fails to build the model ends training with its reason', async () => {
  const input = tfl.input({ shape: [784] });
  const hidden = new Doubling({}).apply(tfl.layers.dense({ units: 16, activation: 'relu' }).apply(input)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(hidden) as tfl.SymbolicTensor });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await expect(trainModel(model, firstImages(train, 128), { epochs: 1, batchSize: 32, workers: 2 })).rejects.toThrow(
    /training worker 1 of 1 failed: .*DoublingForParallelTest/,
  );
  model.dispose();
});

test('workers must be a whole number of at least 1', async () => {
  const model = MLP_256_128_64.build({ seed: 1 });
  await expect(trainModel(model, firstImages(train, 64), { epochs: 1, batchSize: 32, workers: 0 })).rejects.toThrow('workers 0 is not a whole number');
  model.dispose();
});

/** A script that trains with two workers and prints its result; it must end on its own. */
const TRAINING_SCRIPT = (lib: string) => `
const { useBestBackend, loadMnist, firstImages, trainModel, MLP_256_128_64 } = require(${JSON.stringify(lib)});
(async () => {
  await useBestBackend({ backend: 'wasm', log: null });
  const { train } = await loadMnist();
  const model = MLP_256_128_64.build({ seed: 1 });
  const result = await trainModel(model, firstImages(train, 256), { epochs: 1, batchSize: 64, workers: 2 });
  console.log(JSON.stringify({ workers: result.workers, loss: result.history[0].loss }));
})();
`;

test('a script that trains with two workers from the TypeScript sources exits by itself', async () => {
  const outcome = await outcomeOf(spawnTsScript(TRAINING_SCRIPT('./lib/index.ts')));
  expect(outcome).toMatchObject({ code: 0, signal: null });
  expect(JSON.parse(outcome.stdout.trim())).toMatchObject({ workers: 2, loss: expect.any(Number) });
});

test('a script that trains with two workers from the compiled lib (lib/dist) exits by itself', async () => {
  const { stdout } = await run(process.execPath, ['-e', TRAINING_SCRIPT(path.join(ROOT, 'lib', 'dist', 'index.js'))], { cwd: ROOT, timeout: 60000 });
  expect(JSON.parse(stdout.trim())).toMatchObject({ workers: 2, loss: expect.any(Number) });
});
