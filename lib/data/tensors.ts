import * as tf from '@tensorflow/tfjs-core';
import { type DigitSet, NUM_CLASSES, pixelsPerImage } from './digit-set';

/** `flat`: one row of rows*cols values per image (for MLPs); `image`: [rows, cols, 1] per image (for CNNs). */
export type InputLayout = 'flat' | 'image';

/** Pixel values scaled from 0..255 to 0..1, as float32. */
export function scaleToUnit(pixels: Uint8Array): Float32Array {
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i] / 255;
  return scaled;
}

/** One-hot rows: row i has a 1 in column labels[i] and 0 elsewhere. */
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

/**
 * The set as tensors: inputs scaled to [0, 1] in the chosen layout and
 * one-hot targets. The caller owns them (dispose, or use inside tf.tidy).
 */
export function toTensors(set: DigitSet, layout: InputLayout = 'flat'): TensorPair {
  const shape = layout === 'flat' ? [set.count, pixelsPerImage(set)] : [set.count, set.rows, set.cols, 1];
  return {
    xs: tf.tensor(scaleToUnit(set.images), shape, 'float32'),
    ys: tf.tensor2d(oneHot(set.labels), [set.count, NUM_CLASSES], 'float32'),
  };
}
