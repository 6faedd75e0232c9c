/** The four parameter groups of the two-layer network, and helpers that treat them alike. */
import { cloneMatrix, type Matrix, zeroMatrix } from './matrix';

/** The parameter groups in order: first-layer weights and biases, then second-layer ones. */
export const PARAM_NAMES = ['W1', 'b1', 'W2', 'b2'] as const;

/** One of `W1`, `b1`, `W2`, `b2`. */
export type ParamName = (typeof PARAM_NAMES)[number];

/**
 * Weights and biases of a two-layer network (or gradients of the same shape):
 * W1 [inputs x hidden], b1 [1 x hidden], W2 [hidden x outputs], b2 [1 x outputs].
 */
export type NetParams = Readonly<Record<ParamName, Matrix>>;

/**
 * Zeros in the shape of `params`.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function zeroParamsLike(params: NetParams): NetParams {
  return { W1: zeroMatrix(params.W1.rows, params.W1.cols), b1: zeroMatrix(1, params.b1.cols), W2: zeroMatrix(params.W2.rows, params.W2.cols), b2: zeroMatrix(1, params.b2.cols) };
}

/**
 * An independent copy of every group.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function cloneParams(params: NetParams): NetParams {
  return { W1: cloneMatrix(params.W1), b1: cloneMatrix(params.b1), W2: cloneMatrix(params.W2), b2: cloneMatrix(params.b2) };
}

/**
 * How many numbers the groups hold together (39,760 for 784-50-10).
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function parameterCount(params: NetParams): number {
  return PARAM_NAMES.reduce((total, name) => total + params[name].data.length, 0);
}
