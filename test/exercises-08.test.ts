/**
 * The checks of chapter 08: a right answer passes, the starter's TODO is
 * "not attempted", and typical wrong answers fail with a hint that says what
 * is wrong without giving the answer.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useBestBackend } from '../lib/backend/select';
import { MODELS_DIR_ENV } from '../lib/base/paths';
import { PROFILE_ENV } from '../lib/base/profile';
import { loadMnist } from '../lib/data/mnist';
import { TODO } from '../lib/exercises/exercise';
import type { GrayImage } from '../lib/handwriting/gray-image';
import { type GapKind, makeNumberSet } from '../lib/numbers/number-set';
import { scoreNumbers } from '../lib/numbers/number-score';
import { readNumber } from '../lib/numbers/read-number';
import { hint, status } from './support/verdicts';

beforeAll(async () => {
  await useBestBackend({ backend: 'wasm', log: null });
});

/** Pieces of ink by union-find over neighbouring ink pixels, with 8 neighbours (right) or 4 (a typical mistake). */
const countPieces = (neighbours: 4 | 8) => (image: GrayImage): number => {
  const { width, pixels } = image;
  const parent = Int32Array.from(pixels, (_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  // Each pixel is joined to the ink among the neighbours already passed: left, and above (and the two above corners).
  const before = neighbours === 8 ? [[-1, 0], [-1, -1], [0, -1], [1, -1]] : [[-1, 0], [0, -1]];
  pixels.forEach((value, i) => {
    if (value <= 0) return;
    const [x, y] = [i % width, Math.floor(i / width)];
    for (const [dx, dy] of before) {
      const [nx, ny] = [x + dx, y + dy];
      if (nx >= 0 && nx < width && ny >= 0 && pixels[ny * width + nx] > 0) parent[root(ny * width + nx)] = root(i);
    }
  });
  return Array.from(pixels).filter((value, i) => value > 0 && root(i) === i).length;
};

test('08.1 counting pieces: 8 neighbours pass, 4 neighbours and row-by-row counting get a hint', async () => {
  expect(await status('08.1', countPieces(8))).toBe('passed');
  expect(await status('08.1', TODO)).toBe('not attempted');
  expect(await hint('08.1', countPieces(4))).toMatch(/corner/);
  // Counting the runs of ink that touch no ink in the row above: a U is counted as two pieces.
  const byRows = (image: GrayImage): number => {
    const ink = (x: number, y: number) => x >= 0 && y >= 0 && x < image.width && y < image.height && image.pixels[y * image.width + x] > 0;
    let count = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (!ink(x, y) || ink(x - 1, y)) continue;
        let end = x;
        while (ink(end + 1, y)) end++;
        let touches = false;
        for (let above = x - 1; above <= end + 1; above++) touches ||= ink(above, y - 1);
        if (!touches) count++;
      }
    }
    return count;
  };
  expect(await hint('08.1', byRows)).toMatch(/more pieces than there are/);
  expect(await hint('08.1', (image: GrayImage) => image.pixels.filter((v) => v > 0).length)).toMatch(/more pieces/);
  expect(await hint('08.1', () => 'four')).toMatch(/finite number/);
});

test('08.2 the ink profile: column sums pass; row sums and pixel counts get their own hints', async () => {
  const sums = (alongRows: boolean, count = false) => (image: GrayImage): number[] => {
    const out = new Array<number>(alongRows ? image.height : image.width).fill(0);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const value = image.pixels[y * image.width + x];
        out[alongRows ? y : x] += count ? Number(value > 0) : value;
      }
    }
    return out;
  };
  expect(await status('08.2', sums(false))).toBe('passed');
  expect(await status('08.2', (image: GrayImage) => Float64Array.from(sums(false)(image)))).toBe('passed');
  expect(await status('08.2', TODO)).toBe('not attempted');
  expect(await hint('08.2', sums(true))).toMatch(/one value per row/);
  expect(await hint('08.2', sums(false, true))).toMatch(/counts the inked pixels/);
  expect(await hint('08.2', (image: GrayImage) => sums(false)(image).map((v) => v / 255))).toMatch(/not the sum of each column/);
});

/** The spacing rule with its parts switchable, to make each typical mistake. */
const spacing = (options: { mean?: boolean; floor?: boolean; median?: boolean; atLimit?: boolean } = {}) => (digits: string, gaps: number[], height: number): string => {
  const sorted = [...gaps].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  const mean = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
  const typical = options.mean ? mean : median;
  const limit = Math.max(options.floor === false ? -Infinity : 0.6 * height, options.median === false ? -Infinity : 2 * typical);
  return [...digits].map((digit, i) => (i > 0 && (options.atLimit ? gaps[i - 1] >= limit : gaps[i - 1] > limit) ? ` ${digit}` : digit)).join('');
};

