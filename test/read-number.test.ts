/**
 * Reading a handwritten number (chapter 08) on real MNIST test digits and the
 * full-profile best CNN and piece checker (test/support/full-cnn.ts: the
 * project's, or ones trained once for the tests): the segmentation on constructed cases (a known gap, a
 * broken digit, touching digits, a space between groups), the evaluation on
 * a small seeded test set, and `npm run predict -- --number` with its text,
 * its JSON and its bad input.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useBestBackend } from '../lib/backend/select';
import type { DigitSet } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { predictedLabels, predictProbabilities } from '../lib/evaluation/predict';
import { createGrayImage } from '../lib/handwriting/gray-image';
import { makeNumberImage, makeNumberSet, type PixelBox } from '../lib/numbers/number-set';
import { scoreNumbers } from '../lib/numbers/number-score';
import { readNumber } from '../lib/numbers/read-number';
import { loadModel } from '../lib/models/persist';
import { loadPieceChecker } from '../lib/train/piece-checker';
import { expectFileError } from './support/file-error';
import { fullBestCnnDir, fullPieceCheckerDir } from './support/full-cnn';
import { pngBytes } from './support/image-files';

const run = promisify(execFile);
const predictCommand = path.join(__dirname, '..', 'tools', 'dist', 'cli', 'predict.js');

let work: string;
let modelDir: string;
let model: tfl.LayersModel;
let checkerDir: string;
let pieceChecker: tfl.LayersModel;
let mnistTest: DigitSet;
/** For each digit 0-9, MNIST test images the model reads right at 99% or more on their own, so a misreading below is the segmentation's. */
const clear: number[][] = Array.from({ length: 10 }, () => []);

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-read-number-'));
  await useBestBackend({ log: () => undefined });
  modelDir = await fullBestCnnDir();
  model = (await loadModel(modelDir)).model;
  checkerDir = await fullPieceCheckerDir();
  pieceChecker = (await loadPieceChecker(checkerDir)).model;
  mnistTest = (await loadMnist()).test;
  const first = 2000;
  const probabilities = await predictProbabilities(model, { images: mnistTest.images.subarray(0, first * 784), count: first, rows: 28, cols: 28 });
  const labels = predictedLabels(probabilities);
  for (let i = 0; i < first; i++) if (labels[i] === mnistTest.labels[i] && probabilities[i * 10 + labels[i]] >= 0.99) clear[mnistTest.labels[i]].push(i);
}, 600_000);

