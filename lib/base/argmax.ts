/** Finding the most probable class of a row of class scores, shared by predictions and metrics. */

/**
 * The column of the largest value in row `row` of a row-major table with
 * `classes` columns. Ties go to the lowest column (as `batchAccuracy` and
 * tf.argMax decide them); NaN values never win.
 */
export function rowArgmax(values: ArrayLike<number>, row: number, classes: number): number {
  const start = row * classes;
  let best = 0;
  for (let c = 1; c < classes; c++) {
    if (values[start + c] > values[start + best]) best = c;
  }
  return best;
}

/** Throws unless `classes` is a whole number of classes from 1 to `max`. */
export function checkClassCount(classes: number, where: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(classes) || classes < 1 || classes > max) {
    throw new RangeError(`${where}: the number of classes must be a whole number from 1 to ${max}, not ${classes}`);
  }
}

/** The number of rows of a row-major table of `classes` columns, checking the length divides evenly. */
export function rowCount(values: ArrayLike<number>, classes: number, where: string): number {
  if (values.length % classes !== 0) {
    throw new RangeError(`${where}: ${values.length} probabilities do not make rows of ${classes} classes`);
  }
  return values.length / classes;
}
