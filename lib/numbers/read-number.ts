/**
 * Reading a handwritten number: the pieces of pieces.ts (segments, cuts, and
 * every stretch between two cuts prepared exactly as chapter 07 prepares one
 * digit), each segment split where the classifier, and the piece checker
 * when there is one, are surest; wide gaps become spaces in `spaced`.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataFileError } from '../base/errors';
import { NUM_CLASSES } from '../data/digit-set';
import { predictProbabilities, predictedLabels } from '../evaluation/predict';
import type { Box } from '../handwriting/crop';
import type { GrayImage } from '../handwriting/gray-image';
import type { PreprocessedDigit } from '../handwriting/preprocess';
import type { PixelBox } from './number-set';
import { numberPieces } from './pieces';
import { checkPieces } from './piece-checker';
import { type Cut, median, type InkSegment, type SegmentOptions, type Segmentation } from './segment';


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
  /**
   * A piece checker (loadOrTrainPieceChecker): a model that tells a whole
   * digit from a piece cut wrongly (half a digit, two touching digits). Each
   * piece is then worth the checker's probability that it is one whole digit,
   * to the power `checkerWeight`, times its digit's probability, and the
   * digit probabilities are the classifier's and the checker's multiplied and
   * renormalised. Default none: the classifier's probability alone.
   */
  readonly pieceChecker?: tfl.LayersModel;
  /**
   * How much the checker's "one whole digit" counts against the digit's
   * probability, as a factor on its log; default 3, chosen in chapter 08 on
   * numbers written with MNIST's training digits (never on the test numbers).
   */
  readonly checkerWeight?: number;
}

/** One digit of a number as read. */
export interface NumberDigit {
  readonly digit: number;
  /** The probability of `digit` (with a piece checker, the classifier's and the checker's combined). */
  readonly confidence: number;
  /** The ten class probabilities, combined in the same way. */
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
 * them all at once; with `options.pieceChecker` the checker judges every
 * piece too, so a piece that is not one whole digit loses however sure the
 * classifier is of it. A gap more than twice the usual gap between digits and
 * wider than 60% of a digit's height is a space in `spaced`. Throws a
 * DataFileError naming `options.source` when the picture holds no ink.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function readNumber(model: tfl.LayersModel, image: GrayImage, options: ReadNumberOptions = {}): Promise<NumberReading> {
  const source = options.source ?? 'image';
  const { segmentation, plans, pieces } = numberPieces(image, options);
  const height = segmentation.digitHeight;
  const countWeight = options.countWeight ?? 2;
  const typicalWidth = options.typicalWidth ?? 0.6;
  const checkerWeight = options.checkerWeight ?? 3;

  // All pieces through the model in one batch (and through the piece checker, when there is one).
  const images = new Uint8Array(pieces.length * 784);
  pieces.forEach((piece, i) => images.set(piece.prepared.pixels, i * 784));
  const batch = { images, count: pieces.length, rows: 28, cols: 28 };
  const probabilities = await predictProbabilities(model, batch);
  const checked = options.pieceChecker ? await checkPieces(options.pieceChecker, batch) : undefined;
  if (checked) {
    // Two opinions of each digit: the classifier's and the checker's (itself trained on pieces like these), multiplied and renormalised.
    for (let i = 0; i < pieces.length; i++) {
      let sum = 0;
      for (let d = 0; d < NUM_CLASSES; d++) sum += probabilities[i * NUM_CLASSES + d] *= checked.digits[i * NUM_CLASSES + d];
      for (let d = 0; d < NUM_CLASSES; d++) probabilities[i * NUM_CLASSES + d] /= sum || 1;
    }
  }
  const whole = checked?.whole;
  const labels = predictedLabels(probabilities);
  const key = (segment: number, [i, j]: readonly [number, number]) => `${segment}:${i}:${j}`;
  const read = new Map(pieces.map((piece, i) => {
    const row = Array.from(probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES));
    return [key(piece.segment, piece.span), { ...piece, digit: labels[i], confidence: row[labels[i]], probabilities: row, whole: whole?.[i] ?? 1 }] as const;
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
      const gain = Math.log(Math.max(piece.confidence, 1e-12)) + checkerWeight * Math.log(Math.max(piece.whole, 1e-12)) - shapeCost(piece.digit, piece.box.width, piece.box.height, height);
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
