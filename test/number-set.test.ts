/** The generated test set of whole numbers (chapter 08) and its scoring. */
import type { DigitSet } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { inkBox } from '../lib/handwriting/crop';
import { inkOnDark } from '../lib/handwriting/polarity';
import { cleanBackground } from '../lib/handwriting/threshold';
import { GAP_KINDS, GAP_RANGES, type GapKind, INK_LEVEL, makeNumberImage, makeNumberSet, type NumberSample } from '../lib/numbers/number-set';
import { editDistance, scoreNumbers } from '../lib/numbers/number-score';

let mnistTest: DigitSet;
let set: NumberSample[];

beforeAll(async () => {
  mnistTest = (await loadMnist()).test;
  set = makeNumberSet(mnistTest, { perKind: 100, seed: 8 });
});

const pixelBytes = (sample: NumberSample) => Buffer.from(sample.image.pixels.buffer, sample.image.pixels.byteOffset, sample.image.pixels.byteLength);

/** The samples are equal, their pixels bit for bit. */
function expectSame(actual: readonly NumberSample[], expected: readonly NumberSample[]): void {
  const described = (samples: readonly NumberSample[]) => samples.map(({ image, ...rest }) => ({ ...rest, width: image.width, height: image.height }));
  expect(described(actual)).toEqual(described(expected));
  actual.forEach((sample, i) => expect(pixelBytes(sample).equals(pixelBytes(expected[i]))).toBe(true));
}

const ofKind = (kind: GapKind) => set.filter((sample) => sample.kind === kind);

/** The ink as lib's preparation of a photo finds it (background subtracted, thresholded), in 8-connected pieces: -1 = paper. */
function inkPieces(sample: NumberSample): Int32Array {
  const { width, height } = sample.image;
  const ink = cleanBackground(inkOnDark(sample.image).image).image.pixels;
  const labels = new Int32Array(width * height).fill(-1);
  let next = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] >= 0 || ink[start] === 0) continue;
    const stack = [start];
    labels[start] = next;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          const y = py + dy;
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const q = y * width + x;
          if (labels[q] < 0 && ink[q] > 0) {
            labels[q] = next;
            stack.push(q);
          }
        }
      }
    }
    next++;
  }
  return labels;
}

/** The q quantile of the grey levels counted in a histogram. */
function histogramQuantile(histogram: Uint32Array, q: number): number {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  let seen = 0;
  for (let level = 0; level < histogram.length; level++) {
    seen += histogram[level];
    if (seen > q * total) return level;
  }
  return histogram.length - 1;
}

/** For each neighbouring pair: is there one piece of ink with plenty of pixels in each digit's own part of its box? */
function pairsConnected(sample: NumberSample): boolean[] {
  const { width } = sample.image;
  const labels = inkPieces(sample);
  const counts = (x0: number, x1: number, y0: number, y1: number) => {
    const found = new Map<number, number>();
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (labels[y * width + x] >= 0) found.set(labels[y * width + x], (found.get(labels[y * width + x]) ?? 0) + 1);
    return found;
  };
  return sample.gaps.map((_, i) => {
    const [ax, ay, aw, ah] = sample.boxes[i];
    const [bx, by, bw, bh] = sample.boxes[i + 1];
    const left = counts(ax, Math.min(ax + aw, bx), ay, ay + ah);
    const right = counts(Math.max(bx, ax + aw), bx + bw, by, by + bh);
    return [...left].some(([label, n]) => n >= 15 && (right.get(label) ?? 0) >= 15);
  });
}