test('08.3 spaces from the gaps: the rule passes; the mean, a missing limit or >= get a hint each', async () => {
  expect(await status('08.3', spacing())).toBe('passed');
  expect(await status('08.3', TODO)).toBe('not attempted');
  expect(await hint('08.3', spacing({ mean: true }))).toMatch(/median/);
  expect(await hint('08.3', spacing({ floor: false }))).toMatch(/0\.6 digit heights/);
  expect(await hint('08.3', spacing({ median: false }))).toMatch(/twice the median/);
  expect(await hint('08.3', spacing({ atLimit: true }))).toMatch(/exactly at the limit/);
  expect(await hint('08.3', (digits: string) => digits.split('').join(' '))).toMatch(/should give a space before a digit/);
  expect(await hint('08.3', (digits: string) => digits.slice(1))).toMatch(/keep every digit/);
});

test('08.4 edit distance: the table passes; position by position and length differences get hints', async () => {
  const levenshtein = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
    return previous[b.length];
  };
  expect(await status('08.4', levenshtein)).toBe('passed');
  expect(await status('08.4', TODO)).toBe('not attempted');
  const byPosition = (a: string, b: string) => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => a[i] !== b[i]).filter(Boolean).length;
  expect(await hint('08.4', byPosition)).toMatch(/one missed digit is one error/);
  expect(await hint('08.4', (a: string, b: string) => Math.abs(a.length - b.length))).toMatch(/count the changes/);
  const hintText = await hint('08.4', (a: string, b: string) => levenshtein(a, b) + (a === b ? 0 : 1));
  expect(hintText).toMatch(/should be smaller/);
});

test('08.5 the per-digit accuracy of one kind, with the quick profile\'s CNN', async () => {
  const saved = { profile: process.env[PROFILE_ENV], models: process.env[MODELS_DIR_ENV] };
  const models = await fs.mkdtemp(path.join(os.tmpdir(), 'exercise-08-'));
  process.env[PROFILE_ENV] = 'quick';
  process.env[MODELS_DIR_ENV] = models;
  try {
    const { test: digits } = await loadMnist();
    const score = async (model: tfl.LayersModel, kind: GapKind) => {
      const results = [];
      for (const sample of makeNumberSet(digits, { perKind: 10, seed: 85, kinds: [kind] })) results.push({ truth: sample.text, read: (await readNumber(model, sample.image)).text });
      return scoreNumbers(results);
    };
    // The first check trains the quick profile's CNN into the empty models folder.
    expect(await status('08.5', async (model: tfl.LayersModel, kind: GapKind) => (await score(model, kind)).digitAccuracy)).toBe('passed');
    expect(await status('08.5', TODO)).toBe('not attempted');
    expect(await hint('08.5', async (model: tfl.LayersModel, kind: GapKind) => 100 * (await score(model, kind)).digitAccuracy)).toMatch(/between 0 and 1/);
    const strings = async (model: tfl.LayersModel, kind: GapKind) => (await score(model, kind)).stringAccuracy;
    expect(await hint('08.5', strings)).toMatch(/whole strings|should be (higher|lower)/);
    expect(await hint('08.5', async (model: tfl.LayersModel) => (await score(model, 'wide')).digitAccuracy)).toMatch(/should be (higher|lower)/);
  } finally {
    for (const [name, value] of [[PROFILE_ENV, saved.profile], [MODELS_DIR_ENV, saved.models]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await fs.rm(models, { recursive: true, force: true });
  }
}, 10 * 60 * 1000);

/** A box as exercise 08.6 gets it. */
interface LabelBox { x: number; y: number; width: number; height: number }
/** Exercise 08.6 written independently of lib, dividing the shared area by `over` (the union is right). */
const labelBy = (over: 'union' | 'piece', options: { strict?: boolean; betweenIsNot?: boolean } = {}) =>
  (piece: LabelBox, digits: { box: LabelBox; digit: number }[]): number | undefined => {
    const scored = digits.map(({ box, digit }) => {
      const shared = Math.max(0, Math.min(piece.x + piece.width, box.x + box.width) - Math.max(piece.x, box.x)) * Math.max(0, Math.min(piece.y + piece.height, box.y + box.height) - Math.max(piece.y, box.y));
      const area = piece.width * piece.height;
      return { digit, score: over === 'piece' ? shared / area : shared / (area + box.width * box.height - shared) };
    });
    const best = scored.reduce((a, b) => (b.score > a.score ? b : a), { digit: 10, score: 0 });
    if (options.strict ? best.score > 0.8 : best.score >= 0.8) return best.digit;
    return best.score < 0.6 || options.betweenIsNot ? 10 : undefined;
  };

test('08.6 labelling a piece: intersection over union passes; dividing by one box, calling in-between pieces not a digit, or > 0.8 get a hint each', async () => {
  expect(await status('08.6', labelBy('union'))).toBe('passed');
  expect(await status('08.6', TODO)).toBe('not attempted');
  expect(await hint('08.6', labelBy('piece'))).toMatch(/area the two boxes cover together/);
  expect(await hint('08.6', labelBy('union', { betweenIsNot: true }))).toMatch(/too close to call: return undefined/);
  expect(await hint('08.6', labelBy('union', { strict: true }))).toMatch(/exactly 0\.8 is enough/);
  expect(await hint('08.6', () => 'seven')).toMatch(/should return a digit, NOT_A_DIGIT \(10\) or undefined/);
  expect(await hint('08.6', () => 3)).toMatch(/expected/);
});
