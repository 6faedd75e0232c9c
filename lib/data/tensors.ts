import * as tf from '@tensorflow/tfjs-core';
import { type DigitSet, NUM_CLASSES, pixelsPerImage } from './digit-set';
import { type Standardisation, standardise } from './normalise';

/** `flat`: one row of rows*cols values per image (for MLPs); `image`: [rows, cols, 1] per image (for CNNs). */
export type InputLayout = 'flat' | 'image';

/**
 * Pixel values scaled from 0..255 to 0..1, as float32.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function scaleToUnit(pixels: Uint8Array): Float32Array {
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i] / 255;
  return scaled;
}

/**
 * How pixel bytes become network inputs: `unit` divides by 255 (the series'
 * default), `raw` keeps 0..255 (to see why scaling matters), a
 * `Standardisation` subtracts the training mean and divides by the standard deviation.
 */
export type PixelScaling = 'unit' | 'raw' | Standardisation;

/**
 * Pixel values as float32 inputs, scaled as chosen.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function scalePixels(pixels: Uint8Array, scaling: PixelScaling = 'unit'): Float32Array {
  if (scaling === 'unit') return scaleToUnit(pixels);
  if (scaling === 'raw') return Float32Array.from(pixels);
  return standardise(pixels, scaling);
}

/**
 * One-hot rows: row i has a 1 in column labels[i] and 0 elsewhere.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function oneHot(labels: Uint8Array, numClasses = NUM_CLASSES): Float32Array {
  const rows = new Float32Array(labels.length * numClasses);
  labels.forEach((label, i) => {
    if (label >= numClasses) throw new RangeError(`label ${label} at index ${i} is not below ${numClasses}`);
    rows[i * numClasses + label] = 1;
  });
  return rows;
}

/** Model inputs and one-hot targets of a set. */
export interface TensorPair {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor2D;
}

/** How a set becomes tensors. */
export interface TensorOptions {
  /** `flat` (one row of 784 values per image, for dense networks; the default) or `image` (28x28x1, for CNNs). */
  readonly layout?: InputLayout;
  /** How pixels become inputs; default `unit` (divided by 255). */
  readonly scaling?: PixelScaling;
  /** How many classes the one-hot targets have; default 10 (the digits). Chapter 08's piece checker has 11. */
  readonly classes?: number;
}

/**
 * The set as tensors: inputs scaled (default: to [0, 1]) in the chosen layout
 * and one-hot targets. The caller owns them (dispose, or use inside tf.tidy).
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function toTensors(set: DigitSet, options: TensorOptions = {}): TensorPair {
  const { layout = 'flat', scaling = 'unit', classes = NUM_CLASSES } = options;
  const shape = layout === 'flat' ? [set.count, pixelsPerImage(set)] : [set.count, set.rows, set.cols, 1];
  return {
    xs: tf.tensor(scalePixels(set.images, scaling), shape, 'float32'),
    ys: tf.tensor2d(oneHot(set.labels, classes), [set.count, classes], 'float32'),
  };
}
