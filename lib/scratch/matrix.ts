/**
 * A dense matrix stored row by row in a Float64Array: entry (r, c) lives at
 * `data[r * cols + c]`. Vectors such as biases are 1-row matrices, so every
 * parameter of a network has the same shape of type.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

function checkSize(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`a matrix needs whole, non-negative sizes, got ${rows}x${cols}`);
  }
}

/**
 * A rows x cols matrix of zeros.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function zeroMatrix(rows: number, cols: number): Matrix {
  checkSize(rows, cols);
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/**
 * A rows x cols matrix holding a copy of `values` (row by row).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function matrixFrom(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  checkSize(rows, cols);
  if (values.length !== rows * cols) throw new RangeError(`${rows}x${cols} needs ${rows * cols} values, got ${values.length}`);
  return { rows, cols, data: Float64Array.from(values) };
}

/**
 * A matrix from nested arrays, one inner array per row.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  if (rows.some((row) => row.length !== cols)) throw new RangeError('every row needs the same number of columns');
  return matrixFrom(rows.length, cols, rows.flat());
}

/**
 * The matrix as nested arrays, one per row (for printing and tests).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function matrixToRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/**
 * An independent copy.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function cloneMatrix(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

/**
 * "3x4", for messages.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function shapeOf(m: Matrix): string {
  return `${m.rows}x${m.cols}`;
}

/** Throws unless `m` is rows x cols; `what` names it in the message. */
export function assertShape(m: Matrix, rows: number, cols: number, what: string): void {
  if (m.rows !== rows || m.cols !== cols) throw new RangeError(`${what} should be ${rows}x${cols}, got ${shapeOf(m)}`);
}

/** Throws unless `a` and `b` have the same shape. */
export function assertSameShape(a: Matrix, b: Matrix, what: string): void {
  assertShape(b, a.rows, a.cols, what);
}