afterAll(async () => {
  model?.dispose();
  pieceChecker?.dispose();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** A clearly written example of each digit of `text` (the n-th clear one), as MNIST test indices. */
const indicesOf = (text: string, n = 0) => Array.from(text, (c) => clear[Number(c)][n % clear[Number(c)].length]);

/** Boxes agree when every side is within `slack` pixels. */
function expectBoxesNear(found: readonly PixelBox[], truth: readonly PixelBox[], slack = 3): void {
  expect(found).toHaveLength(truth.length);
  found.forEach((box, i) => {
    const [x, y, w, h] = truth[i];
    expect({ digit: i, left: Math.abs(box[0] - x) <= slack, right: Math.abs(box[0] + box[2] - (x + w)) <= slack, top: Math.abs(box[1] - y) <= slack, bottom: Math.abs(box[1] + box[3] - (y + h)) <= slack })
      .toEqual({ digit: i, left: true, right: true, top: true, bottom: true });
  });
}

describe('readNumber on constructed cases', () => {
  test('two digits with a known gap: two digits, in their boxes', async () => {
    for (const [text, gap] of [['37', 12], ['80', 4], ['14', 20]] as const) {
      const made = makeNumberImage(mnistTest, { indices: indicesOf(text), gaps: [gap], seed: 3 });
      const reading = await readNumber(model, made.image);
      expect(reading.text).toBe(text);
      expectBoxesNear(reading.digits.map((digit) => digit.box), made.boxes);
      expect(reading.splits.every((split) => split.cuts.length === 0)).toBe(true);
    }
  });

  test('a digit broken in two (a gap across its middle) is read as one digit', async () => {
    const made = makeNumberImage(mnistTest, { indices: indicesOf('717'), gaps: [14, 14], seed: 4 });
    // Paper across the middle 1's box, 3 rows high: its two halves are separate pieces of ink.
    const [x, y, w, h] = made.boxes[1];
    const broken = createGrayImage(made.image.width, made.image.height);
    broken.pixels.set(made.image.pixels);
    const paper = made.image.pixels[0];
    for (let row = y + Math.floor(h / 2) - 1; row <= y + Math.floor(h / 2) + 1; row++) broken.pixels.fill(paper, row * broken.width + x - 2, row * broken.width + x + w + 2);
    const reading = await readNumber(model, broken);
    expect(reading.segmentation.components.length).toBeGreaterThanOrEqual(4);
    expect(reading.text).toBe('717');
  });

  test('two touching digits are cut apart', async () => {
    let read = 0;
    const pairs = ['34', '52', '06', '38', '27', '49'];
    for (const [n, text] of pairs.entries()) {
      const made = makeNumberImage(mnistTest, { indices: indicesOf(text, n), gaps: [-2], seed: 10 + n });
      const reading = await readNumber(model, made.image);
      if (reading.segmentation.segments.length === 1) expect(reading.splits[0].candidates.length).toBeGreaterThan(0);
      expect(reading.digits.length).toBeGreaterThanOrEqual(1);
      if (reading.text === text) read++;
    }
    // Touching pairs are the hard case: most, not all, are read right.
    expect(read).toBeGreaterThanOrEqual(4);
  });

  test('a space between groups shows in `spaced`, not in `text`', async () => {
    const made = makeNumberImage(mnistTest, { indices: indicesOf('0612'), gaps: [4, 60, 4], seed: 5 });
    const reading = await readNumber(model, made.image);
    expect(reading.text).toBe('0612');
    expect(reading.spaced).toBe('06 12');
    const even = makeNumberImage(mnistTest, { indices: indicesOf('0612'), gaps: [12, 12, 12], seed: 5 });
    expect((await readNumber(model, even.image)).spaced).toBe('0612');
  });

  test('confidence is the product of the digits\' confidences; light ink on dark paper reads the same', async () => {
    const made = makeNumberImage(mnistTest, { indices: indicesOf('2024'), gaps: [8, 8, 8], seed: 6 });
    const reading = await readNumber(model, made.image);
    expect(reading.confidence).toBeCloseTo(reading.digits.reduce((p, digit) => p * digit.confidence, 1), 10);
    const inverted = createGrayImage(made.image.width, made.image.height);
    for (let i = 0; i < inverted.pixels.length; i++) inverted.pixels[i] = 255 - made.image.pixels[i];
    expect((await readNumber(model, inverted)).text).toBe(reading.text);
  });

  test('a blank picture is refused, naming it', async () => {
    await expectFileError(readNumber(model, createGrayImage(300, 80, 230), { source: 'blank.png' }), 'blank.png', /no ink found/);
  });
});

test('on a small seeded test set every kind is read far above chance (full-profile figures: chapter 08)', async () => {
  const set = makeNumberSet(mnistTest, { perKind: 4, seed: 2 });
  for (const kind of ['wide', 'narrow', 'touching', 'grouped'] as const) {
    const results = [];
    for (const sample of set.filter((each) => each.kind === kind)) results.push({ truth: sample.text, read: (await readNumber(model, sample.image)).text });
    const score = scoreNumbers(results);
    expect(score.strings).toBe(4);
    // Chance is 10% per digit (the chapter shows the full figures: 96-98% separated, about 70% touching).
    expect({ kind, digitAccuracy: score.digitAccuracy > 0.5 }).toEqual({ kind, digitAccuracy: true });
  }
}, 120_000);

test('the piece checker makes touching digits read better: fewer pieces that are not one digit win', async () => {
  const set = makeNumberSet(mnistTest, { perKind: 8, seed: 3, kinds: ['touching'] });
  const alone = [];
  const checked = [];
  for (const sample of set) {
    alone.push({ truth: sample.text, read: (await readNumber(model, sample.image)).text });
    checked.push({ truth: sample.text, read: (await readNumber(model, sample.image, { pieceChecker })).text });
  }
  const [before, after] = [scoreNumbers(alone), scoreNumbers(checked)];
  // Measured: 68.5% of the digits alone, 96.3% with the checker (chapter 08: 92.0% on its 150 touching strings).
  expect(after.digitAccuracy).toBeGreaterThan(before.digitAccuracy + 0.1);
  expect(after.digitAccuracy).toBeGreaterThan(0.85);
}, 120_000);

test('a piece checker that is not one is refused before any reading', async () => {
  const made = makeNumberImage(mnistTest, { indices: indicesOf('12'), gaps: [10], seed: 2 });
  await expect(readNumber(model, made.image, { pieceChecker: model })).rejects.toThrow(/has 10 outputs, not a piece checker's 11/);
});

describe('npm run predict -- --number', () => {
  let numberFile: string;
  let truth: string;

  beforeAll(async () => {
    truth = '4096';
    const made = makeNumberImage(mnistTest, { indices: indicesOf(truth), gaps: [10, 10, 10], seed: 7 });
    numberFile = path.join(work, 'number.png');
    await fs.writeFile(numberFile, pngBytes(made.image));
  });

  async function predict(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [predictCommand, '--model', modelDir, '--number', ...(args.includes('--no-checker') ? [] : ['--checker', checkerDir]), ...args], {
        env: { ...process.env, MNIST_BACKEND: 'wasm' },
      });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number };
      return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
  }

  test('prints each image\'s digits and confidence', async () => {
    const { stdout, code } = await predict([numberFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${numberFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${truth} \\(\\d{1,3}\\.\\d%\\)\\n$`));
  });

  test('--json gives file, text, spaced, confidence and each digit with its box in the image\'s pixels', async () => {
    const { stdout, code } = await predict(['--json', numberFile]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { file: string; text: string; spaced: string; confidence: number; digits: { digit: number; confidence: number; box: number[] }[] };
    expect(result.file).toBe(numberFile);
    expect(result.text).toBe(truth);
    expect(result.digits.map((digit) => digit.digit).join('')).toBe(truth);
    expect(result.confidence).toBeCloseTo(result.digits.reduce((p, digit) => p * digit.confidence, 1), 4);
    for (const { box } of result.digits) {
      expect(box).toHaveLength(4);
      expect(box.every((value) => Number.isInteger(value) && value >= 0)).toBe(true);
    }
  });

  test('a missing file and a file that is not an image get errors naming them; the others are still read', async () => {
    const notes = path.join(work, 'notes.png');
    await fs.writeFile(notes, 'not a picture\n');
    const missing = path.join(work, 'missing.png');
    const { stdout, stderr, code } = await predict([missing, numberFile, notes]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${numberFile}: ${truth} (`);
    expect(stderr).toContain(`error: ${missing}: file not found`);
    expect(stderr).toContain(`error: ${notes}: not a PNG or JPEG image`);
    const json = await predict(['--json', notes, numberFile]);
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; error?: string; text?: string });
    expect(lines.map((line) => line.file)).toEqual([notes, numberFile]);
    expect(lines[0].error).toMatch(/not a PNG or JPEG image/);
    expect(lines[1].text).toBe(truth);
  });

  test('--no-checker reads with the classifier alone; --checker needs --number, and must name a piece checker', async () => {
    const alone = await predict(['--no-checker', '--json', numberFile]);
    expect(alone.code).toBe(0);
    expect((JSON.parse(alone.stdout) as { text: string }).text).toBe(truth);
    const misplaced = await run(process.execPath, [predictCommand, '--checker', checkerDir, numberFile]).catch((error: { code: number; stderr: string }) => error);
    expect(misplaced).toMatchObject({ code: 2, stderr: expect.stringContaining('--checker goes with --number only') as unknown });
    const wrong = await run(process.execPath, [predictCommand, '--model', modelDir, '--number', '--checker', modelDir, numberFile]).catch((error: { code: number; stderr: string }) => error);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('not a piece checker: it has 10 outputs') as unknown });
    expect((wrong as { stderr: string }).stderr).toContain(path.join(modelDir, 'model.json'));
  });
});
