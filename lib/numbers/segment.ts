/**
 * Finding the digits of a handwritten number, before any classifier: the
 * ink is separated from the paper as chapter 07 does it for one digit, cut
 * into connected pieces, and pieces that lie over one another (the two
 * strokes of a 4, the bar of a broken 5) are joined into one segment. A
 * segment may still hold several digits that touch; splitDigits (in
 * read-number.ts) decides where to cut it, and candidateCuts proposes where.
 */
import { type Component, connectedComponents } from '../handwriting/components';
import type { Box } from '../handwriting/crop';
import { createGrayImage, type GrayImage } from '../handwriting/gray-image';
import { invertImage, inkOnDark } from '../handwriting/polarity';
import { limitSize } from '../handwriting/resize';
import { cleanBackground, type CleanOptions } from '../handwriting/threshold';

/** Options of findSegments. */
export interface SegmentOptions {
  /** Larger pictures are first shrunk (area average) to this many pixels on the longer side; default 2048. */
  readonly maxWorkingSide?: number;
  /** 'auto' (default) inverts when the background is found to be light; true or false force it. */
  readonly invert?: 'auto' | boolean;
  /** How background and ink are separated; by default as for one digit, but specks are pieces under 2% of the largest (a number's largest piece may be several digits). */
  readonly clean?: CleanOptions;
}

/** Pieces of ink that belong together: one digit, or several that touch. */
export interface InkSegment {
  /** The smallest box holding all its pieces, in the working image. */
  readonly box: Box;
  /** The labels of its connected pieces (see Segmentation.labels). */
  readonly pieces: readonly number[];
}

/** What findSegments found, with the pictures it worked on, for showing each step. */
export interface Segmentation {
  /** The picture in grey, shrunk to the working size. */
  readonly gray: GrayImage;
  /** Bright ink on black (inverted when the paper is light). */
  readonly inkOnDark: GrayImage;
  /** The estimated background of `inkOnDark` (the paper's lighting). */
  readonly background: GrayImage;
  /** The ink alone: background removed, thresholded, specks dropped. */
  readonly cleaned: GrayImage;
  /** Working pixels per pixel of the original picture (1, or less when it was shrunk). */
  readonly scale: number;
  /** Which piece each working pixel belongs to (-1 for paper). */
  readonly labels: Int32Array;
  /** The connected pieces of ink. */
  readonly components: readonly Component[];
  /** The pieces joined into segments, left to right. */
  readonly segments: readonly InkSegment[];
  /** The typical height of a digit in the working image: the median height of the tall segments. */
  readonly digitHeight: number;
}

const right = (box: Box) => box.x + box.width;
const bottom = (box: Box) => box.y + box.height;

/** The smallest box holding both. */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(right(a), right(b)) - x, height: Math.max(bottom(a), bottom(b)) - y };
}

/** How many columns two boxes share (negative: the gap between them). */
export function columnOverlap(a: Box, b: Box): number {
  return Math.min(right(a), right(b)) - Math.max(a.x, b.x);
}

/** How many rows two boxes share (negative: the gap between them). */
function rowOverlap(a: Box, b: Box): number {
  return Math.min(bottom(a), bottom(b)) - Math.max(a.y, b.y);
}

/** The median of some numbers (0 for none); also used by read-number.ts. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Joins pieces of ink that belong to one digit: two pieces are joined when
 * they share at least half the columns of the narrower one (a 4 written in
 * two strokes) or lie one above the other sharing some columns (a digit
 * broken across), and a small piece (under 40% of a digit's height: the bar of a
 * 5 lifted off its body) goes to the segment whose columns it overlaps most,
 * if it is no further than a tenth of a digit's height from it.
 */
