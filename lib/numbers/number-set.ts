/**
 * A test set of whole numbers made from single MNIST digits: strings of
 * digits written side by side on photo-like paper, with gaps from wide to
 * none to overlapping by a few pixels, so a segmenter can be measured on
 * pictures whose every digit is known. Every string is drawn from a seed, so
 * the same options always give the same pictures, bit for bit.
 *
 * Each digit is cut to its ink, scaled up (bilinear, aspect kept) to a
 * height of about 40-56 px, slanted and set on a jittered baseline;
 * neighbouring digits are placed so that the gap between their ink boxes is
 * what the string's gap kind asks for. The ink (MNIST's 0..255 with its
 * faint halo trimmed) is then laid on grey paper with uneven lighting, a
 * faint blur and grain.
 */
import type { DigitSet } from '../data/digit-set';
import { SeededRandom } from '../base/random';
import { inkBox } from '../handwriting/crop';
import type { GrayImage } from '../handwriting/gray-image';

// Math's functions as module locals: the loops below run per pixel, and in a
// sandbox (a test runner's vm context) every lookup of a global is slow.
const { abs, ceil, cos, floor, imul, log, max, min, PI, round, sin, sqrt, trunc } = Math;

/** How far apart the digits of a string are written. */
export type GapKind = 'wide' | 'narrow' | 'touching' | 'grouped';

/** Every gap kind, in the order makeNumberSet returns them. */
export const GAP_KINDS: readonly GapKind[] = ['wide', 'narrow', 'touching', 'grouped'];

/** A rectangle of pixels: left column, top row, width and height. */
export type PixelBox = readonly [x: number, y: number, width: number, height: number];

/** One picture of a number and everything known about it. */
export interface NumberSample {
  /** Photo-like: dark ink on light paper, 0 = black .. 255 = white (whole numbers). */
  readonly image: GrayImage;
  /** The digits, no spaces, e.g. '0612345678'. */
  readonly text: string;
  /** The digits with one space at each group break ('06 12 34 56 78'); equal to `text` when there are no groups. */
  readonly spaced: string;
  /** Each digit's ink box in the image, in reading order. */
  readonly boxes: readonly PixelBox[];
  readonly kind: GapKind;
  /** The horizontal gap in pixels between consecutive ink boxes (negative = the boxes overlap). */
  readonly gaps: readonly number[];
  /** The index of each digit in the DigitSet it came from. */
  readonly sourceIndices: readonly number[];
}

/** Options of makeNumberSet. */
export interface NumberSetOptions {
  /** Strings per gap kind. */
  readonly perKind: number;
  readonly seed: number;
  /** The shortest and longest string, drawn uniformly in between; default [3, 10], within 1..20. */
  readonly lengths?: readonly [number, number];
  /** The gap kinds to make; default all of GAP_KINDS. */
  readonly kinds?: readonly GapKind[];
}

/** Gap ranges in pixels (whole numbers, both ends included), between ink boxes. */
export const GAP_RANGES = {
  wide: [10, 20],
  narrow: [2, 6],
  touching: [-3, 0],
  /** Between the groups of a grouped string, in digit heights (of the string's typical digit). */
  groupBreak: [0.8, 1.5],
} as const;

/** Digit heights: a string's typical height (px) and each digit's deviation from it (share). */
const STRING_HEIGHT: readonly [number, number] = [44, 51];
const HEIGHT_JITTER = 0.1;
const MIN_HEIGHT = 41;
const MAX_HEIGHT = 55;
/** A string's slant (horizontal shift per pixel upwards) and each digit's deviation from it. */
const SLANT: readonly [number, number] = [-0.15, 0.25];
const SLANT_JITTER = 0.05;
/** Each digit's bottom is this many pixels above or below the string's baseline, at most. */
const BASELINE_JITTER = 3;
const MARGIN: readonly [number, number] = [15, 40];
/** Blank images drawn in a row before makeNumberSet gives up. */
const MAX_BLANKS = 1000;
/** Other images of the same digit tried when a touching pair's ink cannot meet. */
const TOUCH_TRIES = 12;
/**
 * MNIST ink (0..1) maps to coverage linearly from INK_RAMP[0] (none) to
 * INK_RAMP[1] (full): the faint halo goes, the strokes keep MNIST's width
 * (sharper or bolder ramps close the loops of thick digits and break thin
 * ones). The digit's height is measured on ink above INK_RAMP[0].
 */
