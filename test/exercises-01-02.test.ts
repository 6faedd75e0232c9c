/**
 * The checks of chapters 01 and 02 on real MNIST: a right answer passes
 * (computed here another way than the check does), the starter's TODO is
 * "not attempted", and typical mistakes fail with a hint.
 */
import { type DigitSet, NUM_CLASSES } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { TODO } from '../lib/exercises/exercise';
import { exercisesOfChapter, runCheck } from '../lib/exercises/registry';
import { status } from './support/verdicts';

let train: DigitSet;
let testSet: DigitSet;
beforeAll(async () => {
  ({ train, test: testSet } = await loadMnist());
});

test('chapters 01 and 02 have five exercises each, and each reads TODO as not attempted', async () => {
  expect(exercisesOfChapter(1)).toEqual(['01.1', '01.2', '01.3', '01.4', '01.5']);
  expect(exercisesOfChapter(2)).toEqual(['02.1', '02.2', '02.3', '02.4', '02.5']);
  for (const id of [...exercisesOfChapter(1), ...exercisesOfChapter(2)]) expect(await status(id, TODO)).toBe('not attempted');
  // A function that still returns TODO has not been attempted either.
  for (const id of ['01.1', '02.3', '02.5']) expect(await status(id, () => TODO)).toBe('not attempted');
});

test('01.1: the IDX size is the header plus one byte per value, for any number of dimensions', async () => {
  const right = (header: Buffer) => {
    const n = header[3];
    const sizes = Array.from({ length: n }, (_, d) => header.readUInt32BE(4 + 4 * d));
    return 4 + 4 * n + sizes.reduce((a, b) => a * b, 1);
  };
  expect(await status('01.1', right)).toBe('passed');
  const threeDimensionsOnly = (header: Buffer) => 16 + header.readUInt32BE(4) * header.readUInt32BE(8) * header.readUInt32BE(12);
  expect((await runCheck('01.1', threeDimensionsOnly)).message).toContain('for train-labels-idx1-ubyte');
  const mnistOnly = (header: Buffer) => (header[3] === 3 ? 16 + header.readUInt32BE(4) * 784 : 8 + header.readUInt32BE(4));
  expect((await runCheck('01.1', mnistOnly)).message).toContain('2 dimensions');
});

test('01.2 to 01.5 on the real training and test sets', async () => {
  expect(await status('01.2', testSet.labels[0])).toBe('passed');
  expect(await status('01.2', (testSet.labels[0] + 1) % 10)).toBe('failed');

  const sevens: number[] = [];
  train.labels.forEach((label, i) => {
    if (label === 7 && sevens.length < 30) sevens.push(i);
  });
  expect(await status('01.3', sevens)).toBe('passed');
  expect(await status('01.3', Int32Array.from(sevens))).toBe('passed');
  expect((await runCheck('01.3', [...sevens.slice(1), sevens[0]])).message).toContain('not the first 30 in order');
  expect((await runCheck('01.3', sevens.map((i) => i + 1))).message).toContain('not 7s');

  const sums = Array.from({ length: train.count }, (_, i) => train.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0));
  const least = sums.indexOf(Math.min(...sums.slice(0, 30000), ...sums.slice(30000)));
  const most = sums.indexOf(Math.max(...sums.slice(0, 30000), ...sums.slice(30000)));
  expect(await status('01.4', { least, most })).toBe('passed');
  expect((await runCheck('01.4', { least: most, most: least })).message).toContain('swapped');
  expect(await status('01.4', { least, most: TODO })).toBe('not attempted');
  expect((await runCheck('01.4', { least })).message).toContain('`most` should be a finite number');

  const averages = new Float32Array(NUM_CLASSES * 784);
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  train.labels.forEach((label) => counts[label]++);
  for (let i = 0; i < train.count; i++) {
    for (let p = 0; p < 784; p++) averages[train.labels[i] * 784 + p] += train.images[i * 784 + p] / counts[train.labels[i]];
  }
  expect(await status('01.5', averages)).toBe('passed');
  expect((await runCheck('01.5', averages.map((v) => v / 255))).message).toContain('0-1 scale');
  expect(await status('01.5', averages.map((v) => (v * counts[0]) / train.count))).toBe('failed');
}, 30_000);

test('02.1 to 02.5 on the real training and test sets', async () => {
  const zeros = testSet.images.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  expect(await status('02.1', zeros / testSet.images.length)).toBe('passed');
  expect((await runCheck('02.1', (100 * zeros) / testSet.images.length)).message).toContain('not as a percentage');

  let most = 0;
  let mostSum = -1;
  for (let i = 0; i < train.count; i++) {
    const sum = train.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0);
    if (sum > mostSum) [most, mostSum] = [i, sum];
  }
  const full = train.images.subarray(most * 784, (most + 1) * 784).filter((v) => v === 255).length;
  expect(await status('02.2', full)).toBe('passed');
  expect(await status('02.2', full + 1)).toBe('failed');

  let sum = 0;
  let squares = 0;
  for (const v of train.images) {
    sum += v / 255;
    squares += (v / 255) ** 2;
  }
  const mean = sum / train.images.length;
  const std = Math.sqrt(squares / train.images.length - mean * mean);
  expect(await status('02.3', (v: number) => (v / 255 - mean) / std)).toBe('passed');
  expect((await runCheck('02.3', (v: number) => (v - mean) / std)).message).toContain('scale the pixel to 0-1 first');
  expect(await status('02.3', (v: number) => v / 255 - mean)).toBe('failed');

  let constant = 0;
  for (let p = 0; p < 784; p++) {
    let min = 255;
    let max = 0;
    for (let i = 0; i < train.count; i++) {
      const v = train.images[i * 784 + p];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) constant++;
  }
  expect(constant).toBeGreaterThan(0);
  expect(await status('02.4', constant)).toBe('passed');
  expect(await status('02.4', constant - 1)).toBe('failed');

  const fromOneHot = (rows: Float32Array) => Uint8Array.from({ length: rows.length / 10 }, (_, i) => rows.subarray(i * 10, i * 10 + 10).indexOf(1));
  expect(await status('02.5', fromOneHot)).toBe('passed');
  expect((await runCheck('02.5', (rows: Float32Array) => Array.from(fromOneHot(rows)))).message).toContain('Uint8Array');
  expect((await runCheck('02.5', (rows: Float32Array) => Uint8Array.from(fromOneHot(rows), (l) => (l + 1) % 10))).message).toContain('come back wrong');
}, 30_000);
