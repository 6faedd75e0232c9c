/**
 * The training loop on real MNIST images and the wasm backend the series
 * trains on: seeded runs repeat exactly, no tensor is left behind, the best
 * epoch's weights are kept, validation splits, and live progress output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DigitSet, firstImages, selectImages } from '../lib/data/digit-set';
import { CNN_SIMPLE, MLP_256_128_64 } from '../lib/models/architectures';
import { buildMlp } from '../lib/models/mlp';
import { notebookProgress } from '../lib/present/notebook-progress';
import type { MimeBundle, NotebookDisplay } from '../lib/present/display';
import { trainArchitecture } from '../lib/train/experiment';
import { trainModel } from '../lib/train/train';
import type { EpochRecord, TrainingProgress } from '../lib/types/training';
import { profileByName } from '../lib/base/profile';
import { expectWellFormed } from './support/svg-checks';
import { wasmWithSmallMnist, weightValues } from './support/wasm-subsets';

/** A progress receiver that only calls `action` after every epoch. */
function onEpochEnd(action: () => void): TrainingProgress {
  return { onBatchEnd: () => undefined, onEpochEnd: action, onTrainEnd: () => undefined };
}

let train: DigitSet;
let testSet: DigitSet;

beforeAll(async () => {
  ({ train, test: testSet } = await wasmWithSmallMnist());
});

async function trainedWeights(seed: number): Promise<Float32Array> {
  const model = CNN_SIMPLE.build({ seed });
  try {
    await trainModel(model, firstImages(train, 400), { epochs: 2, batchSize: 100, inputLayout: 'image', seed });
    return weightValues(model);
  } finally {
    model.dispose();
  }
}

test('the same seed on the same backend gives identical weights after training (CNN with dropout)', async () => {
  const first = await trainedWeights(7);
  const second = await trainedWeights(7);
  const other = await trainedWeights(8);
  expect(tf.getBackend()).toBe('wasm');
  expect(first.length).toBe(CNN_SIMPLE.build().countParams());
  expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(true);
  expect(Buffer.from(other.buffer).equals(Buffer.from(first.buffer))).toBe(false);
}, 60_000);

test('training leaks no tensors: the count is the same after every epoch and back to the start after dispose', async () => {
  const before = tf.memory().numTensors;
  const model = CNN_SIMPLE.build({ seed: 1 });
  const counts: number[] = [];
  await trainModel(model, train, {
    epochs: 4, batchSize: 200, inputLayout: 'image', validation: testSet, restoreBestWeights: true,
    progress: onEpochEnd(() => counts.push(tf.memory().numTensors)),
  });
  expect(counts).toHaveLength(4);
  expect(new Set(counts).size).toBe(1);
  model.optimizer.dispose();
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 60_000);

test('restoreBestWeights leaves the model with the weights of the epoch with the best validation accuracy', async () => {
  // A learning rate far too high makes validation accuracy jump around, so the best epoch is not the last.
  const model = buildMlp({ hidden: [32], optimizer: 'sgd', learningRate: 2, seed: 3 });
  const snapshots: Float32Array[] = [];
  const result = await trainModel(model, train, {
    epochs: 6, batchSize: 50, inputLayout: 'flat', validation: testSet, restoreBestWeights: true, seed: 3,
    progress: onEpochEnd(() => snapshots.push(weightValues(model))),
  });
  const accuracies = result.history.map((r) => r.valAccuracy!);
  const best = accuracies.indexOf(Math.max(...accuracies)) + 1;
  expect(best).toBeLessThan(6);
  expect(result.keptEpoch).toBe(best);
  expect(Array.from(weightValues(model))).toEqual(Array.from(snapshots[best - 1]));
  expect(Array.from(weightValues(model))).not.toEqual(Array.from(snapshots[5]));
  model.dispose();
}, 60_000);

test('validationSplit holds out a stratified share of the images, drawn with the seed', async () => {
  const model = MLP_256_128_64.build({ seed: 0 });
  const result = await trainModel(model, train, { epochs: 1, batchSize: 100, inputLayout: 'flat', validationSplit: 0.2 });
  expect(result.trainImages + result.validationImages).toBe(1000);
  expect(result.validationImages).toBeGreaterThanOrEqual(195);
  expect(result.validationImages).toBeLessThanOrEqual(205);
  expect(result.history[0].valAccuracy).toBeGreaterThan(0.3);
  await expect(trainModel(model, train, { epochs: 1, batchSize: 100, inputLayout: 'flat', validationSplit: 0.2, validation: testSet }))
    .rejects.toThrow('either validation or validationSplit');
  await expect(trainModel(model, train, { epochs: 1, batchSize: 100, inputLayout: 'flat', restoreBestWeights: true }))
    .rejects.toThrow('restoreBestWeights needs validation');
  model.dispose();
}, 60_000);

test('trainArchitecture trains, scores on the test set and fills a results record', async () => {
  const run = await trainArchitecture(MLP_256_128_64, { train, test: testSet }, { profile: profileByName('quick') });
  try {
    expect(run.result).toMatchObject({
      name: 'mlp-256-128-64', parameters: 784 * 256 + 256 + 256 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10,
      epochs: 1, keptEpoch: 1, batchSize: 64, backend: 'wasm', profile: 'quick', seed: 0,
    });
    // A stratified 10% split: each class rounds its own share.
    expect(run.result.trainImages + run.result.validationImages!).toBe(1000);
    expect(Math.abs(run.result.validationImages! - 100)).toBeLessThanOrEqual(5);
    expect(run.result.testAccuracy).toBeCloseTo(run.test.accuracy, 4);
    expect(run.result.testAccuracy).toBeGreaterThan(0.5);
  } finally {
    run.model.dispose();
  }
}, 60_000);

test('notebook progress redraws one output: the bar while training, the curves after each epoch, a summary at the end, with a PNG once an epoch ends', async () => {
  const bundles: MimeBundle[] = [];
  const display: NotebookDisplay = { show: (bundle) => bundles.push(bundle) };
  const progress = notebookProgress(display, 'demo');
  const model = buildMlp({ hidden: [16], seed: 0 });
  const result = await trainModel(model, selectImages(train, Array.from({ length: 300 }, (_, i) => i)), {
    epochs: 2, batchSize: 30, inputLayout: 'flat', validation: testSet, progress,
  });
  model.dispose();
  // Only pictures: SVG always, PNG (with its title as text) after each epoch and at the end, never HTML or Markdown.
  for (const bundle of bundles) expect(Object.keys(bundle).filter((type) => !['image/svg+xml', 'image/png', 'text/plain'].includes(type))).toEqual([]);
  const drawn = bundles.map((bundle) => bundle['image/svg+xml']);
  const final = bundles[bundles.length - 1];
  expect(Buffer.from(final['image/png'], 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(bundles.filter((bundle) => bundle['image/png'] !== undefined)).toHaveLength(3); // two epochs and the end
  expect(drawn.length).toBeGreaterThanOrEqual(3);
  for (const svg of drawn) expectWellFormed(svg);
  const last = drawn[drawn.length - 1];
  expect(last).toContain('demo: 2 epochs in');
  expect(last).toContain('Loss');
  expect(last).toContain('Accuracy (%)');
  expect(last).toContain('validation');
  const epochTwo: EpochRecord = result.history[1];
  expect(drawn.some((svg) => svg.includes(`epoch 2/2 loss ${epochTwo.loss.toFixed(4)}`))).toBe(true);
}, 60_000);
