/**
 * Classification metrics from labels, probabilities and confusion matrices:
 * plain functions on arrays (no tensors), so they are easy to check by hand.
 */
import { NUM_CLASSES } from '../data/digit-set';
import { checkClassCount, rowArgmax, rowCount } from '../base/argmax';

/** A matrix as rows of numbers; a confusion matrix has one row per true class and one column per predicted class. */
export type CountMatrix = readonly ArrayLike<number>[];

/** Throws unless `label` is a class 0..classes-1. */
function checkLabel(label: number, index: number, what: string, classes: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new RangeError(`confusionMatrix: ${what} label ${label} at index ${index} is not a class 0..${classes - 1}`);
  }
}

/**
 * Counts how often each true class was predicted as each class:
 * `matrix[actual][predicted]`. Rows are true classes, columns predicted ones,
 * so the diagonal holds the right predictions. Throws when the two lists
 * differ in length or hold a label outside 0..classes-1.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes = NUM_CLASSES): number[][] {
  checkClassCount(classes, 'confusionMatrix');
  if (actual.length !== predicted.length) {
    throw new RangeError(`confusionMatrix: ${actual.length} actual labels but ${predicted.length} predicted labels`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) {
    checkLabel(actual[i], i, 'actual', classes);
    checkLabel(predicted[i], i, 'predicted', classes);
    matrix[actual[i]][predicted[i]]++;
  }
  return matrix;
}

/**
 * Each row divided by its sum, so row c of a confusion matrix tells what
 * share of class c's images went to each class. A row summing to 0 (a class
 * with no images) stays all zeros.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function normaliseRows(matrix: CountMatrix): number[][] {
  return matrix.map((row) => {
    const values = Array.from(row);
    const sum = values.reduce((a, b) => a + b, 0);
    return sum === 0 ? values.map(() => 0) : values.map((value) => value / sum);
  });
}

/** Throws unless the matrix is square and holds counts (finite, not negative). */
function checkConfusionMatrix(matrix: CountMatrix, where: string): void {
  if (matrix.length === 0) throw new RangeError(`${where}: the confusion matrix is empty`);
  matrix.forEach((row, r) => {
    if (row.length !== matrix.length) throw new RangeError(`${where}: row ${r} has ${row.length} values, expected ${matrix.length} (a square matrix)`);
    for (let c = 0; c < row.length; c++) {
      if (!(Number.isFinite(row[c]) && row[c] >= 0)) throw new RangeError(`${where}: cell [${r}][${c}] is ${row[c]}, not a count`);
    }
  });
}

/** How one class fared. */
export interface ClassMetrics {
  /** The class (the digit, for MNIST). */
  readonly digit: number;
  /** Images whose true class this is. */
  readonly support: number;
  /** Images of this class predicted as it. */
  readonly truePositives: number;
  /** Images of other classes predicted as this one. */
  readonly falsePositives: number;
  /** Images of this class predicted as another. */
  readonly falseNegatives: number;
  /** Images of other classes predicted as another class. */
  readonly trueNegatives: number;
  /** Share of the predictions of this class that were right: TP / (TP + FP); 0 when the class was never predicted. */
  readonly precision: number;
  /** Share of this class's images found: TP / (TP + FN); 0 when the class has no images. */
  readonly recall: number;
  /** Harmonic mean of precision and recall: 2PR / (P + R); 0 when both are 0. */
  readonly f1: number;
}

/** Precision, recall and F1 averaged over classes. */
export interface AveragedMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Per-class and overall metrics of a classifier, from its confusion matrix. */
export interface ClassificationMetrics {
  /** One entry per class, in class order. */
  readonly perClass: readonly ClassMetrics[];
  /**
   * Plain means over the classes that occur (as a true or a predicted class),
   * each class counting the same; a class that occurs nowhere is left out.
   */
  readonly macro: AveragedMetrics;
  /** Means weighted by each class's support (weighted recall equals accuracy). */
  readonly weighted: AveragedMetrics;
  /** Share of all images predicted right (the diagonal over the total); 0 when there are none. */
  readonly accuracy: number;
  /** All images counted in the matrix. */
  readonly total: number;
}

