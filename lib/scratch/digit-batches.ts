/** Turns DigitSets into the matrices the scratch network reads: pixels / 255 and one-hot targets. */
import { type DigitSet, NUM_CLASSES } from '../data/digit-set';
import type { SeededRandom } from '../base/random';
import { assertShape, type Matrix, zeroMatrix } from './matrix';

/** pixel value → value / 255, looked up instead of divided. */
const UNIT_PIXEL = Float64Array.from({ length: 256 }, (_, value) => value / 255);

function checkIndex(set: DigitSet, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) throw new RangeError(`image index ${index} is outside 0..${set.count - 1}`);
}

/**
 * The images at `indices` as rows of pixels scaled to [0, 1], into `out` when given.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function digitInputs(set: DigitSet, indices: ArrayLike<number>, out?: Matrix): Matrix {
  const size = set.rows * set.cols;
  const inputs = out ?? zeroMatrix(indices.length, size);
  assertShape(inputs, indices.length, size, 'input matrix');
  const X = inputs.data, pixels = set.images;
  for (let row = 0; row < indices.length; row++) {
    const index = indices[row];
    checkIndex(set, index);
    const from = index * size, to = row * size;
    for (let p = 0; p < size; p++) X[to + p] = UNIT_PIXEL[pixels[from + p]];
  }
  return inputs;
}

/**
 * Images start..start+count-1 as rows of pixels scaled to [0, 1], into `out` when given.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function digitInputRange(set: DigitSet, start: number, count: number, out?: Matrix): Matrix {
  if (count > 0) {
    checkIndex(set, start);
    checkIndex(set, start + count - 1);
  }
  const size = set.rows * set.cols;
  const inputs = out ?? zeroMatrix(count, size);
  assertShape(inputs, count, size, 'input matrix');
  const X = inputs.data, pixels = set.images.subarray(start * size, (start + count) * size);
  for (let p = 0; p < pixels.length; p++) X[p] = UNIT_PIXEL[pixels[p]];
  return inputs;
}

/**
 * One row per label with a 1 in the label's column and 0 elsewhere, into `out` when given.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export function oneHotMatrix(labels: ArrayLike<number>, numClasses = NUM_CLASSES, out?: Matrix): Matrix {
  const targets = out ?? zeroMatrix(labels.length, numClasses);
  assertShape(targets, labels.length, numClasses, 'one-hot matrix');
  targets.data.fill(0);
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) throw new RangeError(`label ${label} is outside 0..${numClasses - 1}`);
    targets.data[row * numClasses + label] = 1;
  }
  return targets;
}

/** One batch of examples; its matrices are reused by the next draw. */
export interface DigitBatch {
  /** Which images were drawn. */
  readonly indices: Uint32Array;
  /** Pixels / 255 [batch x pixels]. */
  readonly inputs: Matrix;
  /** One-hot labels [batch x classes]. */
  readonly targets: Matrix;
  readonly labels: Uint8Array;
}

/**
 * Draws batches of `batchSize` images uniformly at random with replacement
 * (an image can appear twice in a batch, and some images not at all in an
 * epoch), using the given seeded generator.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export class RandomBatches {
  private readonly batch: DigitBatch;

  constructor(private readonly set: DigitSet, readonly batchSize: number, private readonly random: SeededRandom, private readonly numClasses = NUM_CLASSES) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive whole number, got ${batchSize}`);
    if (set.count === 0) throw new RangeError('cannot draw batches from an empty set');
    this.batch = {
      indices: new Uint32Array(batchSize),
      inputs: zeroMatrix(batchSize, set.rows * set.cols),
      targets: zeroMatrix(batchSize, numClasses),
      labels: new Uint8Array(batchSize),
    };
  }

  /** The next random batch (the same object each time, refilled). */
  next(): DigitBatch {
    const { indices, inputs, targets, labels } = this.batch;
    for (let i = 0; i < this.batchSize; i++) {
      indices[i] = this.random.nextInt(this.set.count);
      labels[i] = this.set.labels[indices[i]];
    }
    digitInputs(this.set, indices, inputs);
    oneHotMatrix(labels, this.numClasses, targets);
    return this.batch;
  }
}
