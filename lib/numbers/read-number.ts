/**
 * Reading a handwritten number: the segments of segment.ts, each split into
 * digits where the classifier is surest, each digit prepared exactly as
 * chapter 07 prepares one (preprocessDigit) and classified; wide gaps become
 * spaces in `spaced`.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataFileError } from '../base/errors';
import { NUM_CLASSES } from '../data/digit-set';
import { predictProbabilities, predictedLabels } from '../evaluation/predict';
import { inkBox, type Box } from '../handwriting/crop';
import type { GrayImage } from '../handwriting/gray-image';
import { type PreprocessedDigit, preprocessDigit } from '../handwriting/preprocess';
import type { PixelBox } from './number-set';
import { candidateCuts, type Cut, findSegments, median, type InkSegment, segmentInk, type SegmentOptions, type Segmentation, segmentPicture, straightCut } from './segment';


/** Options of readNumber. */
export interface ReadNumberOptions extends SegmentOptions {
  /** Names the picture in errors (the file it came from); default "image". */
  readonly source?: string;
  /**
   * How far apart touching digits usually are, as a share of the digits'
   * height; default 0.6 (narrower than MNIST's median width / height of 0.8:
   * touching digits overlap, and 1s are narrow). A segment wider than 1.6
   * digit heights and w wide is expected to hold w / (typicalWidth * height) digits.
   */
  readonly typicalWidth?: number;
  /**
   * What each digit more or fewer than expected costs, as a log-probability;
   * default 2 (a factor of e^2, about 7.4, in how sure the classifier must be).
   */
  readonly countWeight?: number;
}

/** One digit of a number as read. */
export interface NumberDigit {
  readonly digit: number;
  /** The probability of `digit`. */
  readonly confidence: number;
  /** The ten class probabilities. */
  readonly probabilities: number[];
  /** Where its ink is, in the picture's pixels. */
  readonly box: PixelBox;
  /** Its preparation, step by step, as for a single digit. */
  readonly prepared: PreprocessedDigit;
}

/** How one segment was split: the cuts it might have had and the ones chosen (columns of the working image). */
export interface SegmentSplit {
  readonly segment: InkSegment;
  readonly candidates: readonly Cut[];
  readonly cuts: readonly Cut[];
}

/** A number as read from a picture. */
export interface NumberReading {
  /** The digits, e.g. "0612345678". */
  readonly text: string;
  /** The digits with a space at each gap much wider than the others, e.g. "06 12 34 56 78". */
  readonly spaced: string;
  /** The probability that every digit is right, as the classifier sees it: the product of the digits' confidences. */
  readonly confidence: number;
  readonly digits: readonly NumberDigit[];
  /** The segmentation and each segment's split, for showing the steps. */
  readonly segmentation: Segmentation;
  readonly splits: readonly SegmentSplit[];
}

/** The cuts a segment may be cut at, its two ends included, left to right. */
function boundaries(segment: InkSegment, candidates: readonly Cut[]): Cut[] {
  return [straightCut(segment, segment.box.x), ...candidates, straightCut(segment, segment.box.x + segment.box.width)];
}

/** Every piece between two boundaries (indices i < j) whose starting columns are at least `minWidth` and at most `maxWidth` apart, and the whole segment (a thin 1 may be narrower). */
function pieceSpans(bounds: readonly Cut[], minWidth: number, maxWidth: number): (readonly [number, number])[] {
  const spans: (readonly [number, number])[] = [];
  for (let i = 0; i < bounds.length; i++) {
    for (let j = i + 1; j < bounds.length; j++) {
      const width = bounds[j].start - bounds[i].start;
      if ((i === 0 && j === bounds.length - 1) || (width >= minWidth && width <= maxWidth)) spans.push([i, j]);
    }
  }
  return spans;
}

