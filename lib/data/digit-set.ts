import { SeededRandom } from '../base/random';

/**
 * Grayscale images of one size as one typed array: image i is
 * `images.subarray(i * rows * cols, (i + 1) * rows * cols)`, row by row,
 * 0 = background and 255 = full ink. The library's image type: every
 * function that draws or feeds images takes one (a DigitSet is one).
 */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** An ImageSet with a label per image: `labels[i]` is image i's class (0-9 for digits). */
export interface DigitSet extends ImageSet {
  readonly labels: Uint8Array;
}

/** The number of classes in MNIST. */
export const NUM_CLASSES = 10;

/**
 * Pixels in one image of the set.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function pixelsPerImage(set: ImageSet): number {
  return set.rows * set.cols;
}

/**
 * The pixels of image `index` (a view, not a copy).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function imageAt(set: ImageSet, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`image index ${index} is outside 0..${set.count - 1}`);
  }
  const size = pixelsPerImage(set);
  return set.images.subarray(index * size, (index + 1) * size);
}

/**
 * Image `index` as rows of pixel values, ready to print as a matrix.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function imageMatrix(set: ImageSet, index: number): number[][] {
  const pixels = imageAt(set, index);
  return Array.from({ length: set.rows }, (_, y) => Array.from(pixels.subarray(y * set.cols, (y + 1) * set.cols)));
}

/**
 * A new set holding the images at `indices`, in that order (copies the pixels).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function selectImages(set: DigitSet, indices: ArrayLike<number>): DigitSet {
  const size = pixelsPerImage(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    if (!Number.isInteger(from) || from < 0 || from >= set.count) {
      throw new RangeError(`image index ${from} is outside 0..${set.count - 1}`);
    }
    images.set(set.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = set.labels[from];
  }
  return { images, labels, count: indices.length, rows: set.rows, cols: set.cols };
}

/**
 * The first `n` images (a view sharing the pixels).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function firstImages(set: DigitSet, n: number): DigitSet {
  const count = Math.max(0, Math.min(n, set.count));
  const size = pixelsPerImage(set);
  return { ...set, count, images: set.images.subarray(0, count * size), labels: set.labels.subarray(0, count) };
}

/**
 * How many images there are of each class: `counts[c]` for class c.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function labelCounts(set: Pick<DigitSet, 'labels'>, numClasses = NUM_CLASSES): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of set.labels) counts[label]++;
  return counts;
}

/**
 * The same images in a random order fixed by `seed`.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function shuffleImages(set: DigitSet, seed: number): DigitSet {
  return selectImages(set, new SeededRandom(seed).permutation(set.count));
}

/** Indices of each class, in the set's order. */
function indicesByClass(set: DigitSet): number[][] {
  const byClass: number[][] = [];
  set.labels.forEach((label, index) => (byClass[label] ??= []).push(index));
  return byClass;
}

/**
 * Picks `n` images so that every class keeps its share of the set (largest
 * remainders decide the rounding), at random but fixed by `seed`. The result
 * is shuffled, so classes are mixed.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function stratifiedSample(set: DigitSet, n: number, seed: number): DigitSet {
  if (!Number.isInteger(n) || n < 0 || n > set.count) throw new RangeError(`cannot take ${n} of ${set.count} images`);
  const random = new SeededRandom(seed);
  const byClass = indicesByClass(set).filter((list) => list !== undefined);
  const exact = byClass.map((list) => (list.length * n) / set.count);
  const quota = exact.map(Math.floor);
  const order = exact.map((value, c) => ({ c, remainder: value - quota[c] })).sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (let k = 0, missing = n - quota.reduce((a, b) => a + b, 0); k < missing; k++) quota[order[k].c]++;
  const chosen: number[] = [];
  byClass.forEach((list, c) => {
    const shuffled = random.shuffle(list.slice());
    chosen.push(...shuffled.slice(0, quota[c]));
  });
  return selectImages(set, random.shuffle(chosen));
}

export interface ValidationSplitOptions {
  /** Share of the images held out for validation, in (0, 1); default 0.1. */
  readonly fraction?: number;
  /** Seed of the random split; default 0. */
  readonly seed?: number;
  /** Keep each class's share the same on both sides; default true. */
  readonly stratified?: boolean;
}

/** Splits a set into training and validation parts, at random but fixed by the seed. */
export function splitValidation(set: DigitSet, options: ValidationSplitOptions = {}): { train: DigitSet; validation: DigitSet } {
  const fraction = options.fraction ?? 0.1;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be between 0 and 1, got ${fraction}`);
  const seed = options.seed ?? 0;
  const validationCount = Math.round(set.count * fraction);
  let validationIndices: number[];
  if (options.stratified ?? true) {
    const random = new SeededRandom(seed);
    validationIndices = [];
    for (const list of indicesByClass(set)) {
      if (!list) continue;
      validationIndices.push(...random.shuffle(list.slice()).slice(0, Math.round(list.length * fraction)));
    }
  } else {
    validationIndices = Array.from(new SeededRandom(seed).permutation(set.count).subarray(0, validationCount));
  }
  const held = new Uint8Array(set.count);
  for (const index of validationIndices) held[index] = 1;
  const trainIndices: number[] = [];
  for (let i = 0; i < set.count; i++) if (!held[i]) trainIndices.push(i);
  validationIndices.sort((a, b) => a - b);
  return { train: selectImages(set, trainIndices), validation: selectImages(set, validationIndices) };
}
