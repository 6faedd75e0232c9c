/**
 * The checks of chapters 06 and 07 whose answers need no trained model:
 * a right answer passes, the starter's TODO is "not attempted", and typical
 * wrong answers fail with a hint that does not contain the answer.
 */
import * as path from 'node:path';
import { TODO } from '../lib/exercises/exercise';
import { runCheck } from '../lib/exercises/registry';
import { status } from './support/verdicts';
import { currentProfile } from '../lib/base/profile';
import { loadMnist, mnistForProfile } from '../lib/data/mnist';
import type { GrayImage } from '../lib/handwriting/gray-image';
import { preprocessDigitFile } from '../lib/handwriting/preprocess-file';
import { samplesDir } from '../lib/handwriting/samples';

type Matrix = number[][];
const rowSum = (row: number[]): number => row.reduce((a, b) => a + b, 0);
const top = (p: Float32Array, i: number): number => {
  const row = Array.from(p.subarray(i * 10, i * 10 + 10));
  return row.indexOf(Math.max(...row));
};

describe('chapter 06 checks', () => {
  test('06.1 precision and recall from a matrix', async () => {
    const right = (m: Matrix, d: number) => ({ precision: m[d][d] / rowSum(m.map((row) => row[d])), recall: m[d][d] / rowSum(m[d]) });
    const swapped = (m: Matrix, d: number) => ({ precision: right(m, d).recall, recall: right(m, d).precision });
    expect(await status('06.1', right)).toBe('passed');
    expect(await status('06.1', TODO)).toBe('not attempted');
    const verdict = await runCheck('06.1', swapped);
    expect(verdict.status).toBe('failed');
    expect(verdict.message).toMatch(/swapped/);
  });

  test('06.2 the lazy classifier, on the current profile\'s test labels', async () => {
    const { test } = mnistForProfile(await loadMnist(), currentProfile());
    const share = test.labels.filter((label) => label === 9).length / test.count;
    const f1 = (2 * share) / (share + 1);
    expect(await status('06.2', { precision: share, recall: 1, f1, accuracy: share })).toBe('passed');
    expect(await status('06.2', { precision: TODO, recall: TODO, f1: TODO, accuracy: TODO })).toBe('not attempted');
    const wrong = await runCheck('06.2', { precision: 1, recall: share, f1, accuracy: share });
    expect(wrong.status).toBe('failed');
    expect(wrong.message).not.toContain(share.toFixed(4));
  });

  test('06.3, 06.4 and 06.5 take functions and try them on data of their own', async () => {
    const keepSure = (p: Float32Array, labels: Uint8Array, threshold: number) => {
      let kept = 0, good = 0;
      labels.forEach((label, i) => {
        if (p[i * 10 + top(p, i)] < threshold) return;
        kept++;
        if (top(p, i) === label) good++;
      });
      return { kept, accuracy: good / kept };
    };
    expect(await status('06.3', keepSure)).toBe('passed');
    expect(await status('06.3', (_p: Float32Array, l: Uint8Array) => ({ kept: l.length, accuracy: 1 }))).toBe('failed');

    const only = (labels: Uint8Array, a: Uint8Array, b: Uint8Array) => Array.from(labels).flatMap((l, i) => (a[i] === l && b[i] !== l ? [i] : []));
    expect(await status('06.4', only)).toBe('passed');
    expect((await runCheck('06.4', (l: Uint8Array, a: Uint8Array, b: Uint8Array) => only(l, b, a))).message).toMatch(/other way round/);

    const mostSure = (labels: Uint8Array, p: Float32Array, digit: number) => {
      let best = -1;
      labels.forEach((l, i) => {
        if (l === digit && top(p, i) === digit && (best < 0 || p[i * 10 + digit] > p[best * 10 + digit])) best = i;
      });
      return best;
    };
    expect(await status('06.5', mostSure)).toBe('passed');
    expect(await status('06.5', (labels: Uint8Array, _p: Float32Array, digit: number) => labels.indexOf(digit))).toBe('failed');
  });
});

describe('chapter 07 checks that need no model', () => {
  test('07.1 the ink ratio of the thin 0', async () => {
    const file = path.join(samplesDir(), 'digit-0-thin.png');
    const ink = async (options = {}) => (await preprocessDigitFile(file, options)).pixels.reduce((a, b) => a + b, 0);
    const ratio = (await ink()) / (await ink({ strokeShare: false }));
    expect(ratio).toBeGreaterThan(1.5);
    expect(await status('07.1', ratio)).toBe('passed');
    expect((await runCheck('07.1', 1 / ratio)).message).toMatch(/other way up/);
  });

  test('07.2 centring by the box accepts either rounding of an odd margin', async () => {
    const centre = (round: (x: number) => number) => (scaled: GrayImage) => {
      const out = new Uint8Array(784);
      const left = round((28 - scaled.width) / 2), topRow = round((28 - scaled.height) / 2);
      for (let y = 0; y < scaled.height; y++) for (let x = 0; x < scaled.width; x++) out[(topRow + y) * 28 + left + x] = Math.round(scaled.pixels[y * scaled.width + x]);
      return out;
    };
    expect(await status('07.2', centre(Math.floor))).toBe('passed');
    expect(await status('07.2', centre(Math.ceil))).toBe('passed');
    expect(await status('07.2', centre(() => 0))).toBe('failed');
  });

  test('07.3 shifting right, not left, with no wrap between rows', async () => {
    const shift = (direction: 1 | -1) => (pixels: Uint8Array, k: number) => Uint8Array.from(pixels, (_, i) => {
      const x = (i % 28) - direction * k;
      return x >= 0 && x < 28 ? pixels[i - direction * k] : 0;
    });
    expect(await status('07.3', shift(1))).toBe('passed');
    expect((await runCheck('07.3', shift(-1))).message).toMatch(/to the left/);
    const wrapping = (pixels: Uint8Array, k: number) => Uint8Array.from(pixels, (_, i) => (i >= k ? pixels[i - k] : 0));
    expect(await status('07.3', wrapping)).toBe('failed');
  });
});
