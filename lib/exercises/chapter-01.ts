/** The exercises of chapter 01, checked by `check('01.M', answer)` in the notebook. */
import { promises as fs } from 'node:fs';
import { imageAt, NUM_CLASSES, pixelsPerImage } from '../data/digit-set';
import { loadMnist, locateMnist, MNIST_FILES, type MnistFileRole } from '../data/mnist';
import { inkPerImage } from '../data/pixel-stats';
import { describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** The first `length` bytes of a file. */
async function firstBytes(file: string, length: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** The answer as a list of whole numbers (a plain array or a typed array). */
function givenIntegers(answer: unknown, what: string): number[] {
  const value = given(answer);
  expectThat(Array.isArray(value) || ArrayBuffer.isView(value), `${what} should be an array of image indices, not ${describeValue(value)}`);
  const list = Array.from(value as ArrayLike<unknown>);
  expectThat(list.every((v) => typeof v === 'number' && Number.isInteger(v)), `${what} should hold whole numbers (image indices)`);
  return list as number[];
}

/** The answer as an object with the given numeric fields. */
function givenRecord<K extends string>(answer: unknown, keys: readonly K[]): Record<K, number> {
  const value = given(answer);
  expectThat(typeof value === 'object' && value !== null, `the answer should be an object { ${keys.join(', ')} }, not ${describeValue(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of keys) givenNumber(record[key], `\`${key}\``);
  return record as Record<K, number>;
}

export const CHAPTER_01_EXERCISES: ExerciseSet = {
  '01.1': {
    task: 'Write a function that predicts an IDX file\'s size in bytes from its header',
    async check(answer) {
      const expectedSize = givenFunction(answer, 'expectedSize') as (header: Buffer) => unknown;
      const { files } = await locateMnist();
      for (const role of Object.keys(MNIST_FILES) as MnistFileRole[]) {
        // A gzipped copy (allowed in data/) has no IDX header to read.
        if (files[role].endsWith('.gz')) continue;
        const header = await firstBytes(files[role], 16);
        const size = (await fs.stat(files[role])).size;
        const predicted = given(expectedSize(header));
        expectThat(typeof predicted === 'number', `expectedSize should return a number, not ${describeValue(predicted)}`);
        expectThat(
          predicted === size,
          `for ${MNIST_FILES[role].fileName} it says ${predicted}, but the file has another size. ` +
            'Count the header: 4 bytes, then 4 bytes per dimension (byte 3 says how many dimensions); then one byte per value.',
        );
      }
      // A made-up file of 2 dimensions (5 x 3 values): 4 + 2*4 header bytes + 15.
      const made = Buffer.from([0, 0, 8, 2, 0, 0, 0, 5, 0, 0, 0, 3]);
      expectThat(expectedSize(made) === 27, 'it fits the MNIST files but not an IDX file of 2 dimensions: read the number of dimensions from byte 3 instead of assuming it');
    },
  },
  '01.2': {
    task: 'Read the first test image from its matrix of pixel values and say which digit it is',
    async check(answer) {
      const digit = givenNumber(answer, 'the digit');
      expectThat(Number.isInteger(digit) && digit >= 0 && digit < NUM_CLASSES, 'the answer should be one digit, 0 to 9');
      const { test } = await loadMnist();
      expectThat(digit === test.labels[0], 'that is not what the first test image shows: print imageMatrix(test, 0) and follow the shape the non-zero values draw');
    },
  },
  '01.3': {
    task: 'List the indices of the first 30 training images of the digit 7',
    async check(answer) {
      const indices = givenIntegers(answer, 'sevens');
      const { train } = await loadMnist();
      expectThat(indices.length === 30, `sevens should hold 30 indices, not ${indices.length}`);
      expectThat(indices.every((i) => i >= 0 && i < train.count), `every index should be between 0 and ${train.count - 1}`);
      expectThat(indices.every((i) => train.labels[i] === 7), 'some of these images are not 7s: compare train.labels[i] with 7');
      const first: number[] = [];
      for (let i = 0; i < train.count && first.length < 30; i++) if (train.labels[i] === 7) first.push(i);
      expectThat(indices.every((i, k) => i === first[k]), 'these are all 7s, but not the first 30 in order: walk through the labels from index 0 upwards');
    },
  },
  '01.4': {
    task: 'Find the training images with the least and the most ink',
    async check(answer) {
      const { least, most } = givenRecord(answer, ['least', 'most'] as const);
      const { train } = await loadMnist();
      const ink = inkPerImage(train.images, pixelsPerImage(train));
      for (const [name, index] of [['least', least], ['most', most]] as const) {
        expectThat(Number.isInteger(index) && index >= 0 && index < train.count, `\`${name}\` should be an image index between 0 and ${train.count - 1}`);
      }
      const min = ink.reduce((a, b) => Math.min(a, b));
      const max = ink.reduce((a, b) => Math.max(a, b));
      expectThat(ink[least] === min, ink[least] === max ? '`least` and `most` are swapped' : '`least` is not the image with the least ink: compare every image\'s ink, not just the first few');
      expectThat(ink[most] === max, '`most` is not the image with the most ink: compare every image\'s ink, not just the first few');
    },
  },
  '01.5': {
    task: 'Compute the average image of each digit (10 x 784 mean pixel values, 0-255)',
    async check(answer) {
      const value = given(answer);
      expectThat(ArrayBuffer.isView(value) || Array.isArray(value), `averages should be a Float32Array (or an array) of numbers, not ${describeValue(value)}`);
      const averages = Array.from(value as ArrayLike<number>);
      const { train } = await loadMnist();
      const size = pixelsPerImage(train);
      expectThat(averages.length === NUM_CLASSES * size, `averages should hold 10 x ${size} = ${NUM_CLASSES * size} numbers, one per digit and pixel position, not ${averages.length}`);
      const sums = new Float64Array(NUM_CLASSES * size);
      const counts = new Array<number>(NUM_CLASSES).fill(0);
      for (let i = 0; i < train.count; i++) {
        const digit = train.labels[i];
        counts[digit]++;
        const image = imageAt(train, i);
        for (let p = 0; p < size; p++) sums[digit * size + p] += image[p];
      }
      const biggest = averages.reduce((a, b) => Math.max(a, b), -Infinity);
      expectThat(biggest > 1.5, 'these look like values on the 0-1 scale: keep the pixel values as they are (0-255) and average them');
      for (let digit = 0; digit < NUM_CLASSES; digit++) {
        for (let p = 0; p < size; p++) {
          const mean = sums[digit * size + p] / counts[digit];
          expectThat(
            Math.abs(averages[digit * size + p] - mean) < 0.05,
            `the average of digit ${digit} is off (at position ${p} and maybe elsewhere): divide each digit's sums by that digit's own number of images, and put digit d at positions d*784 to d*784+783`,
          );
        }
      }
    },
  },
};