describe('makeNumberSet', () => {
  test('makes perKind strings of each kind, kind by kind', () => {
    expect(set).toHaveLength(400);
    expect(set.map((sample) => sample.kind)).toEqual(GAP_KINDS.flatMap((kind) => Array(100).fill(kind)));
  });

  test('is reproducible: the same options give the same samples bit for bit, another seed others', () => {
    const a = makeNumberSet(mnistTest, { perKind: 3, seed: 5 });
    const b = makeNumberSet(mnistTest, { perKind: 3, seed: 5 });
    expectSame(b, a);
    const c = makeNumberSet(mnistTest, { perKind: 3, seed: 6 });
    expect(c.map((s) => s.text)).not.toEqual(a.map((s) => s.text));
    expect(pixelBytes(c[0]).equals(pixelBytes(a[0]))).toBe(false);
    // A kind's strings do not depend on the other kinds asked for.
    const touching = makeNumberSet(mnistTest, { perKind: 3, seed: 5, kinds: ['touching'] });
    expectSame(touching, a.filter((s) => s.kind === 'touching'));
  });

  test('gives the kinds asked for, in the order of GAP_KINDS, perKind of each', () => {
    expect(set.map((s) => s.kind)).toEqual(GAP_KINDS.flatMap((kind) => Array<GapKind>(100).fill(kind)));
    const some = makeNumberSet(mnistTest, { perKind: 2, seed: 1, kinds: ['grouped', 'wide'] });
    expect(some.map((s) => s.kind)).toEqual(['wide', 'wide', 'grouped', 'grouped']);
    expect(makeNumberSet(mnistTest, { perKind: 0, seed: 1 })).toEqual([]);
  });

  test('uses only digits of the set given, each labelled as the set labels it', () => {
    for (const sample of set) {
      expect(sample.text).toMatch(/^[0-9]+$/);
      expect(sample.sourceIndices).toHaveLength(sample.text.length);
      sample.sourceIndices.forEach((index, i) => {
        expect(Number.isInteger(index) && index >= 0 && index < mnistTest.count).toBe(true);
        expect(sample.text[i]).toBe(String(mnistTest.labels[index]));
      });
    }
    // Digits are drawn across the set, not from a small part of it.
    const indices = set.flatMap((s) => s.sourceIndices);
    expect(new Set(indices).size).toBeGreaterThan(indices.length * 0.7);
    const perDigit = [...set.map((s) => s.text).join('')].reduce((counts, digit) => counts.set(digit, (counts.get(digit) ?? 0) + 1), new Map<string, number>());
    expect(perDigit.size).toBe(10);
    for (const count of perDigit.values()) expect(count).toBeGreaterThan(indices.length / 10 / 2);
  });

  test('string lengths cover the range asked for, 3-10 by default', () => {
    const lengths = set.map((s) => s.text.length);
    expect(Math.min(...lengths)).toBe(3);
    expect(Math.max(...lengths)).toBe(10);
    const short = makeNumberSet(mnistTest, { perKind: 10, seed: 2, lengths: [5, 6] });
    expect(new Set(short.map((s) => s.text.length))).toEqual(new Set([5, 6]));
    const single = makeNumberSet(mnistTest, { perKind: 2, seed: 2, lengths: [1, 1] });
    for (const sample of single) {
      expect(sample.text).toHaveLength(1);
      expect(sample.gaps).toEqual([]);
      expect(sample.spaced).toBe(sample.text);
    }
  });

  test('boxes lie inside the image, in reading order, digit-sized, and their gaps are the gaps given', () => {
    for (const sample of set) {
      const { width, height, pixels } = sample.image;
      expect(pixels).toHaveLength(width * height);
      expect(sample.boxes).toHaveLength(sample.text.length);
      expect(sample.gaps).toHaveLength(sample.text.length - 1);
      for (const [x, y, w, h] of sample.boxes) {
        expect([x, y, w, h].every(Number.isInteger)).toBe(true);
        expect(x >= 10 && y >= 10 && x + w <= width - 10 && y + h <= height - 10).toBe(true);
        expect(h).toBeGreaterThanOrEqual(38);
        expect(h).toBeLessThanOrEqual(58);
        expect(w).toBeGreaterThanOrEqual(3);
      }
      sample.gaps.forEach((gap, i) => {
        const [ax, , aw] = sample.boxes[i];
        const [bx, , bw] = sample.boxes[i + 1];
        expect(bx - (ax + aw)).toBe(gap);
        expect(bx).toBeGreaterThan(ax); // reading order
        expect(bx + bw).toBeGreaterThan(ax + aw);
      });
    }
    // Digit heights are mostly 40-56 px.
    const heights = set.flatMap((s) => s.boxes.map((box) => box[3]));
    expect(heights.filter((h) => h >= 40 && h <= 56).length / heights.length).toBeGreaterThan(0.99);
  });

  test("each kind's gaps fall in its range, and every value of the range occurs", () => {
    for (const kind of ['wide', 'narrow', 'touching'] as const) {
      const gaps = ofKind(kind).flatMap((s) => s.gaps);
      const [low, high] = GAP_RANGES[kind];
      expect(Math.min(...gaps)).toBe(low);
      expect(Math.max(...gaps)).toBe(high);
      expect(gaps.every(Number.isInteger)).toBe(true);
    }
    for (const sample of ofKind('grouped')) {
      for (const gap of sample.gaps) {
        const inGroup = gap >= GAP_RANGES.narrow[0] && gap <= GAP_RANGES.narrow[1];
        const between = gap >= Math.floor(0.8 * 44) && gap <= Math.ceil(1.5 * 51);
        expect(inGroup || between).toBe(true);
      }
    }
  });

  test('grouped strings: spaced has a space exactly at each big gap, groups of 2-4 digits; other kinds have none', () => {
    for (const sample of set) {
      expect(sample.spaced.replace(/ /g, '')).toBe(sample.text);
      expect(sample.spaced).not.toMatch(/^ | $| {2}/);
      if (sample.kind !== 'grouped') {
        expect(sample.spaced).toBe(sample.text);
        continue;
      }
      const groups = sample.spaced.split(' ');
      const breaks = new Set<number>();
      let at = 0;
      for (const group of groups.slice(0, -1)) {
        at += group.length;
        breaks.add(at - 1);
      }
      sample.gaps.forEach((gap, i) => expect(gap > GAP_RANGES.narrow[1]).toBe(breaks.has(i)));
      if (sample.text.length >= 4) {
        expect(groups.length).toBeGreaterThanOrEqual(2);
        for (const group of groups) expect(group.length >= 2 && group.length <= 4).toBe(true);
      } else if (sample.text.length >= 2) {
        expect(groups).toHaveLength(2);
      }
    }
  });

  test('the picture is dark ink on lighter paper, in whole grey levels', () => {
    for (const sample of set) {
      const { width, height, pixels } = sample.image;
      let notLevels = 0;
      for (const v of pixels) if (!Number.isInteger(v) || v < 0 || v > 255) notLevels++;
      expect(notLevels).toBe(0);
      const boxed = new Uint8Array(width * height); // 1 within 3 px of a box
      for (const [bx, by, bw, bh] of sample.boxes) {
        for (let y = Math.max(0, by - 3); y < Math.min(height, by + bh + 3); y++) boxed.fill(1, y * width + Math.max(0, bx - 3), y * width + Math.min(width, bx + bw + 3));
      }
      const paper = new Uint32Array(256);
      const inked = new Uint32Array(256);
      for (let i = 0; i < pixels.length; i++) (boxed[i] ? inked : paper)[pixels[i]]++;
      const paperLevel = histogramQuantile(paper, 0.5);
      expect(paperLevel).toBeGreaterThan(140);
      expect(histogramQuantile(paper, 0.001)).toBeGreaterThan(100); // no ink outside the boxes
      expect(histogramQuantile(inked, 0.03)).toBeLessThan(paperLevel - 90); // solid ink inside them
    }
  });

  test('touching digits really touch: the ink of most neighbours is one piece; narrow and wide ones are apart', () => {
    // (A part of the set: finding the ink of every picture takes a while.)
    const touching = ofKind('touching').slice(0, 50).flatMap(pairsConnected);
    expect(touching.filter(Boolean).length / touching.length).toBeGreaterThan(0.85);
    const apart = [...ofKind('narrow').slice(0, 25), ...ofKind('wide').slice(0, 25)].flatMap(pairsConnected);
    expect(apart.filter(Boolean).length / apart.length).toBeLessThan(0.02);
  });

  test('refuses bad options with a RangeError naming the problem', () => {
    const nine: DigitSet = { ...mnistTest, count: 9 };
    expect(() => makeNumberSet(nine, { perKind: 1, seed: 1 })).toThrow(RangeError);
    expect(() => makeNumberSet(nine, { perKind: 1, seed: 1 })).toThrow(/9 digits; at least 10/);
    for (const lengths of [[0, 3], [3, 21], [5, 4], [2.5, 4]] as const) {
      expect(() => makeNumberSet(mnistTest, { perKind: 1, seed: 1, lengths })).toThrow(/lengths/);
    }
    expect(() => makeNumberSet(mnistTest, { perKind: -1, seed: 1 })).toThrow(/perKind/);
    expect(() => makeNumberSet(mnistTest, { perKind: 1, seed: Number.NaN })).toThrow(/seed/);
    expect(() => makeNumberSet(mnistTest, { perKind: 1, seed: 1, kinds: [] })).toThrow(/kinds/);
    expect(() => makeNumberSet(mnistTest, { perKind: 1, seed: 1, kinds: ['dense' as GapKind] })).toThrow(/unknown gap kind "dense"/);
    const unlabelled: DigitSet = { ...mnistTest, labels: new Uint8Array(mnistTest.count).fill(255) };
    expect(() => makeNumberSet(unlabelled, { perKind: 1, seed: 1 })).toThrow(/not a digit 0-9/);
  });
});

