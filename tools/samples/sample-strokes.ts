/**
 * Hand-designed pen strokes for the ten digits, in MNIST's handwriting style,
 * and their drawing as SVG paths with a little wobble, slant and turn, so
 * each drawn digit looks written by hand rather than typeset. Used by
 * make-samples.ts to make the sample pictures in data/samples/.
 */
import { SeededRandom } from '@mnist-ts/lib';

/**
 * One pen stroke: a start point, then straight lines (L) and cubic Bezier
 * curves (C, two control points then the end point), in a design box 60
 * units wide and 100 units tall (y grows downwards).
 */
export type Stroke = readonly StrokeCommand[];
/** One command of a stroke, as in SVG path data: move to, line to, or cubic curve to. */
export type StrokeCommand =
  | readonly ['M', number, number]
  | readonly ['L', number, number]
  | readonly ['C', number, number, number, number, number, number];

/** Width of the design box of the strokes. */
export const DESIGN_WIDTH = 60;
/** Height of the design box of the strokes. */
export const DESIGN_HEIGHT = 100;

/**
 * How each digit is written, as MNIST's writers did: one or more strokes per
 * digit. Variants that matter for recognition have their own names (an open
 * or a closed 4).
 */
export const DIGIT_STROKES = {
  '0': [[['M', 38, 5], ['C', 16, 2, 3, 30, 5, 58], ['C', 7, 86, 22, 98, 34, 96], ['C', 51, 93, 58, 66, 56, 40], ['C', 54, 15, 46, 3, 30, 7]]],
  '1': [[['M', 36, 2], ['C', 34, 30, 29, 66, 25, 98]]],
  '2': [[['M', 7, 26], ['C', 9, 8, 26, 0, 40, 4], ['C', 57, 9, 57, 31, 44, 46], ['C', 32, 60, 14, 78, 4, 96], ['C', 22, 93, 40, 94, 58, 96]]],
  '3': [[['M', 8, 16], ['C', 18, 1, 48, 0, 50, 21], ['C', 51, 37, 38, 46, 24, 48], ['C', 42, 48, 58, 60, 56, 76], ['C', 54, 96, 24, 102, 4, 87]]],
  '4-open': [
    [['M', 14, 3], ['C', 12, 22, 9, 42, 6, 60], ['C', 22, 60, 40, 58, 58, 56]],
    [['M', 47, 16], ['C', 46, 44, 45, 72, 44, 98]],
  ],
  '4-closed': [[['M', 45, 98], ['C', 44, 66, 43, 34, 43, 4], ['L', 4, 66], ['C', 22, 65, 40, 64, 58, 63]]],
  '5': [
    [['M', 16, 5], ['C', 14, 20, 13, 34, 12, 47], ['C', 26, 36, 50, 38, 54, 62], ['C', 58, 86, 36, 100, 6, 88]],
    [['M', 17, 5], ['C', 28, 4, 40, 4, 53, 3]],
  ],
  '6': [[['M', 46, 4], ['C', 28, 14, 10, 40, 8, 66], ['C', 6, 90, 22, 98, 34, 96], ['C', 52, 92, 56, 70, 46, 58], ['C', 36, 46, 14, 52, 9, 68]]],
  '7': [[['M', 4, 8], ['C', 20, 6, 42, 5, 56, 6], ['C', 44, 34, 31, 64, 22, 98]]],
  '8': [[['M', 50, 16], ['C', 46, 1, 10, 2, 12, 22], ['C', 14, 40, 50, 48, 52, 72], ['C', 54, 96, 10, 100, 8, 74], ['C', 6, 52, 46, 40, 50, 17]]],
  '9': [[['M', 52, 24], ['C', 48, 4, 12, 3, 10, 25], ['C', 8, 46, 42, 49, 52, 26], ['C', 50, 50, 47, 74, 45, 98]]],
  // Other writing styles, drawn by drawing-strokes.ts's test drawings.
  '0-narrow': [[['M', 36, 4], ['C', 18, 4, 10, 40, 12, 62], ['C', 14, 88, 24, 98, 32, 96], ['C', 44, 94, 50, 60, 48, 36], ['C', 46, 12, 42, 4, 32, 7]]],
  '1-flag': [[['M', 27, 13], ['L', 38, 3], ['C', 36, 34, 32, 66, 29, 98]]],
  '2-loop': [[['M', 6, 24], ['C', 8, 6, 26, 0, 40, 4], ['C', 56, 10, 56, 32, 42, 48], ['C', 32, 60, 22, 72, 14, 84], ['C', 8, 94, 0, 90, 2, 80], ['C', 4, 70, 18, 74, 18, 88], ['C', 20, 96, 40, 96, 58, 95]]],
  '3-flat': [[['M', 6, 6], ['L', 52, 6], ['L', 26, 40], ['C', 50, 38, 60, 60, 56, 76], ['C', 52, 96, 22, 100, 4, 86]]],
  '5-one-stroke': [[['M', 52, 4], ['L', 16, 5], ['L', 12, 46], ['C', 26, 36, 50, 38, 54, 62], ['C', 58, 86, 36, 100, 6, 88]]],
  '6-open': [[['M', 46, 4], ['C', 28, 14, 10, 40, 8, 66], ['C', 6, 90, 22, 98, 34, 96], ['C', 52, 92, 56, 70, 46, 58], ['C', 40, 50, 30, 48, 22, 52]]],
  '7-crossbar': [
    [['M', 4, 8], ['C', 20, 6, 42, 5, 56, 6], ['C', 44, 34, 31, 64, 22, 98]],
    [['M', 22, 53], ['L', 52, 51]],
  ],
  '8-loops': [[['M', 30, 48], ['C', 8, 40, 10, 4, 30, 4], ['C', 50, 4, 52, 40, 30, 48], ['C', 6, 56, 6, 96, 30, 96], ['C', 54, 96, 54, 56, 30, 48]]],
  '9-straight': [[['M', 50, 22], ['C', 46, 4, 12, 4, 10, 24], ['C', 8, 44, 44, 48, 50, 24], ['L', 48, 98]]],
} as const satisfies Record<string, readonly Stroke[]>;

