/**
 * Digits to draw with the mouse: the hand-designed strokes of
 * sample-strokes.ts, placed on a square drawing canvas with the same
 * wobble, slant and turn, and flattened into polylines (one per pen stroke)
 * that a browser test can trace with pointer moves. testDrawings() gives
 * several rounds of all ten digits in different styles, sizes and places;
 * each was checked to be read correctly, with a margin, by the series' best
 * CNNs after MNIST-style preparation (preprocessDigit).
 */
import { type DigitDesign, type HandOptions, type PagePoint, placedStrokes } from './sample-strokes';

/** Side of the square drawing canvas, in CSS pixels. */
export const DRAWING_CANVAS_SIZE = 280;
/** Width of the drawing pen (round caps and joins), in CSS pixels. */
export const DRAWING_PEN_WIDTH = 16;

/** A point of a polyline, in canvas pixels (y grows downwards). */
export interface DrawingPoint {
  x: number;
  y: number;
}

/** How finely digitPolylines flattens the strokes. */
export interface PolylineOptions {
  /** Points per Bezier curve (its end included, its start not); default: one every `spacing` pixels along it. */
  readonly pointsPerCurve?: number;
  /** Distance between neighbouring points along curves and straight lines, in pixels; default 4. */
  readonly spacing?: number;
}

/** One drawing of a test: what it shows and the pointer paths that draw it. */
export interface TestDrawing {
  /** The digit drawn, 0-9. */
  readonly digit: number;
  /** How it is written, in words, e.g. 'neat, centred'. */
  readonly style: string;
  /** The design of DIGIT_STROKES it is drawn from. */
  readonly design: DigitDesign;
  /** One polyline per pen stroke: press at the first point, move through the others, release. */
  readonly strokes: DrawingPoint[][];
}

/** Points rounded to hundredths of a pixel: short to print, and the same on every platform. */
function rounded(point: PagePoint): DrawingPoint {
  return { x: Math.round(point.x * 100) / 100, y: Math.round(point.y * 100) / 100 };
}