const INK_RAMP: readonly [number, number] = [0.2, 0.9];
/**
 * Coverage (0..1) from which ink counts as visible: a digit's ink box holds
 * its pixels at or above it (the fainter halo around the strokes lies
 * outside), and neighbouring digits touch when such pixels meet (8-connected).
 */
export const INK_LEVEL = 0.3;
/** The MNIST value (0..255) that becomes coverage INK_LEVEL: a digit's height is measured on ink above it. */
const SOLID_SOURCE = (INK_RAMP[0] + INK_LEVEL * (INK_RAMP[1] - INK_RAMP[0])) * 255;

/** Style of one string: the digits' typical height and slant, and the paper. */
export interface NumberStyle {
  /** The string's typical digit height in px (44-51 when drawn); each digit varies ±10% around it, kept within 41-55 (its ink box may be 1 px more or less). */
  readonly height: number;
  /** The string's slant: horizontal shift per pixel upwards (0.2 leans right); each digit varies by ±0.05. */
  readonly slant: number;
  /** Grey of the paper, 0..255 (before lighting). */
  readonly paper: number;
  /** Grey of full ink, 0..255 (before lighting). */
  readonly ink: number;
  /** Lighting: the picture darkens by up to `strength` (0..1) towards the direction `angle` (radians). */
  readonly lighting: { readonly strength: number; readonly angle: number };
  /** Share (0..1) of a 3x3 blur mixed into the picture. */
  readonly blur: number;
  /** Standard deviation of the grain, in grey levels. */
  readonly grain: number;
}

/** Options of makeNumberImage. */
export interface NumberImageOptions {
  /** The digits to write, as indices into the DigitSet, in reading order. */
  readonly indices: readonly number[];
  /** The gaps between consecutive ink boxes in px (whole numbers, indices.length - 1 of them). */
  readonly gaps: readonly number[];
  /** Seeds everything not given: the style's defaults, sizes, slants, baseline, margins, grain. */
  readonly seed: number;
  /** Parts of the style to fix; the rest are drawn from the seed. */
  readonly style?: Partial<NumberStyle>;
}

/** A composed number: the photo-like picture, the clean ink, and where each digit is. */
export interface NumberImage {
  /** 0 = black .. 255 = white, as a photo. */
  readonly image: GrayImage;
  /** The ink alone, 0 = none .. 255 = full, as MNIST (darker of overlapping digits wins). */
  readonly ink: GrayImage;
  readonly boxes: readonly PixelBox[];
  readonly gaps: readonly number[];
  readonly style: NumberStyle;
}