/** The piece of a segment between two columns, prepared as one digit; undefined when it holds no ink. */
function preparePiece(segmentation: Segmentation, segment: InkSegment, [left, right]: readonly [Cut, Cut], source: string): { prepared: PreprocessedDigit; box: Box } | undefined {
  const ink = segmentInk(segmentation, segment, left, right);
  const box = inkBox(ink.image);
  if (!box) return undefined;
  try {
    const picture = segmentPicture(segmentation, segment, left, right, Math.round(0.25 * segmentation.digitHeight));
    const prepared = preprocessDigit(picture, { invert: false, source });
    return { prepared, box: { x: ink.left + box.x, y: ink.top + box.y, width: box.width, height: box.height } };
  } catch (error) {
    if (error instanceof DataFileError) return undefined;
    throw error;
  }
}

/**
 * How wide each digit is for its height in MNIST: the 5% and 95% quantiles
 * of width / height of the ink of each class, measured on the 60,000
 * training digits (ink above 30% of full strength).
 */
const MNIST_ASPECT: readonly (readonly [low: number, high: number])[] = [
  [0.65, 1.25], [0.2, 0.8], [0.65, 1.33], [0.55, 1.11], [0.55, 1.11], [0.6, 1.43], [0.5, 1.0], [0.5, 1.05], [0.5, 1.05], [0.5, 0.9],
];

/**
 * The cost, as a log-probability, of reading a piece of this width and
 * height as `digit`: nothing while its shape is within MNIST's range for
 * that digit widened by `slack` (handwriting slants more or less than
 * MNIST's), then `steepness` per unit of width / height outside it. A blob of
 * two touching digits is then not read as one squashed digit, however sure
 * the classifier is, nor a sliver of a 0 as a 4. The height counted is at
 * least 75% of a digit's height, so a low piece (a bar) is not called wide.
 */
function shapeCost(digit: number, width: number, height: number, digitHeight: number, slack = 0.25, steepness = 10): number {
  const aspect = width / Math.max(height, 0.75 * digitHeight);
  const [low, high] = MNIST_ASPECT[digit];
  return steepness * (Math.max(0, aspect - high - slack) + Math.max(0, low - slack - aspect));
}