/** Distance between two points. */
function distance(a: PagePoint, b: PagePoint): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** The point at `t` (0..1) of the cubic Bezier curve from `p0` with controls `p1`, `p2` to `p3`. */
function bezierPoint(p0: PagePoint, p1: PagePoint, p2: PagePoint, p3: PagePoint, t: number): PagePoint {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/**
 * A digit's strokes as polylines on the page: one array of points per pen
 * stroke, placed as `options` say (the same transform and wobble as
 * digitPath, so the polylines trace the SVG path's strokes). Curves are
 * sampled every `spacing` pixels (about; or at `pointsPerCurve` even steps
 * of the curve's parameter), straight lines cut into pieces of about
 * `spacing` pixels, so pointer moves along them stay smooth.
 */
export function digitPolylines(design: DigitDesign, options: HandOptions, polyline: PolylineOptions = {}): DrawingPoint[][] {
  const spacing = polyline.spacing ?? 4;
  if (!(spacing > 0)) throw new RangeError(`digitPolylines: spacing must be positive, got ${spacing}`);
  if (polyline.pointsPerCurve !== undefined && !(Number.isInteger(polyline.pointsPerCurve) && polyline.pointsPerCurve >= 1)) {
    throw new RangeError(`digitPolylines: pointsPerCurve must be a whole number of at least 1, got ${polyline.pointsPerCurve}`);
  }
  return placedStrokes(design, options).map((stroke) => {
    const points: PagePoint[] = [];
    for (const placed of stroke) {
      const from = points.at(-1);
      if (placed.command === 'M') {
        points.push(placed.points[0]);
      } else if (from === undefined) {
        throw new Error(`digitPolylines: a stroke of ${design} starts with ${placed.command}, not M`);
      } else if (placed.command === 'L') {
        const [to] = placed.points;
        const steps = Math.max(1, Math.ceil(distance(from, to) / spacing));
        for (let i = 1; i <= steps; i++) points.push({ x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps });
      } else {
        const [c1, c2, to] = placed.points;
        // The curve is no longer than its control polygon and no shorter than its chord: their mean is a fair length.
        const length = (distance(from, c1) + distance(c1, c2) + distance(c2, to) + distance(from, to)) / 2;
        const steps = polyline.pointsPerCurve ?? Math.max(2, Math.ceil(length / spacing));
        for (let i = 1; i <= steps; i++) points.push(bezierPoint(from, c1, c2, to, i / steps));
      }
    }
    return points.map(rounded);
  });
}

/** Where a drawing goes and how it is written; the rest of HandOptions is filled in by testDrawings. */
interface DrawingSpec {
  readonly digit: number;
  readonly design: DigitDesign;
  readonly style: string;
  /** Height of the design box in pixels (the ink is a little shorter, a slanted digit a little wider). */
  readonly height: number;
  readonly slant: number;
  readonly rotation?: number;
  readonly wobble?: number;
  readonly seed: number;
  /**
   * Where the digit's points lie in the room left on the canvas, across and
   * down: 0 at the left (top) margin, 1 at the right (bottom) one, 0.5 centred.
   */
  readonly at: readonly [number, number];
}

/** The least distance of every drawn point from the canvas's edge: the pen's half-width, with room to spare. */
const DRAWING_MARGIN = 20;

/** Round 1: neat digits of the usual designs, about two thirds of the canvas tall, centred. */
const NEAT_ROUND: readonly DrawingSpec[] = (
  [
    ['0', 0.12], ['1', 0.1], ['2', 0.1], ['3', 0.12], ['4-open', 0.1], ['5', 0.12], ['6', 0.12], ['7', 0.08], ['8', 0.12], ['9', 0.15],
  ] as const
).map(([design, slant], digit) => ({ digit, design, style: 'neat, centred', height: 190, slant, seed: 1000 + digit, at: [0.5, 0.5] }));

/** Round 2: small digits (100-120 px tall) in the corners and along the edges of the canvas. */
const SMALL_ROUND: readonly DrawingSpec[] = [
  { digit: 0, design: '0', style: 'small, top left', height: 110, slant: 0.1, seed: 2000, at: [0, 0] },
  { digit: 1, design: '1', style: 'small, top right', height: 120, slant: 0.12, seed: 2001, at: [1, 0] },
  { digit: 2, design: '2', style: 'small, bottom left', height: 105, slant: 0.08, seed: 2002, at: [0, 1] },
  { digit: 3, design: '3', style: 'small, bottom right', height: 115, slant: 0.15, seed: 2003, at: [1, 1] },
  { digit: 4, design: '4-closed', style: 'small, left edge', height: 110, slant: 0.1, seed: 2004, at: [0, 0.5] },
  { digit: 5, design: '5', style: 'small, right edge', height: 100, slant: 0.12, seed: 2005, at: [1, 0.55] },
  { digit: 6, design: '6', style: 'small, top edge', height: 115, slant: 0.1, seed: 2006, at: [0.45, 0] },
  { digit: 7, design: '7', style: 'small, bottom edge', height: 120, slant: 0.05, seed: 2007, at: [0.55, 1] },
  { digit: 8, design: '8', style: 'small, upper left', height: 105, slant: 0.12, seed: 2008, at: [0.2, 0.25] },
  { digit: 9, design: '9', style: 'small, lower right', height: 110, slant: 0.15, seed: 2009, at: [0.8, 0.75] },
];

/** Round 3: large digits in other writing styles, strongly slanted or a little turned. */
const LARGE_ROUND: readonly DrawingSpec[] = [
  { digit: 0, design: '0-narrow', style: 'large, narrow, strong slant', height: 225, slant: 0.35, seed: 3000, at: [0.5, 0.5] },
  { digit: 1, design: '1-flag', style: 'large, flag at the top, turned right', height: 230, slant: 0.1, rotation: 4, seed: 3001, at: [0.5, 0.5] },
  { digit: 2, design: '2-loop', style: 'large, loop at the bottom, slanted', height: 220, slant: 0.25, seed: 3002, at: [0.5, 0.5] },
  { digit: 3, design: '3-flat', style: 'large, flat top, turned left', height: 225, slant: 0.15, rotation: -7, seed: 3003, at: [0.5, 0.5] },
  { digit: 4, design: '4-closed', style: 'large, closed top, strong slant', height: 230, slant: 0.3, seed: 3004, at: [0.5, 0.5] },
  { digit: 5, design: '5-one-stroke', style: 'large, one stroke, slanted', height: 220, slant: 0.25, rotation: 4, seed: 3005, at: [0.5, 0.5] },
  { digit: 6, design: '6-open', style: 'large, open loop, leaning left', height: 225, slant: -0.1, rotation: -5, seed: 3006, at: [0.5, 0.5] },
  { digit: 7, design: '7-crossbar', style: 'large, crossbar, strong slant', height: 230, slant: 0.3, seed: 3007, at: [0.5, 0.5] },
  { digit: 8, design: '8-loops', style: 'large, two loops, turned right', height: 225, slant: 0.2, rotation: 6, seed: 3008, at: [0.5, 0.5] },
  { digit: 9, design: '9-straight', style: 'large, straight stem, strong slant', height: 230, slant: 0.35, seed: 3009, at: [0.5, 0.5] },
];

/** The rounds of testDrawings, in order. */
const ROUNDS: readonly (readonly DrawingSpec[])[] = [NEAT_ROUND, SMALL_ROUND, LARGE_ROUND];

/** The bounding box of a drawing's points. */
function pointsBox(strokes: readonly DrawingPoint[][]): { left: number; top: number; right: number; bottom: number } {
  const points = strokes.flat();
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

/** A spec drawn on the canvas: placed once at the centre to measure it, then again where `at` puts its points. */
function drawSpec(spec: DrawingSpec): TestDrawing {
  const centre = DRAWING_CANVAS_SIZE / 2;
  const hand = { height: spec.height, penWidth: DRAWING_PEN_WIDTH / spec.height, slant: spec.slant, rotation: spec.rotation ?? 0, wobble: spec.wobble ?? 1.5, seed: spec.seed };
  const box = pointsBox(digitPolylines(spec.design, { ...hand, centreX: centre, centreY: centre }));
  const room = DRAWING_CANVAS_SIZE - 2 * DRAWING_MARGIN;
  if (box.right - box.left > room || box.bottom - box.top > room) throw new RangeError(`drawing of ${spec.design} (${spec.style}) does not fit on the canvas`);
  // The translation comes last in the placement, so moving the centre moves every point by the same amount.
  const left = DRAWING_MARGIN + spec.at[0] * (room - (box.right - box.left));
  const top = DRAWING_MARGIN + spec.at[1] * (room - (box.bottom - box.top));
  const strokes = digitPolylines(spec.design, { ...hand, centreX: centre + left - box.left, centreY: centre + top - box.top });
  return { digit: spec.digit, style: spec.style, design: spec.design, strokes };
}

/**
 * The drawings a browser test traces on the DRAWING_CANVAS_SIZE canvas with
 * a DRAWING_PEN_WIDTH pen: three rounds of the digits 0 to 9 in order (30
 * drawings). Round 1: neat, centred, about 190 px tall. Round 2: small (100
 * to 120 px) in the corners and along the edges. Round 3: large, in other
 * writing styles (a 1 with a flag, a 7 with a crossbar, a looped 2...),
 * strongly slanted or turned. Every point lies at least 20 px inside the
 * canvas, so the pen never leaves it; everything is seeded, so every call
 * returns the same drawings.
 */
export function testDrawings(): TestDrawing[] {
  return ROUNDS.flatMap((round) => round.map(drawSpec));
}
