/** Subsets, splits and shuffles of a labelled image set, and its tensors. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  type DigitSet, firstImages, imageAt, imageMatrix, labelCounts, selectImages, shuffleImages, splitValidation, stratifiedSample,
} from '../lib/data/digit-set';
import { oneHot, scalePixels, scaleToUnit, toTensors } from '../lib/data/tensors';
import { SeededRandom } from '../lib/base/random';
import { batchAccuracy } from '../lib/train/train';

/** A small set whose image i has every pixel equal to i, with unbalanced labels: 0 x50, 1 x30, 2 x20. */
function makeSet(): DigitSet {
  const count = 100;
  const images = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.fill(i, i * 4, (i + 1) * 4);
    labels[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
  }
  return { images, labels, count, rows: 2, cols: 2 };
}

/** The id of each image in a set made by makeSet (its pixel value). */
const ids = (set: DigitSet) => Array.from({ length: set.count }, (_, i) => set.images[i * 4]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('imageAt, imageMatrix and firstImages read the right pixels', () => {
  const set = makeSet();
  expect(Array.from(imageAt(set, 7))).toEqual([7, 7, 7, 7]);
  expect(imageMatrix(set, 3)).toEqual([[3, 3], [3, 3]]);
  expect(ids(firstImages(set, 5))).toEqual([0, 1, 2, 3, 4]);
  expect(() => imageAt(set, 100)).toThrow(RangeError);
});

test('selectImages keeps images and labels together', () => {
  const set = makeSet();
  const picked = selectImages(set, [99, 0, 60]);
  expect(ids(picked)).toEqual([99, 0, 60]);
  expect(Array.from(picked.labels)).toEqual([2, 0, 1]);
});

test('shuffleImages is a permutation fixed by the seed', () => {
  const set = makeSet();
  const a = shuffleImages(set, 7);
  expect(ids(a)).toEqual(ids(shuffleImages(set, 7)));
  expect(ids(a)).not.toEqual(ids(shuffleImages(set, 8)));
  expect([...ids(a)].sort((x, y) => x - y)).toEqual(ids(set));
  a.labels.forEach((label, i) => expect(label).toBe(set.labels[ids(a)[i]]));
});

test('stratifiedSample keeps each class share and is repeatable', () => {
  const set = makeSet();
  const sample = stratifiedSample(set, 10, 1);
  expect(labelCounts(sample, 3)).toEqual([5, 3, 2]);
  expect(new Set(ids(sample)).size).toBe(10);
  expect(ids(stratifiedSample(set, 10, 1))).toEqual(ids(sample));
  // Rounding goes to the largest remainders: 7 of 100 -> 3.5, 2.1, 1.4 -> 4, 2, 1
  expect(labelCounts(stratifiedSample(set, 7, 2), 3)).toEqual([4, 2, 1]);
  expect(() => stratifiedSample(set, 101, 0)).toThrow(RangeError);
});

test('splitValidation separates the images, stratified by default, repeatably', () => {
  const set = makeSet();
  const { train, validation } = splitValidation(set, { fraction: 0.2, seed: 3 });
  expect(validation.count).toBe(20);
  expect(train.count).toBe(80);
  expect(labelCounts(validation, 3)).toEqual([10, 6, 4]);
  const all = [...ids(train), ...ids(validation)].sort((x, y) => x - y);
  expect(all).toEqual(ids(set));
  expect(ids(splitValidation(set, { fraction: 0.2, seed: 3 }).validation)).toEqual(ids(validation));
  expect(splitValidation(set, { fraction: 0.25, stratified: false }).validation.count).toBe(25);
  expect(() => splitValidation(set, { fraction: 1 })).toThrow(RangeError);
});

test('SeededRandom repeats its sequence for a seed and covers [0, 1)', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const values = Array.from({ length: 1000 }, () => a.next());
  expect(values).toEqual(Array.from({ length: 1000 }, () => b.next()));
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...values)).toBeLessThan(1);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
});

test('oneHot and scaleToUnit', () => {
  expect(Array.from(oneHot(Uint8Array.from([2, 0]), 3))).toEqual([0, 0, 1, 1, 0, 0]);
  expect(() => oneHot(Uint8Array.from([3]), 3)).toThrow('label 3 at index 0');
  expect(Array.from(scaleToUnit(Uint8Array.from([0, 51, 255])))).toEqual([0, Math.fround(0.2), 1]);
});

test('scalePixels: unit, raw and standardised inputs', () => {
  const pixels = Uint8Array.from([0, 51, 255]);
  expect(Array.from(scalePixels(pixels))).toEqual(Array.from(scaleToUnit(pixels)));
  expect(Array.from(scalePixels(pixels, 'raw'))).toEqual([0, 51, 255]);
  const standardised = scalePixels(pixels, { mean: 0.2, std: 0.4 });
  expect(Array.from(standardised).map((v) => Number(v.toFixed(5)))).toEqual([-0.5, 0, 2]);
});

test('toTensors scales inputs as asked', () => {
  const set = firstImages(makeSet(), 3);
  const raw = toTensors(set, { layout: 'flat', scaling: 'raw' });
  expect(Array.from(raw.xs.dataSync().subarray(8, 12))).toEqual([2, 2, 2, 2]);
  tf.dispose([raw.xs, raw.ys]);
});

test('toTensors gives flat or image-shaped inputs and one-hot targets', () => {
  const set = firstImages(makeSet(), 3);
  const flat = toTensors(set, { layout: 'flat' });
  const image = toTensors(set, { layout: 'image' });
  expect(flat.xs.shape).toEqual([3, 4]);
  expect(image.xs.shape).toEqual([3, 2, 2, 1]);
  expect(flat.ys.shape).toEqual([3, 10]);
  expect(Array.from(flat.xs.dataSync()).slice(4, 8)).toEqual(Array(4).fill(Math.fround(1 / 255)));
  expect(Array.from(tf.argMax(flat.ys, 1).dataSync())).toEqual([0, 0, 0]);
  tf.dispose([flat.xs, flat.ys, image.xs, image.ys]);
});

test('batchAccuracy compares the most probable class with the one-hot target', () => {
  // Row 1 right (class 2), row 2 wrong (predicts 0, target 1), row 3 right (class 0; a tie goes to the first).
  const probabilities = [0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.5, 0.5, 0.0];
  const targets = [0, 0, 1, 0, 1, 0, 1, 0, 0];
  expect(batchAccuracy(probabilities, targets, 3)).toBeCloseTo(2 / 3, 10);
  expect(batchAccuracy([], [], 3)).toBe(0);
});
