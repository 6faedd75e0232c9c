/**
 * The pieces a number might be read from: every segment of the picture
 * (findSegments), its candidate cuts (candidateCuts), and every stretch
 * between two cuts that could be one digit, prepared exactly as chapter 07
 * prepares a photo of one digit. readNumber chooses among them; the piece
 * checker (piece-checker.ts) learns from them which are whole digits.
 */
import { DataFileError } from '../base/errors';
import { inkBox, type Box } from '../handwriting/crop';
import type { GrayImage } from '../handwriting/gray-image';
import { type PreprocessedDigit, preprocessDigit } from '../handwriting/preprocess';
import { candidateCuts, type Cut, findSegments, type InkSegment, segmentInk, type SegmentOptions, type Segmentation, segmentPicture, straightCut } from './segment';

/** Where a segment may be cut and which stretches between its cuts could be one digit. */
export interface SegmentPlan {
  readonly segment: InkSegment;
  /** The cuts proposed inside it (candidateCuts), left to right. */
  readonly candidates: readonly Cut[];
  /** Its left end, the candidates, its right end. */
  readonly bounds: readonly Cut[];
  /** The stretches [i, j] between bounds[i] and bounds[j] that are wide enough and narrow enough to be one digit. */
  readonly spans: readonly (readonly [number, number])[];
}

/** One stretch of a segment between two cuts, prepared as a digit. */
export interface NumberPiece {
  /** Index of its segment in Segmentation.segments (and of its plan). */
  readonly segment: number;
  readonly span: readonly [number, number];
  readonly prepared: PreprocessedDigit;
  /** Where its ink is, in the working image's pixels. */
  readonly box: Box;
}

/** Every piece of a picture that could be one digit of a number. */
export interface NumberPieces {
  readonly segmentation: Segmentation;
  readonly plans: readonly SegmentPlan[];
  /** The pieces that hold ink, segment by segment, in the order of each plan's spans. */
  readonly pieces: readonly NumberPiece[];
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

/** The piece of a segment between two cuts, prepared as one digit; undefined when it holds no ink. */
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
 * Finds the segments of a picture of a handwritten number, proposes cuts in
 * each, and prepares every stretch between two cuts that could be one digit
 * (from a fifth of a digit's height to one and a half heights wide, and each
 * whole segment) as preprocessDigit prepares a photo of one digit, other ink
 * hidden. Throws a DataFileError naming `options.source` (default "image")
 * when the picture is empty or holds no ink.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function numberPieces(image: GrayImage, options: SegmentOptions & { readonly source?: string } = {}): NumberPieces {
  const source = options.source ?? 'image';
  if (image.width === 0 || image.height === 0) throw new DataFileError(source, `empty image (${image.width}x${image.height} pixels)`);
  const segmentation = findSegments(image, options);
  if (segmentation.segments.length === 0) throw new DataFileError(source, 'no ink found: the picture is blank');
  const height = segmentation.digitHeight;
  const minWidth = 0.2 * height;
  const plans = segmentation.segments.map((segment): SegmentPlan => {
    const candidates = segment.box.width >= 2 * minWidth ? candidateCuts(segmentation, segment, minWidth, Math.ceil(segment.box.width / (0.25 * height)) + 2) : [];
    const bounds = boundaries(segment, candidates);
    return { segment, candidates, bounds, spans: pieceSpans(bounds, minWidth, 1.5 * height) };
  });
  const pieces: NumberPiece[] = [];
  plans.forEach((plan, s) => {
    for (const span of plan.spans) {
      const piece = preparePiece(segmentation, plan.segment, [plan.bounds[span[0]], plan.bounds[span[1]]], source);
      if (piece) pieces.push({ segment: s, span, ...piece });
    }
  });
  return { segmentation, plans, pieces };
}