describe('makeNumberImage', () => {
  test('writes the digits given with exactly the gaps given; the boxes are the ink boxes of the visible ink', () => {
    const indices = [0, 1, 2, 3, 4];
    const gaps = [20, 12, 15, 18];
    const made = makeNumberImage(mnistTest, { indices, gaps, seed: 3 });
    expect(made.gaps).toEqual(gaps);
    expect(made.ink.width).toBe(made.image.width);
    made.boxes.forEach(([x, y, w, h], i) => {
      if (i > 0) expect(x - (made.boxes[i - 1][0] + made.boxes[i - 1][2])).toBe(gaps[i - 1]);
      // Each digit stands alone here: the visible ink (coverage >= INK_LEVEL) around its box is exactly its box.
      const x0 = x - 5;
      const x1 = x + w + 5;
      const region = { width: x1 - x0, height: made.ink.height, pixels: new Float32Array((x1 - x0) * made.ink.height) };
      for (let row = 0; row < made.ink.height; row++) region.pixels.set(made.ink.pixels.subarray(row * made.ink.width + x0, row * made.ink.width + x1), row * region.width);
      expect(inkBox(region, Math.floor(INK_LEVEL * 255))).toEqual({ x: 5, y, width: w, height: h });
    });
    // Fixing the style fixes it.
    const fixed = makeNumberImage(mnistTest, { indices: [7], gaps: [], seed: 3, style: { height: 50, slant: 0, paper: 230, ink: 30 } });
    expect(fixed.style).toMatchObject({ height: 50, slant: 0, paper: 230, ink: 30 });
    expect(Math.abs(fixed.boxes[0][3] - 50)).toBeLessThanOrEqual(6); // each digit is within ±10% of the string's height
  });

  test('overlapping digits share columns, the darker ink winning', () => {
    const made = makeNumberImage(mnistTest, { indices: [1, 2], gaps: [-3], seed: 4 });
    const [[ax, , aw], [bx]] = made.boxes;
    expect(ax + aw - bx).toBe(3);
    expect(() => makeNumberImage(mnistTest, { indices: [1, 2], gaps: [], seed: 4 })).toThrow(/2 digits need 1 gaps/);
    expect(() => makeNumberImage(mnistTest, { indices: [mnistTest.count], gaps: [], seed: 4 })).toThrow(RangeError);
    expect(() => makeNumberImage(mnistTest, { indices: [1, 2], gaps: [1.5], seed: 4 })).toThrow(/whole numbers/);
  });
});

