/**
 * The network's nonlinearities and loss: sigmoid for the hidden layer,
 * softmax for the output, cross-entropy against one-hot targets, and the
 * gradient of softmax and cross-entropy taken together.
 */
import { assertSameShape, type Matrix, zeroMatrix } from './matrix';

/** Added inside the logarithm of the cross-entropy so a zero probability costs a large but finite loss. */
export const LOG_EPSILON = 1e-7;

/**
 * The logistic function 1 / (1 + e^-x).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Applies the sigmoid to every entry of `m`, writing into `out` (may be `m`).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function sigmoidInto(m: Matrix, out: Matrix = zeroMatrix(m.rows, m.cols)): Matrix {
  assertSameShape(m, out, 'sigmoid output');
  const M = m.data, O = out.data;
  for (let i = 0; i < M.length; i++) O[i] = 1 / (1 + Math.exp(-M[i]));
  return out;
}

/**
 * grad *= s(1 - s), in place, where `s` holds sigmoid outputs: the chain rule
 * through a sigmoid, whose derivative is s(1 - s).
 */
export function multiplyBySigmoidSlopeInPlace(grad: Matrix, s: Matrix): Matrix {
  assertSameShape(grad, s, 'sigmoid outputs');
  const G = grad.data, S = s.data;
  for (let i = 0; i < G.length; i++) G[i] *= S[i] * (1 - S[i]);
  return grad;
}

/**
 * Softmax of each row, writing into `out` (may be `logits`). The row's
 * largest logit is subtracted first: the result is the same, and exp never
 * overflows however large the logits are.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function softmaxRowsInto(logits: Matrix, out: Matrix = zeroMatrix(logits.rows, logits.cols)): Matrix {
  assertSameShape(logits, out, 'softmax output');
  const L = logits.data, O = out.data, cols = logits.cols;
  for (let i = 0; i < logits.rows; i++) {
    const start = i * cols, end = start + cols;
    let max = -Infinity;
    for (let j = start; j < end; j++) if (L[j] > max) max = L[j];
    let sum = 0;
    for (let j = start; j < end; j++) {
      const e = Math.exp(L[j] - max);
      O[j] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let j = start; j < end; j++) O[j] *= inverse;
  }
  return out;
}

/**
 * Mean cross-entropy over the rows: -(1/N) Σ t·log(y + epsilon), for
 * probabilities `y` and targets `t` (one-hot rows). Entries with t = 0 are
 * skipped, so they never contribute 0·log(0).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function crossEntropy(probabilities: Matrix, targets: Matrix, epsilon = LOG_EPSILON): number {
  assertSameShape(probabilities, targets, 'targets');
  const Y = probabilities.data, T = targets.data;
  let total = 0;
  for (let i = 0; i < Y.length; i++) if (T[i] !== 0) total -= T[i] * Math.log(Y[i] + epsilon);
  return probabilities.rows === 0 ? 0 : total / probabilities.rows;
}

/**
 * The gradient of `crossEntropy(softmax(logits), t, epsilon)` with respect to
 * the logits, from the softmax outputs `y`. For one-hot rows and epsilon = 0
 * it is the familiar (y - t) / N. With epsilon it is exactly
 * (y·Σw - w) / N where w = t·y / (y + epsilon): each row of (y - t) / N scaled
 * by y_true / (y_true + epsilon), a factor within epsilon / y_true of 1, kept
 * so that a float64 gradient check sees no difference from the loss.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function softmaxCrossEntropyGradient(
  probabilities: Matrix,
  targets: Matrix,
  epsilon = LOG_EPSILON,
  out: Matrix = zeroMatrix(probabilities.rows, probabilities.cols),
): Matrix {
  assertSameShape(probabilities, targets, 'targets');
  assertSameShape(probabilities, out, 'logit gradient');
  const Y = probabilities.data, T = targets.data, G = out.data, cols = probabilities.cols;
  const inverseN = probabilities.rows === 0 ? 0 : 1 / probabilities.rows;
  for (let i = 0; i < probabilities.rows; i++) {
    const start = i * cols, end = start + cols;
    let weightSum = 0;
    for (let j = start; j < end; j++) {
      const t = T[j];
      const w = t === 0 ? 0 : epsilon === 0 ? t : (t * Y[j]) / (Y[j] + epsilon);
      G[j] = w;
      weightSum += w;
    }
    for (let j = start; j < end; j++) G[j] = (Y[j] * weightSum - G[j]) * inverseN;
  }
  return out;
}
