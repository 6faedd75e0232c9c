/**
 * Reading a prepared digit with chapter 03's from-scratch network (seed 001's
 * last step): the 28x28 pixels divided by 255, one forward pass by hand, the
 * most probable digit.
 */
import type { DigitSet } from '../data/digit-set';
import { digitInputs } from '../scratch/digit-batches';
import type { TwoLayerNet } from '../scratch/two-layer-net';

/** What the from-scratch network made of one image. */
export interface ScratchReading {
  readonly digit: number;
  /** The probability of `digit`. */
  readonly confidence: number;
  /** The ten class probabilities. */
  readonly probabilities: number[];
}

/**
 * The from-scratch network's answer for image `index` (default 0) of a set,
 * e.g. the `digitSet` of a `preprocessDigit` result: pixels scaled to 0..1 as
 * in its training, its softmax probabilities, and the most probable digit
 * (the lowest on a tie).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function readWithScratchNet(net: TwoLayerNet, set: DigitSet, index = 0): ScratchReading {
  const probabilities = Array.from(net.forward(digitInputs(set, [index])).probabilities.data);
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d] > probabilities[digit]) digit = d;
  return { digit, confidence: probabilities[digit], probabilities };
}