/**
 * One string of digits from `digits` written with exactly the given gaps
 * between their ink boxes, on photo-like paper. The lower-level step of
 * makeNumberSet, for pictures made to order (e.g. a figure showing one pair
 * at every gap).
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function makeNumberImage(digits: DigitSet, options: NumberImageOptions): NumberImage {
  checkDigitSet(digits, 1, false);
  const { indices, gaps } = options;
  if (indices.length < 1) throw new RangeError('makeNumberImage: indices must name at least one digit');
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= digits.count) {
      throw new RangeError(`makeNumberImage: digit index ${index} is outside 0..${digits.count - 1}`);
    }
  }
  if (gaps.length !== indices.length - 1) {
    throw new RangeError(`makeNumberImage: ${indices.length} digits need ${indices.length - 1} gaps, got ${gaps.length}`);
  }
  for (const gap of gaps) if (!Number.isInteger(gap)) throw new RangeError(`makeNumberImage: gaps must be whole numbers of pixels, got ${gap}`);
  checkSeed(options.seed, 'makeNumberImage');
  const random = new SeededRandom(options.seed);
  const drawn = drawStyle(random);
  const given = options.style ?? {};
  const style: NumberStyle = {
    height: given.height ?? drawn.height,
    slant: given.slant ?? drawn.slant,
    paper: given.paper ?? drawn.paper,
    ink: given.ink ?? drawn.ink,
    lighting: given.lighting ?? drawn.lighting,
    blur: given.blur ?? drawn.blur,
    grain: given.grain ?? drawn.grain,
  };
  const glyphs = indices.map((index) => {
    const glyph = drawGlyph(digits, index, style, random);
    if (glyph.width === 0) throw new RangeError(`makeNumberImage: digit ${index} of the set has no ink`);
    return glyph;
  });
  const bottoms = glyphs.map(() => jitterBottom(random));
  return compose(glyphs, bottoms, gaps, style, random);
}

/**
 * A seeded test set of numbers written with digits of `digits` (pass MNIST's
 * test set so that no digit was seen in training): `perKind` strings of each
 * gap kind, kind after kind in the order of GAP_KINDS, each 3-10 digits long
 * (options.lengths) with digits chosen at random. Gaps between ink boxes:
 * `wide` 10-20 px, `narrow` 2-6 px, `touching` -3..0 px (the ink visibly
 * touches or overlaps wherever the digits' shapes allow it), `grouped` groups
 * of 2-4 digits (1-2 in a 3-digit string) 2-6 px apart inside a group and
 * 0.8-1.5 digit heights between groups, like a phone number or a postcode.
 * The same options give the same samples, bit for bit; a string's picture
 * depends only on the seed, its kind and its place, not on the other kinds
 * asked for. Throws RangeError for a set of fewer than 10 digits, labels
 * outside 0-9, or lengths outside 1..20.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function makeNumberSet(digits: DigitSet, options: NumberSetOptions): NumberSample[] {
  checkDigitSet(digits, 10);
  const { perKind, seed } = options;
  if (!Number.isInteger(perKind) || perKind < 0) throw new RangeError(`makeNumberSet: perKind must be a whole number >= 0, got ${perKind}`);
  checkSeed(seed, 'makeNumberSet');
  const [shortest, longest] = options.lengths ?? [3, 10];
  if (!Number.isInteger(shortest) || !Number.isInteger(longest) || shortest < 1 || longest > 20 || shortest > longest) {
    throw new RangeError(`makeNumberSet: lengths must be whole numbers with 1 <= shortest <= longest <= 20, got [${shortest}, ${longest}]`);
  }
  const kinds = options.kinds ?? GAP_KINDS;
  if (kinds.length === 0) throw new RangeError('makeNumberSet: kinds must name at least one gap kind');
  for (const kind of kinds) {
    if (!GAP_KINDS.includes(kind)) throw new RangeError(`makeNumberSet: unknown gap kind ${JSON.stringify(kind)} (known: ${GAP_KINDS.join(', ')})`);
  }
  const byLabel: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < digits.count; i++) byLabel[digits.labels[i]].push(i);
  const samples: NumberSample[] = [];
  for (const kind of GAP_KINDS) {
    if (!kinds.includes(kind)) continue;
    for (let k = 0; k < perKind; k++) {
      const random = new SeededRandom(mixSeed(seed, GAP_KINDS.indexOf(kind), k));
      samples.push(makeSample(digits, byLabel, kind, shortest + random.nextInt(longest - shortest + 1), random));
    }
  }
  return samples;
}

function makeSample(digits: DigitSet, byLabel: readonly number[][], kind: GapKind, length: number, random: SeededRandom): NumberSample {
  const style = drawStyle(random);
  const breaks = new Set<number>(); // gap i is a group break
  if (kind === 'grouped') {
    let start = 0;
    for (const size of groupSizes(length, random)) {
      start += size;
      if (start < length) breaks.add(start - 1);
    }
  }
  const sourceIndices: number[] = [];
  const glyphs: Glyph[] = [];
  const bottoms: number[] = [];
  const gaps: number[] = [];
  let blanks = 0;
  while (glyphs.length < length) {
    let index = random.nextInt(digits.count);
    let glyph = drawGlyph(digits, index, style, random);
    if (glyph.width === 0) {
      // A blank image: no ink to write, draw another.
      if (++blanks > MAX_BLANKS) throw new RangeError(`makeNumberSet: ${blanks} of the digits drawn in a row had no ink; is the DigitSet blank?`);
      continue;
    }
    let bottom = jitterBottom(random);
    const i = glyphs.length - 1; // the digit to the left, if any
    if (i >= 0) {
      if (kind === 'wide') gaps.push(uniformInt(random, ...GAP_RANGES.wide));
      else if (kind === 'narrow') gaps.push(uniformInt(random, ...GAP_RANGES.narrow));
      else if (kind === 'grouped') {
        gaps.push(breaks.has(i) ? round(style.height * uniform(random, ...GAP_RANGES.groupBreak)) : uniformInt(random, ...GAP_RANGES.narrow));
      } else {
        const placed = touchingPlacement(digits, byLabel, glyphs[i], bottoms[i], { index, glyph, bottom }, style, random);
        ({ index, glyph, bottom } = placed);
        gaps.push(placed.gap);
      }
    }
    sourceIndices.push(index);
    glyphs.push(glyph);
    bottoms.push(bottom);
  }
  const composed = compose(glyphs, bottoms, gaps, style, random);
  const text = sourceIndices.map((index) => String(digits.labels[index])).join('');
  const spaced = [...text].map((digit, i) => (breaks.has(i) ? `${digit} ` : digit)).join('');
  return { image: composed.image, text, spaced, boxes: composed.boxes, kind, gaps, sourceIndices };
}

/** Sizes of the groups of a grouped string: 2-4 digits each, at least two groups (1-2 digits when fewer than 4). */
function groupSizes(length: number, random: SeededRandom): number[] {
  if (length < 2) return [length];
  if (length < 4) {
    const first = 1 + random.nextInt(length - 1);
    return [first, length - first];
  }
  const sizes: number[] = [];
  let left = length;
  while (left > 0) {
    // Each group takes 2-4 digits, never leaving a single one over, and the first leaves at least 2 for a second group.
    const options = [2, 3, 4].filter((size) => size <= left && left - size !== 1 && !(sizes.length === 0 && size === left));
    const size = options.length > 0 ? options[random.nextInt(options.length)] : left;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** A digit about to be placed: its index in the set, its glyph and its bottom relative to the baseline. */
interface Candidate {
  readonly index: number;
  readonly glyph: Glyph;
  readonly bottom: number;
}

/**
 * Places a digit touching the one to its left: a gap of -3..0 px at which
 * their solid ink touches (8-connected). When the candidate cannot touch at
 * any baseline jitter, up to TOUCH_TRIES other images of the same digit are
 * tried (so the string's text is unchanged, only the handwriting differs);
 * when none can, the best stays at -3 px (boxes overlapping, ink a little apart).
 */
function touchingPlacement(digits: DigitSet, byLabel: readonly number[][], left: Glyph, leftBottom: number, first: Candidate, style: NumberStyle, random: SeededRandom): Candidate & { readonly gap: number } {
  const [low, high] = GAP_RANGES.touching;
  const sameDigit = byLabel[digits.labels[first.index]];
  let best = { ...first, ...bestBottom(left, leftBottom, first.glyph, first.bottom) };
  for (let attempt = 0; best.contact < low && attempt < TOUCH_TRIES; attempt++) {
    const index = sameDigit[random.nextInt(sameDigit.length)];
    const glyph = drawGlyph(digits, index, style, random);
    if (glyph.width === 0) continue;
    const found = bestBottom(left, leftBottom, glyph, jitterBottom(random));
    if (found.contact > best.contact) best = { index, glyph, ...found };
  }
  const gap = best.contact >= low ? uniformInt(random, max(low, best.contact - (high - low)), min(high, best.contact)) : low;
  return { index: best.index, glyph: best.glyph, bottom: best.bottom, gap };
}

/** The right digit's bottom (its own, or else the jitter giving the largest contact gap) and that contact gap. */
function bestBottom(left: Glyph, leftBottom: number, right: Glyph, bottom: number): { readonly bottom: number; readonly contact: number } {
  let best = { bottom, contact: contactGap(left, leftBottom, right, bottom) };
  if (best.contact >= GAP_RANGES.touching[0]) return best;
  for (let shift = -BASELINE_JITTER; shift <= BASELINE_JITTER; shift++) {
    const contact = contactGap(left, leftBottom, right, shift);
    if (contact > best.contact) best = { bottom: shift, contact };
  }
  return best;
}

/**
 * The largest gap between the ink boxes at which the two digits' solid ink
 * (coverage >= INK_LEVEL) touches, 8-connected; at most 0. -Infinity
 * when they share no rows.
 */
function contactGap(left: Glyph, leftBottom: number, right: Glyph, rightBottom: number): number {
  // Row r of a glyph (0 = top of its box) sits at page row bottom - height + r.
  const leftTop = leftBottom - left.height;
  const rightTop = rightBottom - right.height;
  let best = -Infinity;
  for (let r = 0; r < left.height; r++) {
    const reach = left.rightmost[r];
    if (reach < 0) continue;
    const pageRow = leftTop + r;
    for (let dr = -1; dr <= 1; dr++) {
      const rr = pageRow + dr - rightTop;
      if (rr < 0 || rr >= right.height) continue;
      const start = right.leftmost[rr];
      if (start < 0) continue;
      // With gap g the right digit's box starts at left.width + g; touching when start + left.width + g - reach - 1 <= 0.
      best = max(best, reach + 1 - left.width - start);
    }
  }
  return best;
}

/**
 * A digit ready to place: its ink coverage (0..1, `coverageWidth` wide) with
 * a margin of faint halo around its ink box, the box's size and place in the
 * coverage, and the box's visible ink extent on each of its rows.
 */
interface Glyph {
  /** The ink box's size (visible ink, coverage >= INK_LEVEL); 0 x 0 for a blank image. */
  readonly width: number;
  readonly height: number;
  readonly coverage: Float32Array;
  readonly coverageWidth: number;
  readonly coverageHeight: number;
  /** Where the ink box's top-left corner is in `coverage`. */
  readonly boxX: number;
  readonly boxY: number;
  /** Per row of the box: its first and last column of visible ink (box coordinates), -1 when none. */
  readonly leftmost: Int32Array;
  readonly rightmost: Int32Array;
}

const BLANK: Glyph = { width: 0, height: 0, coverage: new Float32Array(0), coverageWidth: 0, coverageHeight: 0, boxX: 0, boxY: 0, leftmost: new Int32Array(0), rightmost: new Int32Array(0) };

/**
 * Digit `index` cut to its ink, scaled (bilinear) to the string's height
 * ±10% and slanted, as coverage 0..1 with its edges sharpened a little.
 */
function drawGlyph(digits: DigitSet, index: number, style: NumberStyle, random: SeededRandom): Glyph {
  const height = clamp(style.height * (1 + uniform(random, -HEIGHT_JITTER, HEIGHT_JITTER)), MIN_HEIGHT, MAX_HEIGHT);
  const slant = style.slant + uniform(random, -SLANT_JITTER, SLANT_JITTER);
  const { rows, cols } = digits;
  const size = rows * cols;
  const source = digits.images.subarray(index * size, (index + 1) * size);
  const sourceBox = inkBox({ width: cols, height: rows, pixels: Float32Array.from(source) }, SOLID_SOURCE);
  if (!sourceBox) return BLANK;
  const [x0, x1, y0, y1] = [sourceBox.x, sourceBox.x + sourceBox.width - 1, sourceBox.y, sourceBox.y + sourceBox.height - 1];
  const scale = height / (y1 - y0 + 1);
  const scaledWidth = (x1 - x0 + 1) * scale;
  const pad = 2;
  const h = ceil(height) + 2 * pad;
  const lean = abs(slant) * (h / 2);
  const w = ceil(scaledWidth + 2 * lean) + 2 * pad;
  const sample = (sx: number, sy: number): number => {
    // Bilinear between pixel centres, zero outside the image.
    const fx = sx - 0.5;
    const fy = sy - 0.5;
    const ix = floor(fx);
    const iy = floor(fy);
    const tx = fx - ix;
    const ty = fy - iy;
    const at = (x: number, y: number) => (x < 0 || y < 0 || x >= cols || y >= rows ? 0 : source[y * cols + x]);
    return (at(ix, iy) * (1 - tx) + at(ix + 1, iy) * tx) * (1 - ty) + (at(ix, iy + 1) * (1 - tx) + at(ix + 1, iy + 1) * tx) * ty;
  };
  const full = new Float32Array(w * h);
  for (let v = 0; v < h; v++) {
    const ys = v + 0.5 - pad; // in the scaled digit, 0 = top of its ink
    const shift = slant * (height / 2 - ys); // leaning right (slant > 0) moves the top right
    for (let u = 0; u < w; u++) {
      const xs = u + 0.5 - pad - lean - shift;
      const value = sample(x0 + xs / scale, y0 + ys / scale) / 255;
      // Trim the faint halo that enlarging spreads: MNIST's INK_RAMP becomes 0..1.
      full[v * w + u] = clamp((value - INK_RAMP[0]) / (INK_RAMP[1] - INK_RAMP[0]), 0, 1);
    }
  }
  // The ink box (visible ink: coverage at least INK_LEVEL). No float32 lies strictly between
  // INK_LEVEL - 1e-8 and INK_LEVEL, so "above INK_LEVEL - 1e-8" is exactly "at least INK_LEVEL".
  const box = inkBox({ width: w, height: h, pixels: full }, INK_LEVEL - 1e-8);
  if (!box) return BLANK;
  const { x: left, y: top, width, height: boxHeight } = box;
  const leftmost = new Int32Array(boxHeight).fill(-1);
  const rightmost = new Int32Array(boxHeight).fill(-1);
  for (let v = 0; v < boxHeight; v++) {
    for (let u = 0; u < width; u++) {
      if (full[(top + v) * w + left + u] >= INK_LEVEL) {
        if (leftmost[v] < 0) leftmost[v] = u;
        rightmost[v] = u;
      }
    }
  }
  return { width, height: boxHeight, coverage: full, coverageWidth: w, coverageHeight: h, boxX: left, boxY: top, leftmost, rightmost };
}

/** A digit's bottom relative to the string's baseline. */
function jitterBottom(random: SeededRandom): number {
  return uniformInt(random, -BASELINE_JITTER, BASELINE_JITTER);
}

/** The style of one string, drawn at random. */
function drawStyle(random: SeededRandom): NumberStyle {
  return {
    height: uniform(random, ...STRING_HEIGHT),
    slant: uniform(random, ...SLANT),
    paper: uniform(random, 200, 240),
    ink: uniform(random, 20, 60),
    lighting: { strength: uniform(random, 0, 0.25), angle: uniform(random, 0, 2 * PI) },
    blur: uniform(random, 0, 0.6),
    grain: uniform(random, 2, 5),
  };
}

/** Places the glyphs with the given gaps and bottoms, then lays their ink on paper. */
function compose(glyphs: readonly Glyph[], bottoms: readonly number[], gaps: readonly number[], style: NumberStyle, random: SeededRandom): NumberImage {
  const [marginLeft, marginRight, marginTop, marginBottom] = [0, 0, 0, 0].map(() => uniformInt(random, ...MARGIN));
  // Horizontal positions of the ink boxes, from the first box's left edge.
  const xs: number[] = [0];
  for (let i = 1; i < glyphs.length; i++) xs.push(xs[i - 1] + glyphs[i - 1].width + gaps[i - 1]);
  const firstX = min(...xs);
  const lastX = max(...xs.map((x, i) => x + glyphs[i].width));
  const tops = glyphs.map((glyph, i) => bottoms[i] - glyph.height);
  const highest = min(...tops);
  const lowest = max(...bottoms);
  const width = marginLeft + (lastX - firstX) + marginRight;
  const height = marginTop + (lowest - highest) + marginBottom;
  const ink = new Float32Array(width * height);
  const boxes: PixelBox[] = glyphs.map((glyph, i) => {
    const bx = marginLeft + xs[i] - firstX;
    const by = marginTop + tops[i] - highest;
    // The coverage, halo and all, with its box at (bx, by); the halo is narrower than the margins, but clip anyway.
    const ox = bx - glyph.boxX;
    const oy = by - glyph.boxY;
    for (let v = max(0, -oy); v < glyph.coverageHeight && oy + v < height; v++) {
      const row = (oy + v) * width + ox;
      for (let u = max(0, -ox); u < glyph.coverageWidth && ox + u < width; u++) {
        const c = glyph.coverage[v * glyph.coverageWidth + u];
        if (c > ink[row + u]) ink[row + u] = c; // where two digits overlap, the darker wins
      }
    }
    return [bx, by, glyph.width, glyph.height] as const;
  });
  const image = photograph(ink, width, height, style, random);
  for (let i = 0; i < ink.length; i++) ink[i] = round(ink[i] * 255);
  return { image: { width, height, pixels: image }, ink: { width, height, pixels: ink }, boxes, gaps: [...gaps], style };
}

/** Ink coverage (0..1) laid on paper under uneven light, blurred a little, with grain: whole grey levels 0..255. */
function photograph(ink: Float32Array, width: number, height: number, style: NumberStyle, random: SeededRandom): Float32Array {
  const pressure = smoothField(random, width, height);
  const ux = cos(style.lighting.angle);
  const uy = sin(style.lighting.angle);
  const projections = [0, width * ux, height * uy, width * ux + height * uy];
  const low = min(...projections);
  const span = max(...projections) - low || 1;
  const fall = style.lighting.strength;
  const clean = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const light = 1 - (fall * ((x + 0.5) * ux + (y + 0.5) * uy - low)) / span;
      const c = ink[i] === 0 ? 0 : min(1, ink[i] * (1 + 0.12 * pressure(x, y)));
      clean[i] = light * (style.paper - (style.paper - style.ink) * c);
    }
  }
  const out = blur3(clean, width, height, style.blur);
  const uniformGrain = grainSource(random);
  for (let i = 0; i < out.length; i += 2) {
    // Box-Muller: two independent normal values per pair of uniforms.
    const radius = style.grain * sqrt(-2 * log(1 - uniformGrain()));
    const angle = 2 * PI * uniformGrain();
    out[i] = clampLevel(out[i] + radius * cos(angle));
    if (i + 1 < out.length) out[i + 1] = clampLevel(out[i + 1] + radius * sin(angle));
  }
  return out;
}

