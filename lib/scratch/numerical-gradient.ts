/** Gradients estimated by nudging parameters, the slow but obviously correct reference for backpropagation. */

/** The step used for central differences unless told otherwise. */
export const DEFAULT_DIFFERENCE_STEP = 1e-4;

/**
 * Estimates d loss / d values[i] by central differences,
 * (loss(v + h) - loss(v - h)) / 2h, for each index in `indices` (every entry
 * when omitted). `loss` must read `values` each time it is called; each entry
 * is restored before the next. Results go into `out` at the same indices;
 * other entries of `out` are left alone. Costs two loss evaluations per entry.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function centralDifferences(
  loss: () => number,
  values: Float64Array,
  h = DEFAULT_DIFFERENCE_STEP,
  indices?: ArrayLike<number>,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  if (!(h > 0)) throw new RangeError(`the difference step must be positive, got ${h}`);
  if (out.length !== values.length) throw new RangeError(`gradient output needs ${values.length} entries, got ${out.length}`);
  const count = indices ? indices.length : values.length;
  for (let n = 0; n < count; n++) {
    const i = indices ? indices[n] : n;
    const original = values[i];
    values[i] = original + h;
    const above = loss();
    values[i] = original - h;
    const below = loss();
    values[i] = original;
    out[i] = (above - below) / (2 * h);
  }
  return out;
}
