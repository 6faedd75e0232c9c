/**
 * Evaluation: confusion matrices and per-class metrics checked against
 * hand-computed values, mistakes in order, batched predictions on a small
 * real model, and the figures notebooks show.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type DigitSet, firstImages } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { toTensors } from '../lib/data/tensors';
import { classMetrics, confusionMatrix, misclassified, mostConfusedPairs, normaliseRows } from '../lib/evaluation/metrics';
import { predictedLabels, predictProbabilities } from '../lib/evaluation/predict';
import { classMetricsTable, confusionMatrixFigure, metricsTableRows, mistakesFigure, probabilityBarFigure, probabilityLabel } from '../lib/evaluation/report';
import { confidenceByOutcome, topProbabilities } from '../lib/evaluation/confidence';
import { confidenceFigure } from '../lib/evaluation/confidence-figure';
import { buildCnn } from '../lib/models/cnn';
import { buildMlp } from '../lib/models/mlp';
import { evaluateModel, trainModel } from '../lib/train/train';
import { expectWellFormed, texts } from './support/svg-checks';

// Ten examples of three classes, shuffled:
//   class 0 (4 images): 3 right, 1 taken for a 2
//   class 1 (3 images): 3 right
//   class 2 (3 images): 1 right, 2 taken for a 0
const ACTUAL = [1, 0, 2, 0, 1, 2, 0, 2, 1, 0];
const PREDICTED = [1, 0, 0, 2, 1, 2, 0, 0, 1, 0];
// Rows true class, columns predicted:
const MATRIX = [
  [3, 0, 1],
  [0, 3, 0],
  [2, 0, 1],
];

test('confusionMatrix counts true classes as rows and predictions as columns', () => {
  expect(confusionMatrix(ACTUAL, PREDICTED, 3)).toEqual(MATRIX);
  expect(confusionMatrix(Uint8Array.from(ACTUAL), Uint8Array.from(PREDICTED), 4)).toEqual([
    [3, 0, 1, 0],
    [0, 3, 0, 0],
    [2, 0, 1, 0],
    [0, 0, 0, 0],
  ]);
  expect(confusionMatrix([], [], 2)).toEqual([[0, 0], [0, 0]]);
  expect(() => confusionMatrix([0, 1], [0], 3)).toThrow('2 actual labels but 1 predicted labels');
  expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow('actual label 3 at index 1 is not a class 0..2');
  expect(() => confusionMatrix([0, 1], [0, -1], 3)).toThrow('predicted label -1 at index 1 is not a class 0..2');
  expect(() => confusionMatrix([0.5], [0], 3)).toThrow('actual label 0.5 at index 0');
  expect(() => confusionMatrix([0], [0], 0)).toThrow('number of classes');
});

test('normaliseRows divides each row by its sum; an empty row stays zeros', () => {
  // Row sums 4, 3 and 0.
  expect(normaliseRows([[3, 0, 1], [0, 3, 0], [0, 0, 0]])).toEqual([
    [0.75, 0, 0.25],
    [0, 1, 0],
    [0, 0, 0],
  ]);
});

test('classMetrics: hand-computed precision, recall, F1, averages and accuracy', () => {
  const metrics = classMetrics(MATRIX);
  // Column sums (predictions per class): 5, 3, 2. Row sums (support): 4, 3, 3. Total 10.
  // class 0: TP 3, FP 2 (the two 2s), FN 1, TN 10 - 3 - 2 - 1 = 4
  //   precision 3/5 = 0.6, recall 3/4 = 0.75, F1 2 * 0.6 * 0.75 / 1.35 = 2/3
  // class 1: TP 3, FP 0, FN 0, TN 7: precision 1, recall 1, F1 1
  // class 2: TP 1, FP 1, FN 2, TN 6
  //   precision 1/2, recall 1/3, F1 2 * (1/6) / (5/6) = 2/5
  const expected = [
    { digit: 0, support: 4, truePositives: 3, falsePositives: 2, falseNegatives: 1, trueNegatives: 4, precision: 0.6, recall: 0.75, f1: 2 / 3 },
    { digit: 1, support: 3, truePositives: 3, falsePositives: 0, falseNegatives: 0, trueNegatives: 7, precision: 1, recall: 1, f1: 1 },
    { digit: 2, support: 3, truePositives: 1, falsePositives: 1, falseNegatives: 2, trueNegatives: 6, precision: 0.5, recall: 1 / 3, f1: 0.4 },
  ];
  metrics.perClass.forEach((m, c) => {
    const { precision, recall, f1, ...counts } = expected[c];
    expect(m).toMatchObject(counts);
    expect(m.precision).toBeCloseTo(precision, 12);
    expect(m.recall).toBeCloseTo(recall, 12);
    expect(m.f1).toBeCloseTo(f1, 12);
    // Every image is exactly one of TP, FP, FN, TN for each class.
    expect(m.truePositives + m.falsePositives + m.falseNegatives + m.trueNegatives).toBe(10);
  });
  expect(metrics.total).toBe(10);
  // Diagonal 3 + 3 + 1 = 7 of 10.
  expect(metrics.accuracy).toBeCloseTo(0.7, 12);
  // Macro: (0.6 + 1 + 0.5) / 3 = 0.7; (0.75 + 1 + 1/3) / 3 = 25/36; (2/3 + 1 + 2/5) / 3 = 31/45.
  expect(metrics.macro.precision).toBeCloseTo(0.7, 12);
  expect(metrics.macro.recall).toBeCloseTo(25 / 36, 12);
  expect(metrics.macro.f1).toBeCloseTo(31 / 45, 12);
  // Weighted by support 4, 3, 3:
  //   precision (4 * 0.6 + 3 * 1 + 3 * 0.5) / 10 = 6.9 / 10 = 0.69
  //   recall    (4 * 0.75 + 3 * 1 + 3 * 1/3) / 10 = 7 / 10 = accuracy
  //   F1        (4 * 2/3 + 3 * 1 + 3 * 2/5) / 10 = (40/15 + 45/15 + 18/15) / 10 = 103/150
  expect(metrics.weighted.precision).toBeCloseTo(0.69, 12);
  expect(metrics.weighted.recall).toBeCloseTo(metrics.accuracy, 12);
  expect(metrics.weighted.f1).toBeCloseTo(103 / 150, 12);
});

test('classMetrics: a class that never occurs is left out of the macro average; one never predicted scores 0', () => {
  // A fourth class with no images and no predictions: all zeros, averages as before.
  const four = classMetrics(confusionMatrix(ACTUAL, PREDICTED, 4));
  const three = classMetrics(MATRIX);
  expect(four.perClass[3]).toEqual({ digit: 3, support: 0, truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 10, precision: 0, recall: 0, f1: 0 });
  expect(four.macro).toEqual(three.macro);
  expect(four.weighted).toEqual(three.weighted);
  expect(four.accuracy).toBe(three.accuracy);

  // Class 2 has images but is never predicted; class 1 is predicted but has no images.
  //   [[2, 1, 0],      class 0: P 2/3 (column 2 + 0 + 1), R 2/3, F1 2/3
  //    [0, 0, 0],      class 1: P 0/1 = 0, R 0 (no images), F1 0
  //    [1, 0, 0]]      class 2: P 0 (never predicted), R 0/1 = 0, F1 0
  const skewed = classMetrics([[2, 1, 0], [0, 0, 0], [1, 0, 0]]);
  expect(skewed.perClass.map((m) => [m.precision, m.recall, m.f1])).toEqual([[2 / 3, 2 / 3, 2 / 3], [0, 0, 0], [0, 0, 0]]);
  // Both occur (as a prediction or as a true class), so both count: macro precision (2/3 + 0 + 0) / 3.
  expect(skewed.macro.precision).toBeCloseTo(2 / 9, 12);
  // Weighted by support 3, 0, 1: (3 * 2/3 + 0 + 0) / 4 = 0.5, and accuracy 2/4.
  expect(skewed.weighted.recall).toBeCloseTo(0.5, 12);
  expect(skewed.accuracy).toBe(0.5);

  // No images at all: everything 0 rather than NaN.
  const empty = classMetrics([[0, 0], [0, 0]]);
  expect(empty.accuracy).toBe(0);
  expect(empty.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
  expect(() => classMetrics([[1, 2]])).toThrow('row 0 has 2 values, expected 1');
  expect(() => classMetrics([])).toThrow('empty');
  expect(() => classMetrics([[-1]])).toThrow('not a count');
});

test('mostConfusedPairs: off-diagonal cells, largest first, ties by actual then predicted class', () => {
  // MATRIX: 2 → 0 twice (2 of class 2's 3 images), 0 → 2 once (1 of 4).
  expect(mostConfusedPairs(MATRIX)).toEqual([
    { actual: 2, predicted: 0, count: 2, shareOfActual: 2 / 3 },
    { actual: 0, predicted: 2, count: 1, shareOfActual: 0.25 },
  ]);
  const ties = [
    [5, 1, 3],
    [3, 5, 1],
    [0, 3, 5],
  ];
  const order = mostConfusedPairs(ties).map(({ actual, predicted, count }) => [actual, predicted, count]);
  expect(order).toEqual([[0, 2, 3], [1, 0, 3], [2, 1, 3], [0, 1, 1], [1, 2, 1]]);
  expect(mostConfusedPairs(ties, 2)).toHaveLength(2);
  expect(mostConfusedPairs([[4, 0], [0, 4]])).toEqual([]);
});

test('misclassified: wrong predictions only, most confident first, with their probabilities', () => {
  const labels = [0, 1, 2, 1, 2];
  const probabilities = [
    [0.7, 0.2, 0.1], // 0: right
    [0.6, 0.3, 0.1], // 1: predicted 0 with 0.6, true class 0.3
    [0.1, 0.85, 0.05], // 2: predicted 1 with 0.85, true class 0.05
    [0.2, 0.4, 0.4], // 3: tie between 1 and 2 goes to 1: right
    [0.45, 0.1, 0.45], // 4: tie between 0 and 2 goes to 0: wrong with 0.45
  ].flat();
  const mistakes = misclassified({ labels: Uint8Array.from(labels) }, probabilities, 3);
  expect(mistakes).toEqual([
    { index: 2, actual: 2, predicted: 1, confidence: 0.85, probabilityOfActual: 0.05, probabilities: [0.1, 0.85, 0.05] },
    { index: 1, actual: 1, predicted: 0, confidence: 0.6, probabilityOfActual: 0.3, probabilities: [0.6, 0.3, 0.1] },
    { index: 4, actual: 2, predicted: 0, confidence: 0.45, probabilityOfActual: 0.45, probabilities: [0.45, 0.1, 0.45] },
  ]);
  expect(misclassified(labels, probabilities, 3)).toEqual(mistakes);
  expect(Array.from(predictedLabels(probabilities, 3))).toEqual([0, 0, 1, 1, 0]);
  expect(() => misclassified(labels.slice(1), probabilities, 3)).toThrow('4 labels but probabilities for 5 images');
  expect(() => predictedLabels([0.5, 0.5, 0], 2)).toThrow('3 probabilities do not make rows of 2 classes');
});

test('metrics table: one row per digit, then the averages and accuracy, in percent', () => {
  const { header, rows } = metricsTableRows(classMetrics(MATRIX));
  expect(header).toEqual(['digit', 'support', 'precision', 'recall', 'F1']);
  expect(rows).toHaveLength(6);
  const table = classMetricsTable(classMetrics(MATRIX));
  expect(table).toContain('| 0 | 4 | 60.00% | 75.00% | 66.67% |');
  expect(table).toContain('| 2 | 3 | 50.00% | 33.33% | 40.00% |');
  expect(table).toContain('| macro average | 10 | 70.00% | 69.44% | 68.89% |');
  expect(table).toContain('| weighted average | 10 | 69.00% | 70.00% | 68.67% |');
  expect(table).toContain('| accuracy | 10 | 70.00% | 70.00% | 70.00% |');
  expect(table.split('\n')[1]).toBe('| --- | ---: | ---: | ---: | ---: |');
});

describe('on a small real model', () => {
  let images: DigitSet;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    images = firstImages((await loadMnist()).test, 50);
  });

  test('predictProbabilities matches model.predict and evaluateModel, leaving no tensor behind', async () => {
    const model = buildMlp({ hidden: [8], seed: 3 });
    try {
      await trainModel(model, images, { epochs: 3, batchSize: 10, inputLayout: 'flat' });
      const before = tf.memory().numTensors;
      const batched = await predictProbabilities(model, images, { batchSize: 16 }); // 16 + 16 + 16 + 2
      const whole = await predictProbabilities(model, images, { inputLayout: 'flat' });
      expect(tf.memory().numTensors).toBe(before);

      expect(batched).toBeInstanceOf(Float32Array);
      expect(batched).toHaveLength(50 * 10);
      const direct = tf.tidy(() => {
        const { xs, ys } = toTensors(images, { layout: 'flat' });
        ys.dispose();
        return (model.predict(xs) as tf.Tensor).dataSync();
      });
      expect(tf.memory().numTensors).toBe(before);
      for (let i = 0; i < direct.length; i++) {
        expect(batched[i]).toBeCloseTo(direct[i], 5);
        expect(whole[i]).toBeCloseTo(direct[i], 5);
      }
      for (let row = 0; row < 50; row++) expect(batched.subarray(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

      const predicted = predictedLabels(batched);
      const argMax = tf.tidy(() => tf.argMax(tf.tensor2d(batched, [50, 10]), 1).dataSync());
      expect(Array.from(predicted)).toEqual(Array.from(argMax));
      const metrics = classMetrics(confusionMatrix(images.labels, predicted));
      const evaluation = await evaluateModel(model, images);
      expect(metrics.total).toBe(50);
      expect(metrics.accuracy).toBeCloseTo(evaluation.accuracy, 10);
      expect(misclassified(images, batched)).toHaveLength(50 - Math.round(50 * metrics.accuracy));
      expect(await predictProbabilities(model, firstImages(images, 0))).toHaveLength(0);
      await expect(predictProbabilities(model, images, { batchSize: 0 })).rejects.toThrow('batch size');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });

  test('predictProbabilities feeds a CNN images in the image layout', async () => {
    const model = buildCnn('tiny_cnn', [{ conv: 2, kernel: 3 }, { pool: 4 }], { seed: 1 });
    try {
      const before = tf.memory().numTensors;
      const batched = await predictProbabilities(model, images, { batchSize: 20 }); // 20 + 20 + 10
      expect(tf.memory().numTensors).toBe(before);
      const direct = tf.tidy(() => (model.predict(toTensors(images, { layout: 'image' }).xs) as tf.Tensor).dataSync());
      expect(batched).toHaveLength(direct.length);
      for (let i = 0; i < direct.length; i++) expect(batched[i]).toBeCloseTo(direct[i], 5);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });

  test('figures: confusion matrix heatmap, mistakes grid and probability bars', async () => {
    const labels = Array.from(images.labels);
    const predicted = labels.map((label, i) => (i % 7 === 3 ? (label + 1) % 10 : label)); // every 7th image wrong
    const matrix = confusionMatrix(labels, predicted);

    const counts = await confusionMatrixFigure(matrix);
    expectWellFormed(counts.svg);
    expect(counts.title).toBe('Confusion matrix');
    expect(texts(counts.svg)).toEqual(expect.arrayContaining(['Confusion matrix', 'predicted digit', 'true digit']));
    expect(counts.svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(100);
    expect(counts.svg.match(/aria-roledescription="text mark"/g)).toHaveLength(100);

    const shares = await confusionMatrixFigure(matrix, { normalised: true, title: 'Shares' });
    expectWellFormed(shares.svg);
    expect(texts(shares.svg)).toEqual(expect.arrayContaining(['Shares', 'predicted digit', 'true digit', '100.0', '0.0']));
    expect(shares.svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(100);

    const oneHotish = labels.flatMap((_, i) => Array.from({ length: 10 }, (_, c) => (c === predicted[i] ? 0.9 : 0.1 / 9)));
    const mistakes = misclassified(images, oneHotish);
    expect(mistakes.map((m) => m.index)).toEqual([3, 10, 17, 24, 31, 38, 45]);
    const grid = await mistakesFigure(images, mistakes, { count: 5 });
    expectWellFormed(grid.svg);
    const captions = texts(grid.svg);
    expect(captions[0]).toBe('5 of 7 mistakes, most confident first (true \u2192 predicted, confidence)');
    expect(captions.slice(1)).toEqual(mistakes.slice(0, 5).map((m) => `${m.actual} \u2192 ${m.predicted} (90%)`));

    const bars = await probabilityBarFigure([0.01, 0.02, 0.05, 0.02, 0.7, 0.05, 0.05, 0.05, 0.03, 0.02], { title: 'Your digit' });
    expectWellFormed(bars.svg);
    expect(texts(bars.svg)).toEqual(expect.arrayContaining(['Your digit', 'digit', 'probability (%)', '0', '9']));
    expect(bars.svg.match(/aria-roledescription="bar"/g)).toHaveLength(10);
  });
});

describe('confidence of right and wrong answers', () => {
  // Four images of three classes: sure and right, sure and wrong, hesitant and right, hesitant and wrong.
  const probabilities = [
    0.999, 0.0005, 0.0005,
    0.002, 0.995, 0.003,
    0.3, 0.3, 0.4,
    0.6, 0.3, 0.1,
  ];
  const labels = [0, 0, 2, 1];

  test('topProbabilities takes the largest of each row', () => {
    expect(Array.from(topProbabilities(probabilities, 3))).toEqual([0.999, 0.995, 0.4, 0.6]);
  });

  test('confidenceByOutcome counts right and wrong answers per bin, the last bin closed at 1', () => {
    const bins = confidenceByOutcome(labels, probabilities, { classes: 3, edges: [0, 0.5, 0.99, 1] });
    expect(bins.map((bin) => bin.label)).toEqual(['0–50%', '50–99%', '99–100%']);
    expect(bins.map((bin) => [bin.right, bin.wrong])).toEqual([[1, 0], [0, 1], [1, 1]]);
    expect(confidenceByOutcome([1], [0, 1, 0], { classes: 3, edges: [0, 0.5, 1] })[1].right).toBe(1);
    expect(() => confidenceByOutcome(labels, probabilities, { classes: 3, edges: [0, 0.9, 0.5, 1] })).toThrow(/rise from 0 to 1/);
    expect(() => confidenceByOutcome([0], probabilities, { classes: 3 })).toThrow(/1 labels but probabilities for 4 images/);
  });

  test('on real test digits the network is surer of its right answers', async () => {
    const testSet = firstImages((await loadMnist()).test, 300);
    // A "network" that knows the label but hesitates on every tenth image and then picks the next digit.
    const rows = Array.from(testSet.labels).flatMap((label, i) => {
      const row = new Array<number>(10).fill(0.001);
      if (i % 10 === 0) { row[(label + 1) % 10] = 0.55; row[label] = 0.441; } else row[label] = 0.991;
      return row;
    });
    const bins = confidenceByOutcome(testSet.labels, rows);
    expect(bins.reduce((sum, bin) => sum + bin.wrong, 0)).toBe(30);
    expect(bins[1].wrong).toBe(30);
    expect(bins[3].right).toBe(270);
    const figure = await confidenceFigure(bins, { title: 'Sure and unsure' });
    expectWellFormed(figure.svg);
    expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Sure and unsure', 'right answers (270)', 'wrong answers (30)', '270', '30', '99–99.9%']));
    expect(figure.svg.match(/aria-roledescription="bar"/g)).toHaveLength(2 * bins.length);
  });
});

describe('the probability chart', () => {
  test('labels every bar, even when one digit takes almost everything', async () => {
    expect([1, 0.99996, 0.5, 0.0123, 0.00004, 0].map(probabilityLabel)).toEqual(['100%', '>99.99%', '50.00%', '1.23%', '<0.01%', '0%']);
    const sure = [1e-9, 2e-7, 0.99996, 3e-5, 1e-8, 1e-6, 2e-9, 1e-10, 5e-6, 3e-8];
    const figure = await probabilityBarFigure(sure, { title: 'Sure', trueDigit: 3 });
    expectWellFormed(figure.svg);
    const shown = texts(figure.svg);
    expect(shown).toEqual(expect.arrayContaining(['Sure', '>99.99%', 'prediction', 'true digit', 'probability, log scale', '1e-10']));
    expect(shown.filter((text) => text === '<0.01%')).toHaveLength(9);
    expect(figure.svg.match(/aria-roledescription="bar"/g)).toHaveLength(10);
    expect(figure.svg.match(/aria-roledescription="point"/g)).toHaveLength(10);
  });
});
