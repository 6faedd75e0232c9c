/**
 * How the weights of a layer start: the scale of the first random numbers
 * decides whether a network can learn at all (all zeros never break the
 * symmetry between units) and how fast it starts (too small and every signal
 * fades, too large and sigmoids saturate).
 */
import type { SeededRandom } from '../base/random';
import { GaussianSampler } from './gaussian';
import type { Matrix } from './matrix';

/**
 * The ways chapter 03 compares of filling a weight matrix [fanIn x fanOut]:
 * - `zeros`: every weight 0 (the symmetry that never breaks);
 * - `normal-0.01`: normal numbers with standard deviation 0.01, whatever the layer's size (seed 001);
 * - `glorot-uniform`: uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio 2010, Keras's default);
 * - `he-normal`: normal with standard deviation sqrt(2 / fanIn) (He et al. 2015, made for ReLU).
 */
export type WeightInit = 'zeros' | 'normal-0.01' | 'glorot-uniform' | 'he-normal';

/** Every `WeightInit`, in the order the chapter shows them. */
export const WEIGHT_INITS: readonly WeightInit[] = ['zeros', 'normal-0.01', 'glorot-uniform', 'he-normal'];

function checkFans(fanIn: number, fanOut: number): void {
  if (!(Number.isInteger(fanIn) && fanIn > 0 && Number.isInteger(fanOut) && fanOut > 0)) {
    throw new RangeError(`a layer needs positive whole fan-in and fan-out, got ${fanIn} and ${fanOut}`);
  }
}

/**
 * The bound of Glorot's uniform initialisation, sqrt(6 / (fanIn + fanOut)):
 * about 0.082 for a 784 → 100 layer. Chosen so that the variance of a unit's
 * sum, 2 / (fanIn + fanOut) per weight, keeps signals about the same size
 * forwards and backwards.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function glorotUniformLimit(fanIn: number, fanOut: number): number {
  checkFans(fanIn, fanOut);
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * The standard deviation of He's normal initialisation, sqrt(2 / fanIn):
 * about 0.051 for 784 inputs. The 2 makes up for ReLU zeroing half of its inputs.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function heNormalStd(fanIn: number): number {
  checkFans(fanIn, 1);
  return Math.sqrt(2 / fanIn);
}

/**
 * Fills the weight matrix `weights` [fanIn x fanOut] as `init` says, drawing
 * from `random`, and returns it.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function initialiseWeights(weights: Matrix, init: WeightInit, random: SeededRandom): Matrix {
  const values = weights.data;
  switch (init) {
    case 'zeros':
      values.fill(0);
      break;
    case 'normal-0.01':
      new GaussianSampler(random).fill(values, 0.01);
      break;
    case 'glorot-uniform': {
      const limit = glorotUniformLimit(weights.rows, weights.cols);
      for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
      break;
    }
    case 'he-normal':
      new GaussianSampler(random).fill(values, heNormalStd(weights.rows));
      break;
    default:
      throw new RangeError(`unknown weight initialisation ${String(init)}; use one of ${WEIGHT_INITS.join(', ')}`);
  }
  return weights;
}
