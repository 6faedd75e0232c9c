/** Reads one image through the network from scratch: its digit and the probability of each digit. */
import { rowArgmax } from '../base/argmax';
import { digitInputRange } from './digit-batches';
import type { DigitSet } from '../data/digit-set';
import type { TwoLayerNet } from './two-layer-net';

/** What the network says about one image. */
export interface ScratchPrediction {
  /** The most likely digit. */
  readonly label: number;
  /** The probability of each digit (they sum to 1). */
  readonly probabilities: readonly number[];
}

/**
 * The network's prediction for image `index` of `set` (the first when
 * omitted): its pixels scaled to 0-1, one forward pass, the softmax outputs.
 * A single-image set of your own (the `digitSet` of chapter 07's
 * `preprocessDigit`, or `singleDigitSet`) works too: chapter 07 reads your
 * handwriting with it. The most probable digit is the lowest on a tie.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function predictImage(net: TwoLayerNet, set: DigitSet, index = 0): ScratchPrediction {
  const probabilities = Array.from(net.forward(digitInputRange(set, index, 1)).probabilities.data);
  return { label: rowArgmax(probabilities, 0, probabilities.length), probabilities };
}