/**
 * Uniform numbers in [0, 1) for the grain, seeded from `random`: the same
 * generator as SeededRandom (mulberry32), inlined because it runs for every pixel.
 */
function grainSource(random: SeededRandom): () => number {
  let state = floor(random.next() * 4294967296) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The image mixed with its 3x3 [1 2 1] blur in the share `amount` (edges repeat). */
function blur3(pixels: Float32Array, width: number, height: number, amount: number): Float32Array {
  const across = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const l = pixels[row + max(0, x - 1)];
      const r = pixels[row + min(width - 1, x + 1)];
      across[row + x] = (l + 2 * pixels[row + x] + r) / 4;
    }
  }
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const up = max(0, y - 1) * width;
    const down = min(height - 1, y + 1) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const blurred = (across[up + x] + 2 * across[row + x] + across[down + x]) / 4;
      out[row + x] = (1 - amount) * pixels[row + x] + amount * blurred;
    }
  }
  return out;
}

/** A smooth random field of about -1..1 (a few crossing waves), for pen pressure. */
function smoothField(random: SeededRandom, width: number, height: number): (x: number, y: number) => number {
  const side = max(width, height, 1);
  const waves = Array.from({ length: 3 }, () => ({
    fx: (random.next() * 6 + 2) / side,
    fy: (random.next() * 6 + 2) / side,
    phase: random.next() * 2 * PI,
  }));
  return (x, y) => (sin(2 * PI * (waves[0].fx * x + waves[0].fy * y) + waves[0].phase)
    + sin(2 * PI * (waves[1].fx * x + waves[1].fy * y) + waves[1].phase)
    + sin(2 * PI * (waves[2].fx * x + waves[2].fy * y) + waves[2].phase)) / 3;
}

