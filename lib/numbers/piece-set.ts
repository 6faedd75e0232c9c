/**
 * Training data for the piece checker: numbers generated from MNIST digits,
 * every piece readNumber would consider in them, labelled by where the real
 * digits are.
 */
import type { DigitSet } from '../data/digit-set';
import type { Box } from '../handwriting/crop';
import { makeNumberSet, type NumberSample, type NumberSetOptions } from './number-set';
import { NOT_A_DIGIT } from './piece-checker';
import { type NumberPieces, numberPieces } from './pieces';

/**
 * Intersection over union of two boxes: the area they share over the area
 * they cover together; 1 for the same box, 0 for boxes apart.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function boxOverlap(a: Box, b: Box): number {
  const across = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const down = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const shared = across * down;
  return shared / (a.width * a.height + b.width * b.height - shared);
}

/** How pieces are labelled from where the real digits are. */
export interface PieceLabelOptions {
  /** A piece whose box overlaps a real digit's box by at least this (intersection over union) is that digit; default 0.8. */
  readonly whole?: number;
  /** A piece that overlaps every real digit by less than this is NOT_A_DIGIT; default 0.6. Pieces in between are left out. */
  readonly wrong?: number;
}

/**
 * The label of each piece of a generated number: the digit whose box it
 * matches (see PieceLabelOptions), NOT_A_DIGIT when it matches none, or
 * undefined when it is too close to call.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function labelPieces(found: NumberPieces, sample: Pick<NumberSample, 'boxes' | 'text'>, options: PieceLabelOptions = {}): (number | undefined)[] {
  const scale = found.segmentation.scale;
  const truth = sample.boxes.map(([x, y, width, height], i) => ({ box: { x: x * scale, y: y * scale, width: width * scale, height: height * scale }, digit: Number(sample.text[i]) }));
  return found.pieces.map((piece) => labelByOverlap(piece.box, truth, options));
}

/**
 * The label of one piece from its ink box and the true digits' boxes (the
 * rule of labelPieces): the digit whose box it overlaps most, if by at least
 * `whole` (intersection over union, boxOverlap); NOT_A_DIGIT when it
 * overlaps every digit's box by less than `wrong`; else undefined.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function labelByOverlap(piece: Box, truth: readonly { readonly box: Box; readonly digit: number }[], options: PieceLabelOptions = {}): number | undefined {
  const { whole = 0.8, wrong = 0.6 } = options;
  let best = 0;
  let digit = -1;
  for (const each of truth) {
    const score = boxOverlap(piece, each.box);
    if (score > best) [best, digit] = [score, each.digit];
  }
  if (best >= whole) return digit;
  return best < wrong ? NOT_A_DIGIT : undefined;
}

/** A set of labelled pieces, and how many of each kind it holds. */
export interface PieceSet extends DigitSet {
  /** Pieces labelled as a digit. */
  readonly whole: number;
  /** Pieces labelled NOT_A_DIGIT. */
  readonly wrong: number;
}

/**
 * Training data for the piece checker: numbers generated from `digits`
 * (pass MNIST's *training* digits: the checker must never see the test
 * digits the numbers are read from), every piece readNumber would consider,
 * prepared as it prepares them and labelled by labelPieces.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function pieceCheckerSet(digits: DigitSet, options: NumberSetOptions & PieceLabelOptions): PieceSet {
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  for (const sample of makeNumberSet(digits, options)) {
    const found = numberPieces(sample.image);
    labelPieces(found, sample, options).forEach((label, i) => {
      if (label === undefined) return;
      images.push(found.pieces[i].prepared.pixels);
      labels.push(label);
    });
  }
  const set = new Uint8Array(images.length * 784);
  images.forEach((pixels, i) => set.set(pixels, i * 784));
  const wrong = labels.filter((label) => label === NOT_A_DIGIT).length;
  return { images: set, labels: Uint8Array.from(labels), count: labels.length, rows: 28, cols: 28, whole: labels.length - wrong, wrong };
}

