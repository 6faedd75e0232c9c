/** The exercises of chapter 08, checked by `check('08.M', answer)` in the notebook. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '../base/random';
import { loadMnist } from '../data/mnist';
import { connectedComponents } from '../handwriting/components';
import { createGrayImage, type GrayImage } from '../handwriting/gray-image';
import { type GapKind, makeNumberImage, makeNumberSet } from '../numbers/number-set';
import { editDistance, scoreNumbers } from '../numbers/number-score';
import { readNumber } from '../numbers/read-number';
import type { Box } from '../handwriting/crop';
import { NOT_A_DIGIT } from '../numbers/piece-checker';
import { boxOverlap, labelByOverlap } from '../numbers/piece-set';
import { numberPieces } from '../numbers/pieces';
import { columnProfile, findSegments, segmentInk } from '../numbers/segment';
import { withBestCnn } from './chapter-07';
import { describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** The strings exercise 08.5 reads: `perKind` of one kind, from MNIST's test digits. */
export const ACCURACY_SET = { perKind: 10, seed: 85 } as const;

/** The chapter's example number (a 5 in two pieces, a 7, a 4 and a 6 that touch, a 0), from MNIST's test digits. */
const EXAMPLE = { indices: [8, 34, 65, 91, 3], gaps: [9, -2, -1, 11], seed: 1 } as const;

/** The ink of the chapter's example number, as findSegments cleans it, and its segmentation. */
async function exampleSegmentation(): Promise<ReturnType<typeof findSegments>> {
  const { test } = await loadMnist();
  return findSegments(makeNumberImage(test, { indices: [...EXAMPLE.indices], gaps: [...EXAMPLE.gaps], seed: EXAMPLE.seed }).image);
}

/** A small image from a drawing: '#' is ink (255), anything else paper (0). */
function drawn(rows: readonly string[]): GrayImage {
  const image = createGrayImage(rows[0].length, rows.length);
  rows.forEach((row, y) => [...row].forEach((mark, x) => {
    if (mark === '#') image.pixels[y * image.width + x] = 255;
  }));
  return image;
}

/** Test pictures for counting pieces: each catches one way of counting wrongly. */
const PIECES_PICTURES: readonly { readonly name: string; readonly image: GrayImage }[] = [
  { name: 'a blank image', image: drawn(['.....', '.....']) },
  { name: 'a U whose arms meet only at the bottom', image: drawn(['#...#', '#...#', '#...#', '#####']) },
  { name: 'two dots touching at a corner and one apart', image: drawn(['#...', '.#..', '...#']) },
  { name: 'a ring with a hole', image: drawn(['.###.', '#...#', '#...#', '.###.']) },
  { name: 'an upside-down U and a bar below it', image: drawn(['#####', '#...#', '#...#', '.....', '.###.']) },
  { name: 'a zigzag', image: drawn(['#.#.#.#', '.#.#.#.', '.......', '##.##.#']) },
];