/**
 * Reads a handwritten number from a grayscale picture (0 = black, 255 =
 * white, as readImage gives it): finds the ink and its segments
 * (findSegments), cuts each segment into the digits the model is surest of
 * (among the cuts at minima of its ink profile, candidateCuts), prepares each
 * digit exactly as preprocessDigit prepares a photo of one, and classifies
 * them all at once. A gap more than twice the usual gap between digits and
 * wider than 60% of a digit's height is a space in `spaced`. Throws a
 * DataFileError naming `options.source` when the picture holds no ink.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function readNumber(model: tfl.LayersModel, image: GrayImage, options: ReadNumberOptions = {}): Promise<NumberReading> {
  const source = options.source ?? 'image';
  if (image.width === 0 || image.height === 0) throw new DataFileError(source, `empty image (${image.width}x${image.height} pixels)`);
  const segmentation = findSegments(image, options);
  if (segmentation.segments.length === 0) throw new DataFileError(source, 'no ink found: the picture is blank');
  const height = segmentation.digitHeight;
  const minWidth = 0.2 * height;
  const countWeight = options.countWeight ?? 2;
  const typicalWidth = options.typicalWidth ?? 0.6;

  // Every segment's possible cuts, and every piece between two of them that could be one digit.
  const plans = segmentation.segments.map((segment) => {
    const candidates = segment.box.width >= 2 * minWidth ? candidateCuts(segmentation, segment, minWidth, Math.ceil(segment.box.width / (0.25 * height)) + 2) : [];
    const bounds = boundaries(segment, candidates);
    return { segment, candidates, bounds, spans: pieceSpans(bounds, minWidth, 1.5 * height) };
  });
  const pieces = new Map<string, { prepared: PreprocessedDigit; box: Box } | undefined>();
  const key = (segment: number, [i, j]: readonly [number, number]) => `${segment}:${i}:${j}`;
  plans.forEach((plan, s) => {
    for (const span of plan.spans) pieces.set(key(s, span), preparePiece(segmentation, plan.segment, [plan.bounds[span[0]], plan.bounds[span[1]]], source));
  });

  // All pieces through the model in one batch.
  const ready = [...pieces.entries()].filter((entry): entry is [string, { prepared: PreprocessedDigit; box: Box }] => entry[1] !== undefined);
  const images = new Uint8Array(ready.length * 784);
  ready.forEach(([, piece], i) => images.set(piece.prepared.pixels, i * 784));
  const probabilities = await predictProbabilities(model, { images, count: ready.length, rows: 28, cols: 28 });
  const labels = predictedLabels(probabilities);
  const read = new Map(ready.map(([name, piece], i) => {
    const row = Array.from(probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES));
    return [name, { ...piece, digit: labels[i], confidence: row[labels[i]], probabilities: row }] as const;
  }));

  // Each segment read the way whose digits are surest together: the best path through its cuts
  // for each number of digits k (dynamic programming over cut and count), then the best k once
  // the count's own cost is paid.
  const digits: (NumberDigit & { readonly workingBox: Box })[] = [];
  const splits: SegmentSplit[] = [];
  plans.forEach((plan, s) => {
    const n = plan.bounds.length;
    const most = n - 1;
    type Step = { score: number; from: number };
    const best: Step[][] = Array.from({ length: n }, (_, j) => Array.from({ length: most + 1 }, (_, k): Step => ({ score: j === 0 && k === 0 ? 0 : -Infinity, from: -1 })));
    for (const span of [...plan.spans].sort((a, b) => a[1] - b[1] || a[0] - b[0])) {
      const piece = read.get(key(s, span));
      if (!piece) continue;
      const gain = Math.log(Math.max(piece.confidence, 1e-12)) - shapeCost(piece.digit, piece.box.width, piece.box.height, height);
      for (let k = 1; k <= most; k++) {
        const before = best[span[0]][k - 1].score;
        if (before === -Infinity) continue;
        if (before + gain > best[span[1]][k].score) best[span[1]][k] = { score: before + gain, from: span[0] };
      }
    }
    // A segment no wider than a wide slanted digit (1.6 heights) is one digit unless splitting makes the
    // classifier e^3 (20) times surer for each extra digit; a wider one is expected to hold
    // width / (typicalWidth * height) digits, and each digit more or fewer costs countWeight.
    const oneDigit = plan.segment.box.width <= 1.6 * height;
    const expected = plan.segment.box.width / (typicalWidth * height);
    const countCost = (k: number) => (oneDigit ? 3 * (k - 1) : countWeight * Math.abs(k - expected));
    let count = 0;
    for (let k = 1; k <= most; k++) {
      const total = (k: number) => best[n - 1][k].score - countCost(k);
      if (best[n - 1][k].score > -Infinity && (count === 0 || total(k) > total(count))) count = k;
    }
    if (count === 0) return; // nothing in it survived preparation (a speck)
    const path: (readonly [number, number])[] = [];
    for (let j = n - 1, k = count; j > 0; k--) {
      const from = best[j][k].from;
      path.unshift([from, j]);
      j = from;
    }
    splits.push({ segment: plan.segment, candidates: plan.candidates, cuts: path.slice(1).map(([i]) => plan.bounds[i]) });
    for (const span of path) {
      const found = read.get(key(s, span))!;
      const b = found.box;
      const scale = segmentation.scale;
      digits.push({
        digit: found.digit,
        confidence: found.confidence,
        probabilities: found.probabilities,
        prepared: found.prepared,
        workingBox: b,
        box: [Math.round(b.x / scale), Math.round(b.y / scale), Math.round(b.width / scale), Math.round(b.height / scale)],
      });
    }
  });
  if (digits.length === 0) throw new DataFileError(source, 'no ink found: nothing in the picture is large enough to be a digit');

  const gaps = digits.slice(1).map((digit, i) => digit.workingBox.x - (digits[i].workingBox.x + digits[i].workingBox.width));
  const spaceAfter = Math.max(0.6 * height, 2 * median(gaps.map((gap) => Math.max(gap, 0))));
  const text = digits.map((digit) => digit.digit).join('');
  const spaced = digits.map((digit, i) => (i > 0 && gaps[i - 1] > spaceAfter ? ' ' : '') + digit.digit).join('');
  const confidence = digits.reduce((product, digit) => product * digit.confidence, 1);
  return { text, spaced, confidence, digits: digits.map(({ workingBox: _, ...digit }) => digit), segmentation, splits };
}
