/** The exercises of chapter 04, checked by `check('04.M', answer)` in the notebook. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { currentProfile } from '../base/profile';
import { SeededRandom } from '../base/random';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { evaluateModel } from '../train/train';
import { closeTo, describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber, WrongAnswer } from './exercise';

/** A student's number, or a scalar tensor read (and freed) as one. */
function numberOrScalar(value: unknown, what: string): number {
  if (value instanceof tf.Tensor) {
    const size = value.size;
    const first = size === 1 ? value.dataSync()[0] : NaN;
    value.dispose();
    expectThat(size === 1, `${what} should be one number (a scalar), not a tensor of shape [${value.shape.join(', ')}]`);
    return givenNumber(first, what);
  }
  return givenNumber(value, what);
}

/** Uniform numbers in [-1, 1) from a seeded generator, as float32. */
function seededValues(random: SeededRandom, count: number): Float32Array {
  return Float32Array.from({ length: count }, () => 2 * random.next() - 1);
}

/** A small MLP (inputs → 8 relu → 10 softmax) with seeded Glorot weights: the same every call. */
function tinyMlp(inputs: number): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [inputs], kernelInitializer: tfl.initializers.glorotUniform({ seed: 41 }) }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 42 }) }));
  return model;
}

/** The reference step: mean categorical cross-entropy, its gradients, the optimiser's update. */
function referenceStep(model: tfl.LayersModel, optimizer: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor): number {
  return tf.tidy(() => {
    const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tfl.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar, weights);
    optimizer.applyGradients(grads);
    return value.dataSync()[0];
  });
}

/** Largest absolute difference between two lists of weight values. */
function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let largest = 0;
  a.forEach((values, i) => values.forEach((value, j) => { largest = Math.max(largest, Math.abs(value - b[i][j])); }));
  return largest;
}

function weightValues(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => Float32Array.from(weight.dataSync()));
}

/** The Dense layers of a model, with their units and activation names. */
function denseLayers(model: tfl.LayersModel): { units: number; activation: string }[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dense')
    .map((layer) => {
      const config = layer.getConfig();
      return { units: Number(config.units), activation: String(config.activation) };
    });
}

function givenModel(answer: unknown): tfl.LayersModel {
  const model = given(answer);
  expectThat(model instanceof tfl.LayersModel, `the answer should be a model (from tf.sequential or tf.model), not ${describeValue(model)}`);
  return model;
}

/** Probabilities (softmax of seeded scores) and integer labels for a batch of `rows`. */
function probabilitiesAndLabels(seed: number, rows: number): { probabilities: tf.Tensor2D; labels: tf.Tensor1D; expected: number; sum: number; predicted: number; everyEntry: number } {
  const random = new SeededRandom(seed);
  const scores = seededValues(random, rows * 10).map((value) => 3 * value);
  const labels = Int32Array.from({ length: rows }, () => random.nextInt(10));
  const probabilities = tf.tidy(() => tf.softmax(tf.tensor2d(scores, [rows, 10])));
  const p = probabilities.dataSync();
  let expected = 0;
  let predicted = 0;
  let everyEntry = 0;
  for (let row = 0; row < rows; row++) {
    const slice = Array.from(p.subarray(row * 10, row * 10 + 10));
    expected -= Math.log(slice[labels[row]]) / rows;
    predicted -= Math.log(Math.max(...slice)) / rows;
    everyEntry -= slice.reduce((sum, value) => sum + Math.log(value), 0) / (rows * 10);
  }
  return { probabilities, labels: tf.tensor1d(labels, 'int32'), expected, sum: expected * rows, predicted, everyEntry };
}