/** A seed for string `k` of the kind numbered `kind`, mixed from the set's seed (so kinds do not depend on each other). */
function mixSeed(seed: number, kind: number, k: number): number {
  let h = trunc(seed) >>> 0;
  for (const part of [kind + 1, k + 1]) {
    h = imul(h ^ part, 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

function checkDigitSet(digits: DigitSet, fewest: number, checkLabels = true): void {
  if (!Number.isInteger(digits.count) || digits.count < fewest) {
    throw new RangeError(`the DigitSet holds ${digits.count} digits; at least ${fewest} are needed`);
  }
  if (digits.rows < 1 || digits.cols < 1 || digits.images.length < digits.count * digits.rows * digits.cols || digits.labels.length < digits.count) {
    throw new RangeError(`the DigitSet's arrays are too short for ${digits.count} images of ${digits.rows}x${digits.cols}`);
  }
  for (let i = 0; checkLabels && i < digits.count; i++) {
    if (digits.labels[i] > 9) throw new RangeError(`the DigitSet's label ${i} is ${digits.labels[i]}, not a digit 0-9`);
  }
}

function checkSeed(seed: number, where: string): void {
  if (!Number.isFinite(seed)) throw new RangeError(`${where}: seed must be a finite number, got ${seed}`);
}

function uniform(random: SeededRandom, low: number, high: number): number {
  return low + (high - low) * random.next();
}

function uniformInt(random: SeededRandom, low: number, high: number): number {
  return low + random.nextInt(high - low + 1);
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function clampLevel(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : round(value);
}

