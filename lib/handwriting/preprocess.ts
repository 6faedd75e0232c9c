/**
 * The whole recipe that turns a photo or scan of one handwritten digit into
 * an MNIST-style 28x28 image, keeping every intermediate picture so a
 * notebook can show each step:
 *
 *   gray      the picture in grey (shrunk to at most 1024 px a side)
 *   inkOnDark bright ink on black, inverted when the background is light
 *   background the estimated lighting of the background
 *   cleaned   background subtracted, thresholded, specks dropped, ink stretched
 *   cropped   cut to the ink's bounding box
 *   thickened thin pen strokes widened to MNIST's proportion (about 12% of the box)
 *   scaled    longer side 20 px, aspect ratio kept, brightest pixel stretched to 255
 *   centred   in a 28x28 field, centre of mass at (14, 14) (shifted by sub-pixel amounts), brightest pixel 255
 */
import type { DigitSet } from '../data/digit-set';
import { DataFileError } from '../base/errors';
import { centreOfMass, centreOnCanvas, type Point } from './centre';
import { type Box, cropImage, inkBox } from './crop';
import { type GrayImage, toBytes } from './gray-image';
import { inkOnDark, invertImage } from './polarity';
import { fitInBox, limitSize } from './resize';
import { MNIST_STROKE_SHARE, strokeWidth, thickenStrokes } from './strokes';
import { cleanBackground, type CleanOptions, normaliseInk } from './threshold';

/** The label given to a digit whose true class is not known: 255, outside 0-9 so it is never mistaken for a class. */
export const UNKNOWN_LABEL = 255;

/** Options of preprocessDigit. */
export interface PreprocessOptions {
  /** Names the image in errors (the file it came from); default "image". */
  readonly source?: string;
  /** Label of the digit in the returned DigitSet; default UNKNOWN_LABEL (255). */
  readonly label?: number;
  /** Larger pictures are first shrunk (area average) to this many pixels on the longer side; default 1024. */
  readonly maxWorkingSide?: number;
  /** 'auto' (default) inverts when the background is found to be light; true or false force it. */
  readonly invert?: 'auto' | boolean;
  /** The side of the box the digit is scaled to fit; default 20 as in MNIST. */
  readonly boxSize?: number;
  /** The side of the output field; default 28 as in MNIST. */
  readonly canvasSize?: number;
  /** How background and ink are separated (see cleanBackground). */
  readonly clean?: CleanOptions;
  /**
   * Thinner strokes are widened to this share of the longer side of the ink's
   * box (see thickenStrokes); default MNIST_STROKE_SHARE (0.12). false leaves
   * the strokes as they are.
   */
  readonly strokeShare?: number | false;
}

/** The picture after each step, in order (see the module comment). */
export interface PreprocessSteps {
  readonly gray: GrayImage;
  readonly inkOnDark: GrayImage;
  readonly background: GrayImage;
  readonly cleaned: GrayImage;
  readonly cropped: GrayImage;
  readonly thickened: GrayImage;
  readonly scaled: GrayImage;
  readonly centred: GrayImage;
}

/** A preprocessed digit: the steps, what was decided on the way, and the result as bytes and as a DigitSet. */
export interface PreprocessedDigit {
  readonly steps: PreprocessSteps;
  /** True when the picture had a light background and was inverted. */
  readonly inverted: boolean;
  /** The grey level of the picture's border (0..255, before any inversion). */
  readonly borderLevel: number;
  /** The paper's noise (standard deviation) and the ink threshold, in grey levels above the background. */
  readonly noise: number;
  readonly threshold: number;
  /** The ink's bounding box in `steps.cleaned`. */
  readonly box: Box;
  /** The strokes' width in `steps.cropped` and the width aimed at by thickening (0 when it is off), in pixels. */
  readonly strokeWidth: number;
  readonly targetStrokeWidth: number;
  /** The centre of mass of the final image (within a hair of (14, 14)). */
  readonly centre: Point;
  /** The final 28x28 image, row by row: 0 = background, 255 = ink, like MNIST. */
  readonly pixels: Uint8Array;
  /** The same pixels as a DigitSet of one image, ready for a model (label: options.label or UNKNOWN_LABEL). */
  readonly digitSet: DigitSet;
}

/**
 * Runs every step on a grayscale picture of one digit (0 = black, 255 =
 * white, as readImage gives it). Throws DataFileError naming
 * `options.source` when no ink is found.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function preprocessDigit(image: GrayImage, options: PreprocessOptions = {}): PreprocessedDigit {
  const source = options.source ?? 'image';
  if (image.width === 0 || image.height === 0) throw new DataFileError(source, `empty image (${image.width}x${image.height} pixels)`);
  const boxSize = options.boxSize ?? 20;
  const canvasSize = options.canvasSize ?? 28;

  const gray = limitSize(image, options.maxWorkingSide ?? 1024);
  const polarity = inkOnDark(gray);
  const inverted = options.invert === undefined || options.invert === 'auto' ? polarity.inverted : options.invert;
  const dark = inverted === polarity.inverted ? polarity.image : inverted ? invertImage(gray) : gray;
  const clean = cleanBackground(dark, options.clean);
  const box = inkBox(clean.image);
  if (!box) {
    throw new DataFileError(source, `no ink found: the picture is blank (nothing stands out more than ${clean.threshold.toFixed(0)} grey levels from the background)`);
  }
  const cropped = cropImage(clean.image, box);
  const share = options.strokeShare ?? MNIST_STROKE_SHARE;
  const strokes = share === false ? { image: cropped, width: strokeWidth(cropped), target: 0 } : thickenStrokes(cropped, share);
  const thickened = strokes.image;
  // Area averaging dims strokes thinner than a pixel; stretching the brightest pixel back to 255 restores MNIST's contrast.
  const scaled = normaliseInk(fitInBox(thickened, boxSize), 1);
  // The sub-pixel shift blends neighbouring pixels, so stretch once more (a constant factor: the centre of mass stays).
  const centred = normaliseInk(centreOnCanvas(scaled, canvasSize), 1);
  const pixels = toBytes(centred);
  const label = options.label ?? UNKNOWN_LABEL;
  return {
    steps: { gray, inkOnDark: dark, background: clean.background, cleaned: clean.image, cropped, thickened, scaled, centred },
    inverted,
    borderLevel: polarity.background.level,
    noise: clean.noise,
    threshold: clean.threshold,
    box,
    strokeWidth: strokes.width,
    targetStrokeWidth: strokes.target,
    centre: centreOfMass(centred) ?? { x: canvasSize / 2, y: canvasSize / 2 },
    pixels,
    digitSet: singleDigitSet(pixels, label, canvasSize),
  };
}

/**
 * A DigitSet holding one size x size image with the given label (UNKNOWN_LABEL when not known).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function singleDigitSet(pixels: Uint8Array, label = UNKNOWN_LABEL, size = 28): DigitSet {
  if (pixels.length !== size * size) throw new RangeError(`a ${size}x${size} image has ${size * size} pixels, got ${pixels.length}`);
  if (!Number.isInteger(label) || label < 0 || label > 255) throw new RangeError(`label must be a byte 0..255, got ${label}`);
  return { images: pixels, labels: Uint8Array.of(label), count: 1, rows: size, cols: size };
}
