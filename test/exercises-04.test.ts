/**
 * The checks of chapter 04's exercises: an untouched starter is "not
 * attempted", a right answer passes, the usual wrong answers fail with a hint
 * that does not print the answer.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBestBackend } from '../lib/backend/select';
import { profileByName, PROFILE_ENV } from '../lib/base/profile';
import { loadMnist, mnistForProfile } from '../lib/data/mnist';
import { TODO } from '../lib/exercises/exercise';
import { hint, status } from './support/verdicts';
import { buildMlp } from '../lib/models/mlp';
import { trainModel } from '../lib/train/train';

beforeAll(async () => {
  await useBestBackend({ backend: 'wasm', log: null });
});

test('every chapter-04 starter reads as not attempted', async () => {
  for (const id of ['04.1', '04.2', '04.3', '04.4', '04.5', '04.6']) expect(await status(id, TODO)).toBe('not attempted');
});

test('04.1 counts biases and every layer', async () => {
  expect(await status('04.1', 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10)).toBe('passed');
  expect(await hint('04.1', 784 * 300 + 300 * 100 + 100 * 10)).toMatch(/parameter of its own/);
  expect(await hint('04.1', '266610')).toMatch(/finite number/);
});

test('04.2 accepts the limit, computed or measured from a built layer', async () => {
  expect(await status('04.2', Math.sqrt(6 / 384))).toBe('passed');
  const layer = tf.tidy(() => tf.max(tf.abs(tfl.initializers.glorotUniform({ seed: 3 }).apply([256, 128]))).dataSync()[0]);
  expect(await status('04.2', layer)).toBe('passed');
  expect(await hint('04.2', Math.sqrt(6 / 256))).toMatch(/both sides/);
  const message = await hint('04.2', 0.2);
  expect(message).not.toMatch(/0\.125/);
});

test('04.3 inspects the layers of the model', async () => {
  const right = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  expect(await status('04.3', right)).toBe('passed');
  const noSoftmax = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  expect(await hint('04.3', noSoftmax)).toMatch(/probabilities/);
  expect(await hint('04.3', buildMlp({ hidden: [128] }))).toMatch(/three dense layers/);
  expect(await hint('04.3', 'model')).toMatch(/should be a model/);
  tf.dispose([right, noSoftmax].flatMap((model) => model.getWeights()));
});

test('04.4 accepts sparse cross-entropy written in two ways and names the usual slips', async () => {
  const byGather = (p: tf.Tensor2D, labels: tf.Tensor1D) =>
    tf.tidy(() => tf.neg(tf.mean(tf.log(tf.gatherND(p, tf.stack([tf.range(0, labels.shape[0], 1, 'int32'), labels], 1))))).dataSync()[0]);
  const byOneHot = (p: tf.Tensor2D, labels: tf.Tensor1D) => tf.tidy(() => tf.mean(tfl.metrics.categoricalCrossentropy(tf.oneHot(labels, 10), p)));
  expect(await status('04.4', byGather)).toBe('passed');
  expect(await status('04.4', byOneHot)).toBe('passed');
  const summed = (p: tf.Tensor2D, labels: tf.Tensor1D) => tf.tidy(() => tf.sum(tfl.metrics.categoricalCrossentropy(tf.oneHot(labels, 10), p)).dataSync()[0]);
  expect(await hint('04.4', summed)).toMatch(/mean/);
  const largest = (p: tf.Tensor2D) => tf.tidy(() => tf.neg(tf.mean(tf.log(tf.max(p, 1)))).dataSync()[0]);
  expect(await hint('04.4', largest)).toMatch(/right digit/);
});

/** A right SGD step: the loss written out, each weight updated by hand. */
function rightStep(model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D): number {
  return tf.tidy(() => {
    const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      const p = model.apply(xs, { training: true }) as tf.Tensor;
      return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(p, 1e-7))), -1))) as tf.Scalar;
    }, weights);
    for (const weight of weights) weight.assign(tf.sub(weight, tf.mul(learningRate, grads[weight.name])));
    return value.dataSync()[0];
  });
}

test('04.5 compares one and two steps with a reference update and counts leaked tensors', async () => {
  expect(await status('04.5', rightStep)).toBe('passed');
  const withOptimizer = (model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) => {
    const optimizer = tf.train.sgd(learningRate);
    const loss = tf.tidy(() => optimizer.minimize(() => tf.mean(tfl.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar, true)!.dataSync()[0]);
    optimizer.dispose();
    return loss;
  };
  expect(await status('04.5', withOptimizer)).toBe('passed');
  const noUpdate = (model: tfl.LayersModel, _rate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) =>
    tf.tidy(() => tf.mean(tfl.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)).dataSync()[0]);
  expect(await hint('04.5', noUpdate)).toMatch(/did not change/);
  const uphill = (model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) => rightStep(model, -learningRate, xs, ys);
  expect(await hint('04.5', uphill)).toMatch(/uphill/);
  const leaky = (model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) => {
    const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tfl.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar, weights);
    for (const weight of weights) weight.assign(tf.sub(weight, tf.mul(learningRate, grads[weight.name])));
    return value.dataSync()[0];
  };
  expect(await hint('04.5', leaky)).toMatch(/tf\.tidy/);
  const summed = (model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) =>
    tf.tidy(() => tf.train.sgd(learningRate).minimize(() => tf.sum(tfl.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar, true)!.dataSync()[0]);
  expect(await hint('04.5', summed)).toMatch(/mean cross-entropy/);
});

test('04.6 wants an RMSprop model trained past the bar of the profile', async () => {
  const saved = process.env[PROFILE_ENV];
  process.env[PROFILE_ENV] = 'quick';
  try {
    const data = mnistForProfile(await loadMnist(), profileByName('quick'));
    const untrained = buildMlp({ hidden: [256, 128, 64], optimizer: 'rmsprop' });
    expect(await hint('04.6', untrained)).toMatch(/below 60%/);
    await trainModel(untrained, data.train, { epochs: 1, batchSize: 64 });
    expect(await status('04.6', untrained)).toBe('passed');
    const adam = buildMlp({ hidden: [100] });
    expect(await hint('04.6', adam)).toMatch(/Adam, not RMSprop/);
    untrained.dispose();
    adam.dispose();
  } finally {
    if (saved === undefined) delete process.env[PROFILE_ENV];
    else process.env[PROFILE_ENV] = saved;
  }
});