/** a / b, or 0 when b is 0 (the convention of every metric here). */
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Precision, recall, F1 and the TP/FP/FN/TN counts of each class of a
 * confusion matrix (rows true, columns predicted), their macro and weighted
 * averages, and accuracy. Divisions by zero are defined as 0: precision of a
 * class never predicted, recall of a class with no images, F1 when precision
 * and recall are both 0 (so a class that is never predicted scores 0 and
 * pulls the macro average down).
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function classMetrics(matrix: CountMatrix): ClassificationMetrics {
  checkConfusionMatrix(matrix, 'classMetrics');
  const support = matrix.map((row) => Array.from(row).reduce((a, b) => a + b, 0));
  const predictedCount = matrix.map((_, c) => matrix.reduce((sum, row) => sum + row[c], 0));
  const total = support.reduce((a, b) => a + b, 0);
  const perClass = matrix.map((row, c): ClassMetrics => {
    const truePositives = row[c];
    const falsePositives = predictedCount[c] - truePositives;
    const falseNegatives = support[c] - truePositives;
    const precision = ratio(truePositives, predictedCount[c]);
    const recall = ratio(truePositives, support[c]);
    return {
      digit: c,
      support: support[c],
      truePositives,
      falsePositives,
      falseNegatives,
      trueNegatives: total - truePositives - falsePositives - falseNegatives,
      precision,
      recall,
      f1: ratio(2 * precision * recall, precision + recall),
    };
  });
  const average = (weight: (m: ClassMetrics) => number): AveragedMetrics => {
    const weights = perClass.map(weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const mean = (value: (m: ClassMetrics) => number) => ratio(perClass.reduce((acc, m, c) => acc + weights[c] * value(m), 0), sum);
    return { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) };
  };
  const diagonal = perClass.reduce((sum, m) => sum + m.truePositives, 0);
  return {
    perClass,
    macro: average((m) => (m.support > 0 || predictedCount[m.digit] > 0 ? 1 : 0)),
    weighted: average((m) => m.support),
    accuracy: ratio(diagonal, total),
    total,
  };
}

/** One off-diagonal cell of a confusion matrix: images of one class taken for another. */
export interface ConfusedPair {
  readonly actual: number;
  readonly predicted: number;
  readonly count: number;
  /** `count` as a share of all images of the actual class. */
  readonly shareOfActual: number;
}

/**
 * The `count` most frequent mistakes of a confusion matrix: its non-zero
 * off-diagonal cells, largest first (ties in order of actual, then
 * predicted class).
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function mostConfusedPairs(matrix: CountMatrix, count = 10): ConfusedPair[] {
  checkConfusionMatrix(matrix, 'mostConfusedPairs');
  const pairs: ConfusedPair[] = [];
  matrix.forEach((row, actual) => {
    const rowTotal = Array.from(row).reduce((a, b) => a + b, 0);
    for (let predicted = 0; predicted < row.length; predicted++) {
      if (predicted !== actual && row[predicted] > 0) {
        pairs.push({ actual, predicted, count: row[predicted], shareOfActual: row[predicted] / rowTotal });
      }
    }
  });
  pairs.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted);
  return pairs.slice(0, Math.max(0, count));
}

/** An image the model got wrong. */
export interface Mistake {
  /** Its index in the set. */
  readonly index: number;
  readonly actual: number;
  readonly predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  readonly confidence: number;
  /** The probability the model gave the true class. */
  readonly probabilityOfActual: number;
  /** All class probabilities of the image. */
  readonly probabilities: number[];
}

/**
 * Every image whose most probable class (lowest on a tie) is not its label,
 * most confident mistakes first (ties by index). `labels` is a set (anything
 * with `labels`) or the labels themselves; `probabilities` has `classes`
 * values per image, as `predictProbabilities` returns them.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function misclassified(
  labels: { readonly labels: ArrayLike<number> } | ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes = NUM_CLASSES,
): Mistake[] {
  checkClassCount(classes, 'misclassified');
  const actualLabels = 'labels' in labels ? labels.labels : labels;
  const rows = rowCount(probabilities, classes, 'misclassified');
  if (rows !== actualLabels.length) throw new RangeError(`misclassified: ${actualLabels.length} labels but probabilities for ${rows} images`);
  const mistakes: Mistake[] = [];
  for (let index = 0; index < rows; index++) {
    const actual = actualLabels[index];
    if (!Number.isInteger(actual) || actual < 0 || actual >= classes) throw new RangeError(`misclassified: label ${actual} at index ${index} is not a class 0..${classes - 1}`);
    const predicted = rowArgmax(probabilities, index, classes);
    if (predicted === actual) continue;
    const row = Array.from({ length: classes }, (_, c) => probabilities[index * classes + c]);
    mistakes.push({ index, actual, predicted, confidence: row[predicted], probabilityOfActual: row[actual], probabilities: row });
  }
  return mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
}
