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

/**
 * The SVG path data of a digit's strokes, placed and shaped as `options`
 * say: each point wobbled at random, then the digit slanted, turned, scaled
 * to its height and moved to its place.
 */
export function digitPath(design: DigitDesign, options: HandOptions): string {
  const random = new SeededRandom(options.seed);
  const wobble = options.wobble ?? 1.5;
  const slant = options.slant ?? 0.15;
  const angle = ((options.rotation ?? 0) * Math.PI) / 180;
  const scale = options.height / DESIGN_HEIGHT;
  const place = (x: number, y: number): string => {
    // Centre the design box on the origin, wobble, slant (top to the right), turn, scale, move.
    const wx = x - DESIGN_WIDTH / 2 + gaussian(random, wobble);
    const wy = y - DESIGN_HEIGHT / 2 + gaussian(random, wobble);
    const sx = wx - slant * wy;
    const rx = sx * Math.cos(angle) - wy * Math.sin(angle);
    const ry = sx * Math.sin(angle) + wy * Math.cos(angle);
    return `${(options.centreX + rx * scale).toFixed(2)} ${(options.centreY + ry * scale).toFixed(2)}`;
  };
  const parts: string[] = [];
  for (const stroke of DIGIT_STROKES[design] as readonly Stroke[]) {
    for (const command of stroke) {
      if (command[0] === 'C') {
        parts.push(`C${place(command[1], command[2])} ${place(command[3], command[4])} ${place(command[5], command[6])}`);
      } else {
        parts.push(`${command[0]}${place(command[1], command[2])}`);
      }
    }
  }
  return parts.join(' ');
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
