/** The exercises of chapter 07, checked by `check('07.M', answer)` in the notebook. */
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '../base/random';
import { predictProbabilities, predictedLabels } from '../evaluation/predict';
import { createGrayImage, type GrayImage } from '../handwriting/gray-image';
import { rotateImage } from '../handwriting/hard-cases';
import { preprocessDigit } from '../handwriting/preprocess';
import { preprocessDigitFile } from '../handwriting/preprocess-file';
import { readImage } from '../handwriting/read-image';
import { recogniseDigits } from '../handwriting/recognise';
import { listSamples, samplesDir } from '../handwriting/samples';
import { loadOrTrainBestCnn } from '../train/best-cnn';
import { describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** The angles exercise 07.4 turns the picture by. */
export const ROTATION_ANGLES: readonly number[] = Array.from({ length: 13 }, (_, i) => 15 * i);

/** Runs `use` with the best CNN of the current profile (loaded quietly) and frees it afterwards (chapter 08's checks use it too). */
export async function withBestCnn<T>(use: (model: tfl.LayersModel) => Promise<T>): Promise<T> {
  const cnn = await loadOrTrainBestCnn({ log: () => undefined });
  try {
    return await use(cnn.model);
  } finally {
    cnn.model.dispose();
  }
}

/** A value as a list of numbers (an array or a typed array), or a hint. */
function numbers(value: unknown, what: string): number[] {
  expectThat(Array.isArray(value) || ArrayBuffer.isView(value), `${what} should be an array of numbers, not ${describeValue(value)}`);
  return Array.from(value as ArrayLike<number>, Number);
}

/** A small picture with a blob of ink off to one side, so centring by box and by mass differ. */
function lopsidedDigit(width: number, height: number): GrayImage {
  const image = createGrayImage(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.pixels[y * width + x] = x < width / 3 || y === 0 ? 255 : 40;
  return image;
}

export const CHAPTER_07_EXERCISES: ExerciseSet = {
  '07.1': {
    task: 'How many times more ink does the pen-width step give the thin 0 (sum of the 28x28 pixels, with the step over without)?',
    async check(answer) {
      const ratio = givenNumber(answer, 'the ratio');
      const file = path.join(samplesDir(), 'digit-0-thin.png');
      const sum = (pixels: Uint8Array): number => pixels.reduce((total, value) => total + value, 0);
      const withStep = sum((await preprocessDigitFile(file)).pixels);
      const without = sum((await preprocessDigitFile(file, { strokeShare: false })).pixels);
      expectThat(Math.abs(ratio - without / withStep) > 1e-3 * (without / withStep), 'that is the ratio the other way up: with the step over without');
      expectThat(Math.abs(ratio - withStep / without) <= 1e-3 * (withStep / without), 'add up all 784 pixels of `.pixels` with the default options and with { strokeShare: false }, then divide');
    },
  },
  '07.2': {
    task: 'Write centreByBox(scaled): the scaled digit placed in the middle of a 28x28 canvas by its bounding box.',
    check(answer) {
      const centreByBox = givenFunction(answer, 'centreByBox') as (scaled: GrayImage) => unknown;
      for (const [width, height] of [[8, 20], [20, 13], [5, 5], [20, 20], [11, 20]]) {
        const digit = lopsidedDigit(width, height);
        const result = numbers(given(centreByBox(digit)), `centreByBox(a ${width}x${height} image)`);
        expectThat(result.length === 784, `return the 28 x 28 = 784 pixels row by row, not ${result.length} values`);
        const fits = [Math.floor, Math.ceil].some((roundX) => [Math.floor, Math.ceil].some((roundY) => {
          const left = roundX((28 - width) / 2), top = roundY((28 - height) / 2);
          return result.every((value, i) => {
            const x = (i % 28) - left, y = Math.floor(i / 28) - top;
            const expected = x >= 0 && y >= 0 && x < width && y < height ? digit.pixels[y * width + x] : 0;
            return Math.abs(value - expected) <= 1;
          });
        }));
        const inked = result.reduce((total, value) => total + value, 0);
        expectThat(inked > 0, `the ${width}x${height} digit left no ink on the canvas: copy its pixels into it`);
        expectThat(fits, `a ${width}x${height} digit should start (28 - ${width}) / 2 columns from the left and (28 - ${height}) / 2 rows from the top, its pixels copied unchanged and the rest 0`);
      }
    },
  },
  '07.3': {
    task: 'Write shiftRight(pixels, k): a 28x28 image moved k pixels to the right, zeros coming in from the left.',
    check(answer) {
      const shiftRight = givenFunction(answer, 'shiftRight') as (pixels: Uint8Array, k: number) => unknown;
      const random = new SeededRandom(73);
      const image = Uint8Array.from({ length: 784 }, () => (random.next() < 0.3 ? 1 + random.nextInt(255) : 0));
      const shifted = (k: number, direction: 1 | -1): number[] => Array.from(image, (_, i) => {
        const x = (i % 28) - direction * k;
        return x >= 0 && x < 28 ? image[i - direction * k] : 0;
      });
      for (const k of [0, 1, 3, 6, 27]) {
        const result = numbers(given(shiftRight(image.slice(), k)), `shiftRight(pixels, ${k})`);
        expectThat(result.length === 784, `return all 28 x 28 = 784 pixels, not ${result.length} values`);
        const same = (expected: number[]): boolean => expected.every((value, i) => value === result[i]);
        expectThat(k === 0 || !same(shifted(k, -1)), 'that moves the image to the left: pixel (x, y) of the result comes from (x - k, y)');
        expectThat(same(shifted(k, 1)), `shifting by ${k} is off: each row moves on its own (no pixel wraps into the next row), and the first ${k} columns become 0`);
      }
    },
  },
  '07.4': {
    task: 'The first angle (0, 15, ..., 180 degrees) at which the best CNN misreads the uneven-light 2 turned clockwise, or null.',
    async check(answer) {
      const angle = given(answer);
      expectThat(angle === null || (typeof angle === 'number' && ROTATION_ANGLES.includes(angle)), `answer one of the angles ${ROTATION_ANGLES.join(', ')}, or null if every angle is read as a 2`);
      const image = await readImage(path.join(samplesDir(), 'digit-2-uneven-light.png'));
      const first = await withBestCnn(async (model) => {
        for (const degrees of ROTATION_ANGLES) {
          const prepared = preprocessDigit(rotateImage(image, degrees));
          if (predictedLabels(await predictProbabilities(model, prepared.digitSet))[0] !== 2) return degrees;
        }
        return null;
      });
      expectThat(angle === first, angle === null ? 'the network does misread it at some angle: try every angle in turn' : 'not the first angle where the answer is not 2: turn the picture with rotateImage before preparing it, and try the angles in order');
    },
  },
  '07.5': {
    task: 'Write countRight(model): how many of the sample pictures a model reads correctly.',
    async check(answer) {
      const countRight = givenFunction(answer, 'countRight') as (model: tfl.LayersModel) => unknown;
      const samples = await listSamples();
      await withBestCnn(async (model) => {
        const results = await recogniseDigits(model, samples.map((sample) => sample.file));
        const expected = results.filter((result, i) => 'digit' in result && result.digit === samples[i].digit).length;
        const count = givenNumber(await countRight(model), 'what countRight returns');
        expectThat(count === expected, `for the best CNN the count should be ${count > expected ? 'smaller' : 'larger'}: compare each recognised digit with the sample's own digit (from listSamples)`);
      });
    },
  },
};