/** The number of pieces when only pixels sharing an edge touch (4-connected), to recognise that mistake. */
function fourConnectedPieces(image: GrayImage): number {
  const { width, height, pixels } = image;
  const seen = new Uint8Array(width * height);
  let count = 0;
  for (let start = 0; start < pixels.length; start++) {
    if (pixels[start] <= 0 || seen[start]) continue;
    count++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const index = stack.pop()!;
      const x = index % width;
      for (const next of [x > 0 ? index - 1 : -1, x + 1 < width ? index + 1 : -1, index - width, index + width]) {
        if (next >= 0 && next < pixels.length && pixels[next] > 0 && !seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
  }
  return count;
}

/** Pairs of a true number and a reading of it, with the mistakes a reader makes. */
const READING_PAIRS: readonly (readonly [string, string])[] = [
  ['2024', '2024'], ['0612345678', '061245678'], ['0612345678', '06123345678'], ['1998', '1996'],
  ['4772', '477'], ['31415', '3145'], ['31415', '81415'], ['90210', '90210'], ['75', '7'], ['7', ''], ['', '42'],
  ['12345', '23451'], ['555', '5555'], ['80331', '80531'], ['123456', '654321'],
];

/** The spacing rule of exercise 08.3, or one of the typical mistakes with it. */
interface SpacingRule {
  /** The mean gap instead of the median. */
  readonly mean?: boolean;
  /** Without the limit of 0.6 digit heights. */
  readonly noFloor?: boolean;
  /** Without the limit of twice the median. */
  readonly noMedian?: boolean;
  /** A gap at the limit counts as a space. */
  readonly atLimit?: boolean;
}

/** The digits with spaces by the rule 08.3 states (or a mistaken version of it). */
function withSpaces(digits: string, gaps: readonly number[], digitHeight: number, rule: SpacingRule = {}): string {
  const sorted = [...gaps].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const mean = gaps.reduce((sum, gap) => sum + gap, 0) / Math.max(1, gaps.length);
  const limit = Math.max(rule.noFloor ? -Infinity : 0.6 * digitHeight, rule.noMedian ? -Infinity : 2 * (rule.mean ? mean : median));
  return [...digits].map((digit, i) => (i > 0 && (rule.atLimit ? gaps[i - 1] >= limit : gaps[i - 1] > limit) ? ` ${digit}` : digit)).join('');
}

/** The typical mistakes with the spacing rule, each with its hint. */
const SPACING_MISTAKES: readonly { readonly rule: SpacingRule; readonly hint: string }[] = [
  { rule: { mean: true }, hint: 'use the median of the gaps (the middle one when sorted), not their mean, which a few wide gaps pull up' },
  { rule: { noFloor: true }, hint: 'when the digits touch, the median gap is about 0 and twice it is no limit; a space must also be wider than 0.6 digit heights' },
  { rule: { noMedian: true }, hint: 'evenly spread digits have no spaces, however wide their gaps: compare each gap with twice the median gap too' },
  { rule: { atLimit: true }, hint: 'a gap exactly at the limit is not a space: it must be wider than the limit' },
];

/** Cases for 08.3 (the mistakes above each give a wrong answer for at least one). */
const SPACING_CASES: readonly { readonly digits: string; readonly gaps: readonly number[]; readonly height: number }[] = [
  { digits: '0612345678', gaps: [3, 45, 4, 50, 3, 48, 5, 52, 4], height: 40 },
  { digits: '12345', gaps: [12, 18, 15, 20], height: 40 },
  { digits: '12345678', gaps: [2, 2, 40, 2, 45, 2, 50], height: 40 },
  { digits: '123456', gaps: [-2, -1, 0, 1, -3], height: 40 },
  { digits: '1234', gaps: [12, 24, 12], height: 40 },
  { digits: '90210', gaps: [30, 32, 100, 31], height: 40 },
  { digits: '7', gaps: [], height: 40 },
  { digits: '2468', gaps: [5, 20, 6], height: 30 },
];

/** A box from its left, top, width and height. */
const box = (x: number, y: number, width: number, height: number): Box => ({ x, y, width, height });

/** The example's digits as exercise 08.6 gets them: each true box with its digit. */
async function exampleDigits(): Promise<{ pieces: Box[]; digits: { box: Box; digit: number }[] }> {
  const { test } = await loadMnist();
  const made = makeNumberImage(test, { indices: [...EXAMPLE.indices], gaps: [...EXAMPLE.gaps], seed: EXAMPLE.seed });
  const digits = made.boxes.map(([x, y, width, height], i) => ({ box: box(x, y, width, height), digit: test.labels[EXAMPLE.indices[i]] }));
  return { pieces: numberPieces(made.image).pieces.map((piece) => piece.box), digits };
}

/** Hand-made cases for 08.6: two digits 20 wide and 40 tall, 10 apart, and pieces at the edges of the rule. */
const LABEL_DIGITS = [{ box: box(0, 0, 20, 40), digit: 3 }, { box: box(30, 0, 20, 40), digit: 8 }];
const LABEL_CASES: readonly { readonly name: string; readonly piece: Box }[] = [
  { name: 'the 3 exactly', piece: box(0, 0, 20, 40) },
  { name: 'the 3 a little wider (overlap exactly 0.8)', piece: box(0, 0, 25, 40) },
  { name: 'the 3 and the 8 together', piece: box(0, 0, 50, 40) },
  { name: 'the left half of the 3', piece: box(0, 0, 10, 40) },
  { name: 'the 3 and the whole gap (overlap 2/3)', piece: box(0, 0, 30, 40) },
  { name: 'the 8 with a sliver of the gap', piece: box(28, 0, 22, 40) },
  { name: 'a speck between them', piece: box(22, 18, 4, 4) },
  { name: 'the top three quarters of the 8', piece: box(30, 0, 20, 30) },
];

/** The rule of 08.6 with one of its typical mistakes, to recognise them. */
function mistakenLabel(piece: Box, digits: readonly { box: Box; digit: number }[], mistake: 'over piece' | 'over smaller' | 'between is not' | 'strict'): number | undefined {
  let best = 0;
  let digit = -1;
  for (const each of digits) {
    const across = Math.max(0, Math.min(piece.x + piece.width, each.box.x + each.box.width) - Math.max(piece.x, each.box.x));
    const down = Math.max(0, Math.min(piece.y + piece.height, each.box.y + each.box.height) - Math.max(piece.y, each.box.y));
    const shared = across * down;
    const [a, b] = [piece.width * piece.height, each.box.width * each.box.height];
    const score = mistake === 'over piece' ? shared / a : mistake === 'over smaller' ? shared / Math.min(a, b) : boxOverlap(piece, each.box);
    if (score > best) [best, digit] = [score, each.digit];
  }
  if (mistake === 'strict' ? best > 0.8 : best >= 0.8) return digit;
  if (mistake === 'between is not') return NOT_A_DIGIT;
  return best < 0.6 ? NOT_A_DIGIT : undefined;
}

const LABEL_MISTAKES = [
  ...(['over piece', 'over smaller'] as const).map((mistake) => ({
    mistake, hint: 'divide the shared area by the area the two boxes cover together (area(P) + area(T) - shared), not by one box\'s own area: half a digit lies wholly inside the digit\'s box, yet it is not that digit',
  })),
  { mistake: 'between is not', hint: 'a piece whose best overlap is from 0.6 up to 0.8 is too close to call: return undefined, so that it is left out of the training set' },
  { mistake: 'strict', hint: 'an overlap of exactly 0.8 is enough: the piece is that digit (>= 0.8)' },
] as const;

export const CHAPTER_08_EXERCISES: ExerciseSet = {
  '08.1': {
    task: 'Write countPieces(image): the number of 8-connected pieces of ink (pixels above 0) in an image.',
    async check(answer) {
      const countPieces = givenFunction(answer, 'countPieces') as (image: GrayImage) => unknown;
      const pictures = [...PIECES_PICTURES, { name: 'the ink of the chapter\'s example', image: (await exampleSegmentation()).cleaned }];
      for (const { name, image } of pictures) {
        const count = givenNumber(given(countPieces(image)), `countPieces(${name})`);
        const expected = connectedComponents(image).components.length;
        if (count === expected) continue;
        expectThat(count !== fourConnectedPieces(image), `${name}: pixels that touch only at a corner belong to the same piece (8 neighbours, not 4)`);
        expectThat(expected !== 0, `${name} has no ink at all, so no piece`);
        expectThat(count < expected, `${name}: you count more pieces than there are; count a piece once, when you meet a pixel of it not yet visited, and visit all of it (a stack of pixels still to look at) before going on`);
        expectThat(false, `${name}: you count fewer pieces than there are; only pixels above 0 are ink, and two pixels belong together only when a chain of touching ink pixels joins them`);
      }
    },
  },
  '08.2': {
    task: 'Write inkProfile(image): the ink in each column of an image (the sum of its pixels), left to right.',
    async check(answer) {
      const inkProfile = givenFunction(answer, 'inkProfile') as (image: GrayImage) => unknown;
      const segmentation = await exampleSegmentation();
      const random = new SeededRandom(82);
      const noise = createGrayImage(9, 5);
      noise.pixels.forEach((_, i) => { noise.pixels[i] = random.next() < 0.5 ? 0 : 0.5 + random.nextInt(255); });
      const cases = [
        ...segmentation.segments.map((segment, i) => ({ name: `the ink of segment ${i}`, image: segmentInk(segmentation, segment, undefined, undefined, 0).image, expected: Array.from(columnProfile(segmentation, segment)) })),
        { name: 'a 9x5 image of random grey levels', image: noise, expected: Array.from({ length: 9 }, (_, x) => Array.from({ length: 5 }, (__, y) => noise.pixels[y * 9 + x]).reduce((a, b) => a + b, 0)) },
      ];
      for (const { name, image, expected } of cases) {
        const value = given(inkProfile(image));
        expectThat(Array.isArray(value) || ArrayBuffer.isView(value), `inkProfile should return an array of numbers, not ${describeValue(value)}`);
        const profile = Array.from(value as ArrayLike<number>, Number);
        expectThat(profile.length !== image.height || image.height === image.width, `${name}: that is one value per row; the profile has one per column (image.width of them), each the sum down that column`);
        expectThat(profile.length === image.width, `${name} is ${image.width} columns wide: return one value per column, not ${profile.length}`);
        const inked = Array.from({ length: image.width }, (_, x) => Array.from({ length: image.height }, (__, y) => image.pixels[y * image.width + x]).filter((v) => v > 0).length);
        expectThat(!profile.every((v, x) => v === inked[x]) || expected.every((v, x) => v === inked[x]), `${name}: that counts the inked pixels; add up their values instead (a faint pixel is less ink than a dark one)`);
        expectThat(profile.every((v, x) => Math.abs(v - expected[x]) <= 1e-6 * Math.max(1, Math.abs(expected[x]))), `${name}: not the sum of each column's pixels; go down every column x, adding image.pixels[y * image.width + x] for every row y`);
      }
    },
  },
  '08.3': {
    task: 'Write addSpaces(digits, gaps, digitHeight): the digits with a space at each gap wider than 0.6 digit heights and than twice the median gap.',
    check(answer) {
      const addSpaces = givenFunction(answer, 'addSpaces') as (digits: string, gaps: number[], digitHeight: number) => unknown;
      for (const { digits, gaps, height } of SPACING_CASES) {
        const result = given(addSpaces(digits, [...gaps], height));
        const call = `addSpaces('${digits}', [${gaps.join(', ')}], ${height})`;
        expectThat(typeof result === 'string', `${call} should return a string, not ${describeValue(result)}`);
        expectThat(result.replace(/ /g, '') === digits, `${call} returned '${result}': keep every digit, in order, and add only spaces`);
        const expected = withSpaces(digits, gaps, height);
        if (result === expected) continue;
        const mistake = SPACING_MISTAKES.find(({ rule }) => withSpaces(digits, gaps, height, rule) === result);
        expectThat(mistake === undefined, `${call}: ${mistake?.hint}`);
        expectThat(false, `${call} should give a space before a digit whose gap to the digit on its left is wider than both limits; you gave '${result}'`);
      }
    },
  },
  '08.4': {
    task: 'Write digitErrors(truth, read): the fewest digits to insert, delete or change to turn the reading into the truth (the edit distance).',
    check(answer) {
      const digitErrors = givenFunction(answer, 'digitErrors') as (truth: string, read: string) => unknown;
      for (const [truth, read] of READING_PAIRS) {
        const errors = givenNumber(given(digitErrors(truth, read)), `digitErrors('${truth}', '${read}')`);
        const expected = editDistance(truth, read);
        if (errors === expected) continue;
        const positions = Array.from({ length: Math.max(truth.length, read.length) }, (_, i) => truth[i] !== read[i]).filter(Boolean).length;
        expectThat(errors !== positions, `digitErrors('${truth}', '${read}'): comparing position by position counts every digit after a missed one as wrong; one missed digit is one error (insert it and the rest line up)`);
        expectThat(errors !== Math.abs(truth.length - read.length), `digitErrors('${truth}', '${read}'): a reading of the right length can still have wrong digits; count the changes too`);
        expectThat(false, `digitErrors('${truth}', '${read}') should be ${errors > expected ? 'smaller' : 'larger'}: fill the table d[i][j] = errors between the first i digits of one and the first j of the other, d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (same digit ? 0 : 1))`);
      }
    },
  },
  '08.5': {
    task: `Write digitAccuracyOf(model, kind): the per-digit accuracy of readNumber on the ${ACCURACY_SET.perKind} strings of makeNumberSet(mnist.test, { perKind: ${ACCURACY_SET.perKind}, seed: ${ACCURACY_SET.seed}, kinds: [kind] }).`,
    async check(answer) {
      const digitAccuracyOf = givenFunction(answer, 'digitAccuracyOf') as (model: tfl.LayersModel, kind: GapKind) => unknown;
      const { test } = await loadMnist();
      const kind: GapKind = 'touching';
      await withBestCnn(async (model) => {
        const samples = makeNumberSet(test, { ...ACCURACY_SET, kinds: [kind] });
        const results = [];
        for (const sample of samples) results.push({ truth: sample.text, read: (await readNumber(model, sample.image)).text });
        const score = scoreNumbers(results);
        const accuracy = givenNumber(await digitAccuracyOf(model, kind), `digitAccuracyOf(model, '${kind}')`);
        if (Math.abs(accuracy - score.digitAccuracy) <= 1e-9) return;
        expectThat(Math.abs(accuracy - 100 * score.digitAccuracy) > 1e-6, 'give the accuracy as a share between 0 and 1, as scoreNumbers does, not a percentage');
        expectThat(Math.abs(accuracy - score.stringAccuracy) > 1e-9 || score.stringAccuracy === score.digitAccuracy, 'that is the share of whole strings read right; the exercise asks for the share of digits (scoreNumbers(...).digitAccuracy)');
        expectThat(false, `for the ${kind} strings the accuracy should be ${accuracy > score.digitAccuracy ? 'lower' : 'higher'}: read each sample of makeNumberSet(mnist.test, { perKind: ${ACCURACY_SET.perKind}, seed: ${ACCURACY_SET.seed}, kinds: [kind] }) with readNumber(model, sample.image), and score { truth: sample.text, read: reading.text } with scoreNumbers`);
      });
    },
  },
  '08.6': {
    task: 'Write pieceLabel(piece, digits): the digit whose box the piece\'s box overlaps by at least 0.8 (intersection over union), NOT_A_DIGIT (10) when it overlaps every digit\'s box by less than 0.6, else undefined.',
    async check(answer) {
      const pieceLabel = givenFunction(answer, 'pieceLabel') as (piece: Box, digits: { box: Box; digit: number }[]) => unknown;
      const example = await exampleDigits();
      const cases = [
        ...LABEL_CASES.map(({ name, piece }) => ({ name: `${name}, beside a 3 at x 0-20 and an 8 at x 30-50`, piece, digits: LABEL_DIGITS })),
        ...example.pieces.map((piece, i) => ({ name: `piece ${i} of the chapter's example (box ${piece.x}, ${piece.y}, ${piece.width} x ${piece.height})`, piece, digits: example.digits })),
      ];
      const values = cases.map(({ piece, digits }) => given(pieceLabel({ ...piece }, digits.map((each) => ({ box: { ...each.box }, digit: each.digit })))));
      const wrong = cases.findIndex(({ piece, digits }, i) => values[i] !== labelByOverlap(piece, digits));
      if (wrong < 0) return;
      const value = values[wrong];
      expectThat(value === undefined || typeof value === 'number', `pieceLabel should return a digit, NOT_A_DIGIT (10) or undefined, not ${describeValue(value)}`);
      // A typical mistake is named when it explains every answer.
      const { name, piece, digits } = cases[wrong];
      for (const { mistake, hint } of LABEL_MISTAKES) expectThat(!cases.every((each, i) => values[i] === mistakenLabel(each.piece, each.digits, mistake)), `${name}: ${hint}`);
      const expected = labelByOverlap(piece, digits);
      expectThat(false, `${name}: expected ${expected === undefined ? 'undefined (too close to call)' : expected === NOT_A_DIGIT ? 'NOT_A_DIGIT (10)' : `the digit ${expected}`}, got ${describeValue(value)}`);
    },
  },
};
