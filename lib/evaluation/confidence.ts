/**
 * How sure a classifier was, split by whether it was right: the top
 * probability of every image, counted in bins, separately for the right and
 * the wrong answers. Shows whether confidence says anything about mistakes.
 */
import { NUM_CLASSES } from '../data/digit-set';
import { checkClassCount, rowArgmax, rowCount } from '../base/argmax';

/** One bin of top probabilities: [from, to), the last bin closed at 1. */
export interface ConfidenceBin {
  /** The bin as text, e.g. `99–99.9%`. */
  readonly label: string;
  readonly from: number;
  readonly to: number;
  /** Right and wrong answers whose top probability falls in the bin. */
  readonly right: number;
  readonly wrong: number;
}

/**
 * The default bin edges: wide below 90%, then one bin per extra "9", since a
 * trained network puts most answers above 99%.
 */
export const CONFIDENCE_EDGES: readonly number[] = [0, 0.5, 0.9, 0.99, 0.999, 0.9999, 1];

/**
 * The largest of each row's `classes` probabilities: how sure the model was of its answer.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function topProbabilities(probabilities: ArrayLike<number>, classes = NUM_CLASSES): Float64Array {
  checkClassCount(classes, 'topProbabilities');
  const rows = rowCount(probabilities, classes, 'topProbabilities');
  return Float64Array.from({ length: rows }, (_, row) => probabilities[row * classes + rowArgmax(probabilities, row, classes)]);
}

/** A bin edge as a percentage without trailing zeros: 0.999 → `99.9`. */
function edgeText(edge: number): string {
  return String(Number((100 * edge).toFixed(4)));
}

/**
 * Counts the right and the wrong answers by their top probability, in the
 * bins between consecutive `edges` (ascending, from 0 to 1; default
 * `CONFIDENCE_EDGES`). An answer is right when its most probable class (the
 * lowest on a tie) is the label.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function confidenceByOutcome(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: { readonly edges?: readonly number[]; readonly classes?: number } = {},
): ConfidenceBin[] {
  const { edges = CONFIDENCE_EDGES, classes = NUM_CLASSES } = options;
  checkClassCount(classes, 'confidenceByOutcome');
  if (edges.length < 2 || edges[0] !== 0 || edges[edges.length - 1] !== 1 || edges.some((edge, i) => i > 0 && edge <= edges[i - 1])) {
    throw new RangeError(`confidenceByOutcome: bin edges must rise from 0 to 1, not [${edges.join(', ')}]`);
  }
  const rows = rowCount(probabilities, classes, 'confidenceByOutcome');
  if (rows !== labels.length) throw new RangeError(`confidenceByOutcome: ${labels.length} labels but probabilities for ${rows} images`);
  const right = new Array<number>(edges.length - 1).fill(0);
  const wrong = new Array<number>(edges.length - 1).fill(0);
  for (let row = 0; row < rows; row++) {
    const predicted = rowArgmax(probabilities, row, classes);
    const top = probabilities[row * classes + predicted];
    let bin = 0;
    while (bin < edges.length - 2 && top >= edges[bin + 1]) bin++;
    (predicted === labels[row] ? right : wrong)[bin]++;
  }
  return right.map((_, bin) => ({
    label: `${edgeText(edges[bin])}–${edgeText(edges[bin + 1])}%`,
    from: edges[bin],
    to: edges[bin + 1],
    right: right[bin],
    wrong: wrong[bin],
  }));
}
