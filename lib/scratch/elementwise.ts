/** Row, column and entry-by-entry operations on matrices, in place where the name says so. */
import { rowArgmax } from '../base/argmax';
import { assertSameShape, assertShape, type Matrix, zeroMatrix } from './matrix';

/**
 * Adds the 1-row matrix `row` to every row of `m`, in place (a bias).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function addRowInPlace(m: Matrix, row: Matrix): Matrix {
  assertShape(row, 1, m.cols, 'row to add');
  const M = m.data, R = row.data, cols = m.cols;
  for (let i = 0; i < m.rows; i++) {
    const start = i * cols;
    for (let j = 0; j < cols; j++) M[start + j] += R[j];
  }
  return m;
}

/**
 * The sum of each column as a 1-row matrix (a bias gradient).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function columnSums(m: Matrix, out: Matrix = zeroMatrix(1, m.cols)): Matrix {
  assertShape(out, 1, m.cols, 'column sums');
  const M = m.data, S = out.data, cols = m.cols;
  S.fill(0);
  for (let i = 0; i < m.rows; i++) {
    const start = i * cols;
    for (let j = 0; j < cols; j++) S[j] += M[start + j];
  }
  return out;
}

/**
 * target += scale * source, in place (an SGD step with scale = -learning rate).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function addScaledInPlace(target: Matrix, source: Matrix, scale: number): Matrix {
  assertSameShape(target, source, 'matrix to add');
  const T = target.data, S = source.data;
  for (let i = 0; i < T.length; i++) T[i] += scale * S[i];
  return target;
}

/**
 * out = a - b, entry by entry.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function subtract(a: Matrix, b: Matrix, out: Matrix = zeroMatrix(a.rows, a.cols)): Matrix {
  assertSameShape(a, b, 'matrix to subtract');
  assertSameShape(a, out, 'difference');
  const A = a.data, B = b.data, O = out.data;
  for (let i = 0; i < A.length; i++) O[i] = A[i] - B[i];
  return out;
}

/**
 * a *= b, entry by entry, in place (the Hadamard product).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function multiplyInPlace(a: Matrix, b: Matrix): Matrix {
  assertSameShape(a, b, 'matrix to multiply by');
  const A = a.data, B = b.data;
  for (let i = 0; i < A.length; i++) A[i] *= B[i];
  return a;
}

/**
 * out[i] = fn(m[i]) for every entry; `out` may be `m` itself.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function mapEntries(m: Matrix, fn: (value: number) => number, out: Matrix = zeroMatrix(m.rows, m.cols)): Matrix {
  assertSameShape(m, out, 'mapped matrix');
  const M = m.data, O = out.data;
  for (let i = 0; i < M.length; i++) O[i] = fn(M[i]);
  return out;
}

/**
 * The column of the largest entry of each row (the first one on ties).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function argmaxRows(m: Matrix, out: Int32Array = new Int32Array(m.rows)): Int32Array {
  if (out.length !== m.rows) throw new RangeError(`argmax output needs ${m.rows} entries, got ${out.length}`);
  for (let i = 0; i < m.rows; i++) out[i] = rowArgmax(m.data, i, m.cols);
  return out;
}