function joinPieces(components: readonly Component[], digitHeight: number): InkSegment[] {
  const segments: { box: Box; pieces: number[] }[] = [];
  for (const piece of [...components].sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y)) {
    const small = piece.box.height < 0.4 * digitHeight && piece.box.width < 0.6 * digitHeight;
    // A small piece (the bar of a 5 lifted off its body) goes to the segment it overlaps most, if it is at most a tenth of a digit away.
    const near = small ? [...segments].sort((a, b) => columnOverlap(b.box, piece.box) - columnOverlap(a.box, piece.box))[0] : undefined;
    const home =
      near && columnOverlap(near.box, piece.box) >= -0.1 * digitHeight
        ? near
        : segments.find((segment) => {
            const shared = columnOverlap(segment.box, piece.box);
            // Stacked pieces that share columns but no rows: the halves of a digit broken across.
            const stacked = shared > 0 && rowOverlap(segment.box, piece.box) <= 0;
            return stacked || shared >= 0.5 * Math.min(segment.box.width, piece.box.width);
          });
    if (home) {
      home.box = unionBox(home.box, piece.box);
      home.pieces.push(piece.label);
    } else {
      segments.push({ box: piece.box, pieces: [piece.label] });
    }
  }
  // A join can make a segment reach over the next one: join again until nothing changes.
  for (let joined = true; joined; ) {
    joined = false;
    for (let i = 0; i + 1 < segments.length && !joined; i++) {
      const [a, b] = [segments[i], segments[i + 1]];
      if (columnOverlap(a.box, b.box) >= 0.5 * Math.min(a.box.width, b.box.width)) {
        segments.splice(i, 2, { box: unionBox(a.box, b.box), pieces: [...a.pieces, ...b.pieces] });
        joined = true;
      }
    }
  }
  return segments.sort((a, b) => a.box.x - b.box.x);
}

/**
 * Separates the ink of a picture of a handwritten number from the paper and
 * groups it into segments (see the module comment). Dark ink on light paper
 * and the reverse are both taken, as for one digit; uneven light and grain
 * are removed the same way.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function findSegments(image: GrayImage, options: SegmentOptions = {}): Segmentation {
  const gray = limitSize(image, options.maxWorkingSide ?? 2048);
  const scale = image.width === 0 ? 1 : gray.width / image.width;
  const polarity = inkOnDark(gray);
  const inverted = options.invert === undefined || options.invert === 'auto' ? polarity.inverted : options.invert;
  const dark = inverted === polarity.inverted ? polarity.image : inverted ? invertImage(gray) : gray;
  const clean = cleanBackground(dark, { speckShare: 0.02, ...options.clean });
  const cleaned = clean.image;
  const { labels, components } = connectedComponents(cleaned);
  const tallest = components.reduce((most, piece) => Math.max(most, piece.box.height), 0);
  const firstHeight = median(components.filter((piece) => piece.box.height >= 0.4 * tallest).map((piece) => piece.box.height));
  const segments = joinPieces(components, firstHeight);
  const digitHeight = median(segments.filter((segment) => segment.box.height >= 0.5 * tallest).map((segment) => segment.box.height));
  return { gray, inkOnDark: dark, background: clean.background, cleaned, scale, labels, components, segments, digitHeight };
}

/**
 * A line that cuts a segment from its top row to its bottom row: the column
 * where it crosses each row (`columns[r]` for row `segment.box.y + r`). Pixels
 * at or right of it are on its right. A straight cut has the same column in
 * every row; a cut found by cutPath bends around the ink.
 */
export interface Cut {
  /** The column it was started from (a minimum of the ink profile). */
  readonly start: number;
  readonly columns: Int32Array;
}

/**
 * A straight cut at `column` through the whole height of the segment (its ends are such cuts).
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function straightCut(segment: InkSegment, column: number): Cut {
  return { start: column, columns: new Int32Array(segment.box.height).fill(column) };
}

/** True when the working pixel (x, y) of a segment's row lies between two cuts. */
function between(segment: InkSegment, left: Cut, right_: Cut, x: number, y: number): boolean {
  const row = y - segment.box.y;
  return row >= 0 && row < segment.box.height && x >= left.columns[row] && x < right_.columns[row];
}