/** The name of a digit's design in DIGIT_STROKES: the digit, or the digit with its variant ('4-open'). */
export type DigitDesign = keyof typeof DIGIT_STROKES;

/** How one digit is drawn on the page. */
export interface HandOptions {
  /** Where the digit's box goes and how tall it is, in pixels. */
  readonly centreX: number;
  readonly centreY: number;
  readonly height: number;
  /** Pen width as a share of the digit's height (MNIST's pens: about 0.1). */
  readonly penWidth: number;
  /** Lean to the right: horizontal shift of the top relative to the bottom, as a share of the height; default 0.15. */
  readonly slant?: number;
  /** Turn in degrees (clockwise), default 0. */
  readonly rotation?: number;
  /** Random shift of every point, in design units (the box is 100 tall); default 1.5. */
  readonly wobble?: number;
  /** Seeds the wobble, so the same options always draw the same digit. */
  readonly seed: number;
}

/** A normally distributed number (Box-Muller) with mean 0 and the given standard deviation. */
export function gaussian(random: SeededRandom, deviation = 1): number {
  const u = 1 - random.next();
  const v = random.next();
  return deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A point on the page, in pixels (y grows downwards). */
export interface PagePoint {
  readonly x: number;
  readonly y: number;
}

/** One command of a stroke placed on the page: its points in pixels, in the order they are written. */
export type PlacedCommand =
  | { readonly command: 'M'; readonly points: readonly [PagePoint] }
  | { readonly command: 'L'; readonly points: readonly [PagePoint] }
  | { readonly command: 'C'; readonly points: readonly [PagePoint, PagePoint, PagePoint] };

/**
 * The placement transform of `options`: takes a point of the design box to
 * the page. The design box is centred on the origin, the point wobbled at
 * random, then slanted (top to the right), turned, scaled to the height and
 * moved to (centreX, centreY). Each call draws the next two numbers of the
 * seeded wobble, so the points must be placed in the order they are written.
 */
export function designPlacement(options: HandOptions): (x: number, y: number) => PagePoint {
  const random = new SeededRandom(options.seed);
  const wobble = options.wobble ?? 1.5;
  const slant = options.slant ?? 0.15;
  const angle = ((options.rotation ?? 0) * Math.PI) / 180;
  const scale = options.height / DESIGN_HEIGHT;
  return (x, y) => {
    const wx = x - DESIGN_WIDTH / 2 + gaussian(random, wobble);
    const wy = y - DESIGN_HEIGHT / 2 + gaussian(random, wobble);
    const sx = wx - slant * wy;
    const rx = sx * Math.cos(angle) - wy * Math.sin(angle);
    const ry = sx * Math.sin(angle) + wy * Math.cos(angle);
    return { x: options.centreX + rx * scale, y: options.centreY + ry * scale };
  };
}

/**
 * A digit's strokes placed on the page as `options` say (see
 * designPlacement): one array of commands per pen stroke, curves kept as
 * cubic Beziers with placed control points. The transform is affine but for
 * the wobble, so a placed curve is the placed design's curve.
 */
export function placedStrokes(design: DigitDesign, options: HandOptions): PlacedCommand[][] {
  const place = designPlacement(options);
  return (DIGIT_STROKES[design] as readonly Stroke[]).map((stroke) =>
    stroke.map((command): PlacedCommand => {
      if (command[0] === 'C') {
        return { command: 'C', points: [place(command[1], command[2]), place(command[3], command[4]), place(command[5], command[6])] };
      }
      return { command: command[0], points: [place(command[1], command[2])] };
    }),
  );
}

/**
 * The SVG path data of a digit's strokes, placed and shaped as `options`
 * say: each point wobbled at random, then the digit slanted, turned, scaled
 * to its height and moved to its place (see designPlacement).
 */
export function digitPath(design: DigitDesign, options: HandOptions): string {
  const format = (point: PagePoint): string => `${point.x.toFixed(2)} ${point.y.toFixed(2)}`;
  return placedStrokes(design, options)
    .flat()
    .map((placed) => `${placed.command}${placed.points.map(format).join(' ')}`)
    .join(' ');
}

/** An SVG document of the given size with the digit drawn in black with a round pen on a transparent background. */
export function digitSvg(design: DigitDesign, width: number, height: number, options: HandOptions): string {
  const pen = (options.penWidth * options.height).toFixed(2);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<path d="${digitPath(design, options)}" fill="none" stroke="#000000" stroke-width="${pen}" stroke-linecap="round" stroke-linejoin="round"/>` +
    '</svg>'
  );
}
