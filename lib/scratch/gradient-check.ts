/** Measures how far backpropagated gradients are from numerical ones. */
import { SeededRandom } from '../base/random';
import type { NetParams, ParamName } from './params';

/** How one parameter group's analytic gradient compares with the numerical estimate. */
export interface GradientDifference {
  /** The largest |analytic - numerical| over the compared entries. */
  readonly maxAbsDifference: number;
  /**
   * ||analytic - numerical|| / (||analytic|| + ||numerical||) with Euclidean
   * norms over the compared entries: 0 means identical, 1 means unrelated.
   * Defined as 0 when both are all zeros. Unlike a per-entry ratio it is not
   * thrown off by entries whose gradient is almost zero.
   */
  readonly relativeError: number;
  /** How many entries were compared. */
  readonly entries: number;
}

/** The comparison for each parameter group. */
export type GradientCheck = Readonly<Record<ParamName, GradientDifference>>;

/** Which entries of each group to check; a group left out is checked in full. */
export type ParamEntries = Partial<Readonly<Record<ParamName, ArrayLike<number>>>>;

/**
 * Compares two gradients over `indices` (every entry when omitted).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function compareGradients(analytic: Float64Array, numerical: Float64Array, indices?: ArrayLike<number>): GradientDifference {
  if (analytic.length !== numerical.length) throw new RangeError(`gradients differ in length: ${analytic.length} and ${numerical.length}`);
  const count = indices ? indices.length : analytic.length;
  let maxAbsDifference = 0, differenceSquares = 0, analyticSquares = 0, numericalSquares = 0;
  for (let n = 0; n < count; n++) {
    const i = indices ? indices[n] : n;
    const a = analytic[i], b = numerical[i], d = a - b;
    maxAbsDifference = Math.max(maxAbsDifference, Math.abs(d));
    differenceSquares += d * d;
    analyticSquares += a * a;
    numericalSquares += b * b;
  }
  const scale = Math.sqrt(analyticSquares) + Math.sqrt(numericalSquares);
  const relativeError = scale === 0 ? 0 : Math.sqrt(differenceSquares) / scale;
  return { maxAbsDifference, relativeError, entries: count };
}

/**
 * Up to `perGroup` distinct entries of each group, chosen at random but
 * fixed by `seed`, in increasing order; groups no larger than that are
 * taken whole.
 */
export function sampleParamEntries(params: NetParams, perGroup: number, seed = 0): ParamEntries {
  if (!Number.isInteger(perGroup) || perGroup < 1) throw new RangeError(`entries per group must be a positive whole number, got ${perGroup}`);
  const random = new SeededRandom(seed);
  const pick = (size: number) => (size <= perGroup ? undefined : random.permutation(size).subarray(0, perGroup).sort());
  return { W1: pick(params.W1.data.length), b1: pick(params.b1.data.length), W2: pick(params.W2.data.length), b2: pick(params.b2.data.length) };
}