/**
 * The ink of one segment between two cuts (the whole segment by default),
 * alone: the pieces of other segments that reach into its box are left out.
 * Returned cut to the columns the two cuts span, with `margin` pixels of
 * black around, bright ink on black.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function segmentInk(
  segmentation: Segmentation,
  segment: InkSegment,
  left = straightCut(segment, segment.box.x),
  right_ = straightCut(segment, right(segment.box)),
  margin = 4,
): { readonly image: GrayImage; readonly left: number; readonly top: number } {
  const { cleaned, labels } = segmentation;
  const mine = new Set(segment.pieces);
  const { y, height } = segment.box;
  const x0 = Math.min(...left.columns);
  const width = Math.max(...right_.columns) - x0;
  const image = createGrayImage(Math.max(0, width) + 2 * margin, height + 2 * margin);
  for (let row = 0; row < height; row++) {
    for (let x = left.columns[row]; x < right_.columns[row]; x++) {
      const index = (y + row) * cleaned.width + x;
      if (mine.has(labels[index])) image.pixels[(row + margin) * image.width + x - x0 + margin] = cleaned.pixels[index];
    }
  }
  return { image, left: x0 - margin, top: y - margin };
}

/**
 * The picture around one segment's ink between two cuts, as a photo of that
 * digit alone would show it (bright ink on dark, before any cleaning): the
 * box the cuts span widened by `margin` pixels on every side (and to at
 * least the segment's height across), where every
 * pixel within two pixels of other ink (another segment's, or this
 * segment's beyond the cuts) shows the paper's background instead. The
 * single-digit preparation then cleans it as it cleans any photo.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function segmentPicture(segmentation: Segmentation, segment: InkSegment, left: Cut, right_: Cut, margin: number): GrayImage {
  const { inkOnDark, background, labels } = segmentation;
  const w = inkOnDark.width;
  const mine = new Set(segment.pieces);
  // At least as wide as the segment is tall, so a thin 1 keeps enough paper around it to tell paper from ink.
  const [from, to] = [Math.min(...left.columns), Math.max(...right_.columns)];
  const sideMargin = Math.max(margin, Math.ceil((segment.box.height - (to - from)) / 2));
  const x0 = Math.max(0, from - sideMargin);
  const y0 = Math.max(0, segment.box.y - margin);
  const width = Math.min(w, to + sideMargin) - x0;
  const height = Math.min(inkOnDark.height, segment.box.y + segment.box.height + margin) - y0;
  const out = createGrayImage(width, height);
  const foreign = (x: number, y: number) => {
    const label = labels[y * w + x];
    return label >= 0 && (!mine.has(label) || !between(segment, left, right_, x, y));
  };
  const reach = 2;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const [x, y] = [x0 + column, y0 + row];
      const own = labels[y * w + x] >= 0 && !foreign(x, y);
      let hidden = false;
      for (let dy = -reach; dy <= reach && !hidden && !own; dy++) {
        for (let dx = -reach; dx <= reach && !hidden; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx >= 0 && ny >= 0 && nx < w && ny < inkOnDark.height && foreign(nx, ny)) hidden = true;
        }
      }
      out.pixels[row * width + column] = hidden ? background.pixels[y * w + x] : inkOnDark.pixels[y * w + x];
    }
  }
  return out;
}

/**
 * The ink of a segment in each of its columns (the vertical profile), left to right.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function columnProfile(segmentation: Segmentation, segment: InkSegment): Float64Array {
  return profileOf(segmentInk(segmentation, segment, undefined, undefined, 0).image);
}

/** The ink of an image in each of its columns, left to right. */
function profileOf(image: GrayImage): Float64Array {
  const profile = new Float64Array(image.width);
  for (let row = 0; row < image.height; row++) for (let column = 0; column < image.width; column++) profile[column] += image.pixels[row * image.width + column];
  return profile;
}