export const CHAPTER_04_EXERCISES: ExerciseSet = {
  '04.1': {
    task: 'Count the parameters of the MLP 784-300-100-10 by hand',
    check(answer) {
      const count = givenNumber(answer, 'the number of parameters');
      const weightsOnly = 784 * 300 + 300 * 100 + 100 * 10;
      if (count === weightsOnly) throw new WrongAnswer('that counts the connections; every unit also has a parameter of its own');
      if (count === 784 * 300 + 300 + 300 * 100 + 100) throw new WrongAnswer('the output layer has parameters too');
      expectThat(count === weightsOnly + 300 + 100 + 10, 'for each dense layer: inputs × units + units, then add the layers up (there are three)');
    },
  },
  '04.2': {
    task: 'Give the Glorot-uniform limit of the weights of a dense layer from 256 to 128 units',
    check(answer) {
      const limit = givenNumber(answer, 'the limit');
      const right = Math.sqrt(6 / (256 + 128));
      if (closeTo(limit, Math.sqrt(6 / 256), 0.005) || closeTo(limit, Math.sqrt(6 / 128), 0.005)) {
        throw new WrongAnswer('Glorot looks at both sides of the layer: the inputs and the units');
      }
      if (closeTo(limit, Math.sqrt(2 / (256 + 128)), 0.005)) throw new WrongAnswer('that is the spread of the normal version; the uniform limit has a different constant');
      expectThat(limit > 0, 'the limit is the positive end of the range the weights are drawn from');
      // Measuring the largest weight of a built layer (about 33,000 draws) lands within 0.1% of the limit.
      expectThat(closeTo(limit, right, 0.005), 'look at the formula in section 3 again: which numbers go under the square root?');
    },
  },
  '04.3': {
    task: 'Build the MLP 784 → 128 (relu) → 64 (relu) → 10 (softmax) with tf.sequential and tf.layers.dense',
    check(answer) {
      const model = givenModel(answer);
      const inputs = model.inputs[0].shape.slice(1).reduce((product: number, size) => product * (size ?? 0), 1);
      expectThat(inputs === 784, `the model should take 784 numbers per image (inputShape: [784]), not ${inputs}`);
      const dense = denseLayers(model);
      expectThat(dense.length === 3, `the network has three dense layers (two hidden, one output), not ${dense.length}`);
      const units = dense.map((layer) => layer.units);
      expectThat(units[0] === 128 && units[1] === 64 && units[2] === 10, `the dense layers have ${units.join(', ')} units: compare with the task`);
      expectThat(dense[0].activation === 'relu' && dense[1].activation === 'relu', 'the hidden layers should use the relu activation');
      expectThat(dense[2].activation === 'softmax', 'the output layer should turn its ten scores into probabilities');
      expectThat(model.countParams() === 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, 'the layers are right but the parameter count is not: is a bias switched off?');
    },
  },
  '04.4': {
    task: 'Write sparse cross-entropy: the mean of −log of the probability of each label, from integer labels',
    check(answer) {
      const sparse = givenFunction(answer, 'sparseCrossEntropy') as (p: tf.Tensor2D, labels: tf.Tensor1D) => unknown;
      for (const [seed, rows] of [[1, 32], [2, 5]] as const) {
        const batch = probabilitiesAndLabels(seed, rows);
        let got: number;
        try {
          got = numberOrScalar(sparse(batch.probabilities, batch.labels), 'what sparseCrossEntropy returns');
        } finally {
          tf.dispose([batch.probabilities, batch.labels]);
        }
        if (closeTo(got, -batch.expected, 1e-4)) throw new WrongAnswer('the sign: the loss is −log p, a positive number');
        if (closeTo(got, batch.sum, 1e-4)) throw new WrongAnswer('that is a sum over the batch; the loss is the mean over its images');
        if (closeTo(got, batch.predicted, 1e-4)) throw new WrongAnswer('that uses the largest probability of each row; the loss uses the probability of the right digit');
        if (closeTo(got, batch.everyEntry, 1e-4)) throw new WrongAnswer('only one probability per image counts: the one at the label');
        expectThat(closeTo(got, batch.expected, 1e-4), 'compute it for a batch of two by hand and compare, step by step');
      }
    },
  },
  '04.5': {
    task: 'Write one step of plain SGD without an optimiser object: forward pass, mean cross-entropy, gradients, w ← w − η·g; return the loss',
    check(answer) {
      const step = givenFunction(answer, 'sgdStep') as (model: tfl.LayersModel, learningRate: number, xs: tf.Tensor2D, ys: tf.Tensor2D) => unknown;
      const inputs = 20;
      const rows = 16;
      const learningRate = 0.5;
      const random = new SeededRandom(4);
      const xs = tf.tensor2d(seededValues(random, rows * inputs), [rows, inputs]);
      const ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from({ length: rows }, () => random.nextInt(10)), 'int32'), 10), 'float32') as tf.Tensor2D);
      const theirs = tinyMlp(inputs);
      const ours = tinyMlp(inputs);
      const optimizer = tf.train.sgd(learningRate);
      try {
        const start = weightValues(theirs);
        const firstLoss = numberOrScalar(step(theirs, learningRate, xs, ys), 'what sgdStep returns');
        const expectedLoss = referenceStep(ours, optimizer, xs, ys);
        const afterOne = weightValues(theirs);
        const expected = weightValues(ours);
        expectThat(largestDifference(afterOne, start) > 0, 'the weights did not change: assign each weight its new value (variable.assign)');
        const change = (values: Float32Array[], sign: number) => values.map((layer, i) => layer.map((value, j) => sign * (value - start[i][j])));
        if (largestDifference(change(afterOne, 1), change(expected, -1)) < 1e-3 * largestDifference(expected, start)) {
          throw new WrongAnswer('the weights moved uphill: step against the gradient, to make the loss smaller');
        }
        expectThat(closeTo(firstLoss, expectedLoss, 1e-4), 'return the mean cross-entropy of the batch, computed in the forward pass (before the update)');
        expectThat(largestDifference(afterOne, expected) < 1e-5, 'the weights moved, but not by one step of −η times the gradient of the mean cross-entropy: check the loss and the learning rate');
        // A second step, counting tensors: whatever the step creates it must free.
        const before = tf.memory().numTensors;
        numberOrScalar(step(theirs, learningRate, xs, ys), 'what sgdStep returns');
        const leaked = tf.memory().numTensors - before;
        referenceStep(ours, optimizer, xs, ys);
        expectThat(largestDifference(weightValues(theirs), weightValues(ours)) < 1e-5, 'the first step was right, the second was not: does the step keep something between calls?');
        expectThat(leaked <= 0, `each step leaves ${leaked} tensor${leaked === 1 ? '' : 's'} behind: wrap the work in tf.tidy`);
      } finally {
        tf.dispose([xs, ys]);
        theirs.dispose();
        ours.dispose();
        optimizer.dispose();
      }
    },
  },
  '04.6': {
    task: 'Train an MLP with RMSprop for one epoch and return the trained model',
    async check(answer) {
      const model = givenModel(answer);
      const optimizer = model.optimizer;
      expectThat(optimizer !== undefined && optimizer !== null, 'the model is not compiled: give it an optimiser (buildMlp does, or model.compile)');
      expectThat(optimizer.getClassName() === 'RMSProp', `the model's optimiser is ${optimizer.getClassName()}, not RMSprop`);
      expectThat(model.outputs[0].shape[1] === 10, 'the model should end in 10 outputs, one per digit');
      const profile = currentProfile();
      const { test } = mnistForProfile(await loadMnist(), profile);
      // One epoch of RMSprop (seed 0) reached 73-78% on the quick profile's 2,000 images and 95-96% on 60,000.
      const bar = profile.name === 'full' ? 0.9 : 0.6;
      const { accuracy } = await evaluateModel(model, test, { inputLayout: 'flat' });
      expectThat(accuracy >= bar, `test accuracy ${(100 * accuracy).toFixed(1)}% is below ${100 * bar}%: has the model been trained on data.train for an epoch?`);
    },
  },
};
