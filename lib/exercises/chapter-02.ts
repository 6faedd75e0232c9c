/** The exercises of chapter 02, checked by `check('02.M', answer)` in the notebook. */
import { imageAt, NUM_CLASSES, pixelsPerImage } from '../data/digit-set';
import { loadMnist } from '../data/mnist';
import { fitStandardisation } from '../data/normalise';
import { inkPerImage, pixelStatistics } from '../data/pixel-stats';
import { oneHot } from '../data/tensors';
import { describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** Labels with every digit, and a longer run in a fixed pseudo-random order. */
function sampleLabels(): Uint8Array[] {
  const every = Uint8Array.from({ length: NUM_CLASSES }, (_, i) => NUM_CLASSES - 1 - i);
  const mixed = Uint8Array.from({ length: 500 }, (_, i) => (i * 7 + ((i * i) % 13)) % NUM_CLASSES);
  return [every, mixed, Uint8Array.of(3)];
}

export const CHAPTER_02_EXERCISES: ExerciseSet = {
  '02.1': {
    task: 'Measure the share of test-set pixels that are exactly 0',
    async check(answer) {
      const share = givenNumber(answer, 'zeroShare');
      expectThat(share >= 0, 'a share cannot be negative');
      expectThat(share <= 1, 'give the share as a fraction between 0 and 1, not as a percentage');
      const { test } = await loadMnist();
      const expected = pixelStatistics(test.images).zeroFraction;
      expectThat(
        Math.abs(share - expected) < 1e-6,
        'not quite: count the test pixels equal to 0 and divide by the number of test pixels (every image, 784 pixels each)',
      );
    },
  },
  '02.2': {
    task: 'Count the full-ink (255) pixels of the training image with the most ink',
    async check(answer) {
      const full = givenNumber(answer, 'fullInk');
      expectThat(Number.isInteger(full) && full >= 0, 'a number of pixels is a whole number, 0 or more');
      const { train } = await loadMnist();
      const ink = inkPerImage(train.images, pixelsPerImage(train));
      const most = ink.reduce((a, b) => Math.max(a, b));
      const allowed = new Set<number>();
      ink.forEach((value, index) => {
        if (value === most) allowed.add(imageAt(train, index).filter((v) => v === 255).length);
      });
      expectThat(allowed.has(full), 'that is not the count for the most-inked training image: find that image first (inkPerImage), then count its pixels equal to 255');
    },
  },
  '02.3': {
    task: 'Write a function that standardises one pixel value with the training set\'s mean and standard deviation',
    async check(answer) {
      const standardisePixel = givenFunction(answer, 'standardisePixel') as (value: number) => unknown;
      const { train } = await loadMnist();
      const { mean, std } = fitStandardisation(train.images);
      for (const value of [0, 1, 64, 128, 200, 255]) {
        const result = given(standardisePixel(value));
        expectThat(typeof result === 'number', `standardisePixel(${value}) should return a number, not ${describeValue(result)}`);
        const expected = (value / 255 - mean) / std;
        if (Math.abs(result - expected) < 1e-4) continue;
        expectThat(Math.abs(result - (value - mean) / std) > 1e-4, 'scale the pixel to 0-1 first: μ and σ were measured on values divided by 255');
        expectThat(false, `standardisePixel(${value}) is off: subtract the mean, then divide by the standard deviation, both from the training set`);
      }
    },
  },
  '02.4': {
    task: 'Count the pixel positions whose standard deviation over the training set is 0',
    async check(answer) {
      const count = givenNumber(answer, 'constantPositions');
      expectThat(Number.isInteger(count) && count >= 0 && count <= 784, 'the answer is a number of pixel positions: a whole number from 0 to 784');
      const { train } = await loadMnist();
      const size = pixelsPerImage(train);
      const first = imageAt(train, 0);
      const constant = new Array<boolean>(size).fill(true);
      for (let i = 1; i < train.count; i++) {
        const image = imageAt(train, i);
        for (let p = 0; p < size; p++) if (image[p] !== first[p]) constant[p] = false;
      }
      const expected = constant.filter(Boolean).length;
      expectThat(count === expected, count > expected ? 'too many: a position counts only if it has the same value in every training image' : 'too few: use all 60,000 training images, and count every position whose values never vary');
    },
  },
  '02.5': {
    task: 'Write the inverse of oneHot: one-hot rows back to labels, without tensors',
    check(answer) {
      const fromOneHot = givenFunction(answer, 'fromOneHot') as (rows: Float32Array) => unknown;
      for (const labels of sampleLabels()) {
        const result = given(fromOneHot(oneHot(labels)));
        expectThat(result instanceof Uint8Array, `fromOneHot should return a Uint8Array, not ${describeValue(result)}`);
        expectThat(result.length === labels.length, `for ${labels.length} one-hot rows it returned ${result.length} labels: each row is ${NUM_CLASSES} numbers long`);
        expectThat(
          result.every((label, i) => label === labels[i]),
          'some labels come back wrong: a row\'s label is the position of its 1 within that row (count from 0 at the row\'s start)',
        );
      }
    },
  },
};