/**
 * The cut from the top of a segment to its bottom, starting near `column`,
 * that crosses the least ink: a shortest path (dynamic programming, row by
 * row) that may move one column left or right per row and stray at most
 * `drift` columns from `column`. Each pixel costs its ink (0..255) plus 1,
 * and each sideways step 2 more, so on paper the cut runs straight down and
 * through touching or overlapping digits it bends around their strokes.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function cutPath(segmentation: Segmentation, segment: InkSegment, column: number, drift: number): Cut {
  return pathThrough(segmentInk(segmentation, segment, undefined, undefined, 0), segment, column, drift);
}

/** cutPath through a segment's ink as segmentInk gives it with no margin (computed once by candidateCuts for all its cuts). */
function pathThrough({ image, left, top }: ReturnType<typeof segmentInk>, segment: InkSegment, column: number, drift: number): Cut {
  const low = Math.max(segment.box.x + 1, column - drift);
  const high = Math.min(right(segment.box) - 1, column + drift);
  const span = high - low + 1;
  const rows = segment.box.height;
  const cost = new Float64Array(rows * span);
  const from = new Int8Array(rows * span);
  const ink = (row: number, x: number) => image.pixels[(segment.box.y - top + row) * image.width + (x - left)];
  for (let i = 0; i < span; i++) cost[i] = ink(0, low + i) + 1 + 0.01 * Math.abs(low + i - column);
  for (let row = 1; row < rows; row++) {
    for (let i = 0; i < span; i++) {
      let best = Infinity;
      let step = 0;
      for (const d of [0, -1, 1]) {
        const j = i + d;
        if (j < 0 || j >= span) continue;
        const value = cost[(row - 1) * span + j] + (d === 0 ? 0 : 2);
        if (value < best) [best, step] = [value, d];
      }
      cost[row * span + i] = best + ink(row, low + i) + 1;
      from[row * span + i] = step;
    }
  }
  let end = 0;
  for (let i = 1; i < span; i++) if (cost[(rows - 1) * span + i] < cost[(rows - 1) * span + end]) end = i;
  const columns = new Int32Array(rows);
  for (let row = rows - 1, i = end; row >= 0; row--) {
    columns[row] = low + i;
    i += from[row * span + i];
  }
  return { start: column, columns };
}

/**
 * Where a segment might be cut into digits: cuts (cutPath) started from the
 * columns at local minima of its vertical ink profile, smoothed over three
 * columns, at least `minWidth` from either end, the least inked first, at
 * most `limit` of them, left to right. Two touching digits usually meet
 * where little ink crosses from one to the other, so the cut that separates
 * them is among these.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function candidateCuts(segmentation: Segmentation, segment: InkSegment, minWidth: number, limit = 6): Cut[] {
  // The segment's ink alone, once, for its profile and for every cut path.
  const ink = segmentInk(segmentation, segment, undefined, undefined, 0);
  const profile = profileOf(ink.image);
  const n = profile.length;
  const smooth = Array.from(profile, (_, i) => (profile[Math.max(0, i - 1)] + profile[i] + profile[Math.min(n - 1, i + 1)]) / 3);
  const found: { column: number; ink: number }[] = [];
  const from = Math.max(1, Math.ceil(minWidth));
  for (let i = from; i < n - from; i++) {
    if (smooth[i] <= smooth[i - 1] && smooth[i] <= smooth[i + 1]) found.push({ column: i, ink: smooth[i] });
  }
  // Keep minima at least a quarter of minWidth apart (a flat valley gives many), the least inked first.
  const kept: { column: number; ink: number }[] = [];
  for (const cut of found.sort((a, b) => a.ink - b.ink || a.column - b.column)) {
    if (kept.every((other) => Math.abs(other.column - cut.column) >= Math.max(2, minWidth / 4))) kept.push(cut);
    if (kept.length === limit) break;
  }
  const drift = Math.max(1, Math.round(minWidth / 2));
  return kept.map((cut) => segment.box.x + cut.column).sort((a, b) => a - b).map((column) => pathThrough(ink, segment, column, drift));
}