describe('editDistance', () => {
  test.each([
    ['1234', '124', 1],
    ['', '12', 2],
    ['12', '', 2],
    ['', '', 0],
    ['1234', '1234', 0],
    ['1234', '1324', 2], // a transposition is two edits
    ['1234', '1934', 1],
    ['0612345678', '061234567', 1],
    ['123', '456', 3],
    ['kitten', 'sitting', 3],
  ])('editDistance(%j, %j) = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('scoreNumbers', () => {
  test('counts exact strings and digit errors by edit distance, ignoring spaces', () => {
    const score = scoreNumbers([
      { truth: '1234', read: '1234' },
      { truth: '06 12', read: '0612' },
      { truth: '1234', read: '124' },
      { truth: '555', read: '5555' },
      { truth: '90', read: '' },
    ]);
    expect(score).toEqual({ strings: 5, stringsRight: 2, stringAccuracy: 0.4, digits: 4 + 4 + 4 + 3 + 2, digitErrors: 0 + 0 + 1 + 1 + 2, digitAccuracy: 1 - 4 / 17 });
  });

  test('no strings give zeros, never NaN; accuracy never goes below 0', () => {
    expect(scoreNumbers([])).toEqual({ strings: 0, stringsRight: 0, stringAccuracy: 0, digits: 0, digitErrors: 0, digitAccuracy: 0 });
    const worse = scoreNumbers([{ truth: '12', read: '345678' }]);
    expect(worse.digitErrors).toBe(6);
    expect(worse.digitAccuracy).toBe(0);
  });
});
