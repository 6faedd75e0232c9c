/**
 * Checking that a model's outputs are class probabilities before they are
 * shown as such. A model saved without its softmax gives logits (a "1200%"
 * confidence), one ending in a sigmoid gives ten independent values near 1:
 * both would print a digit and a confidence that mean nothing.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataFileError } from '../base/errors';
import { NUM_CLASSES } from '../data/digit-set';
import { inputLayoutOf } from '../models/input-layout';

/** How far from 1 a row of float32 probabilities may sum (a softmax is within about 1e-6). */
const SUM_TOLERANCE = 1e-3;

const NEEDS_SOFTMAX = 'the last layer needs a softmax';

/**
 * Refuses a model that cannot give digit probabilities, before any image is
 * read: its input must be 28x28x1 images or 784 pixels, its one output ten
 * values per image, and its last layer a softmax. The DataFileError names
 * `source` (the model folder).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function checkDigitClassifier(model: tfl.LayersModel, source: string): void {
  try {
    inputLayoutOf(model);
  } catch {
    throw new DataFileError(source, `takes inputs of shape [${shapeText(model.inputs[0].shape)}], not 28x28x1 images or 784 pixels`);
  }
  const shapes = model.outputs.map((output) => output.shape);
  if (shapes.length !== 1 || shapes[0].length !== 2 || shapes[0][1] !== NUM_CLASSES) {
    const given = shapes.map((shape) => `[${shapeText(shape)}]`).join(' and ');
    throw new DataFileError(source, `its output has shape ${given}, not one probability for each of the ${NUM_CLASSES} digits [null, ${NUM_CLASSES}]`);
  }
  const last = model.layers[model.layers.length - 1];
  const activation = last.getClassName() === 'Softmax' ? 'softmax' : (last.getConfig().activation as string | undefined);
  if (activation !== 'softmax') {
    throw new DataFileError(source, `its outputs are not probabilities: the last layer ("${last.name}") ends in ${activation ?? 'no activation'}; ${NEEDS_SOFTMAX}`);
  }
}

/**
 * Refuses rows of model outputs (`classes` values a row) that are not
 * probabilities: every value finite and within 0..1, every row summing to 1
 * (within 1e-3). The DataFileError names `source` (the model folder) and says
 * what is wrong, e.g. "its outputs are not probabilities: a row sums to 12.0".
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function checkProbabilityRows(rows: ArrayLike<number>, source: string, classes = NUM_CLASSES): void {
  const refuse = (what: string) => new DataFileError(source, `its outputs are not probabilities: ${what}; ${NEEDS_SOFTMAX}`);
  for (let start = 0; start < rows.length; start += classes) {
    let sum = 0;
    let outside: number | undefined;
    for (let i = start; i < start + classes; i++) {
      const value = rows[i];
      if (!Number.isFinite(value)) throw refuse(`a row holds ${value}`);
      if (value < 0 || value > 1) outside ??= value;
      sum += value;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw refuse(`a row sums to ${sum.toFixed(Math.abs(sum) < 10 ? 3 : 1)}`);
    if (outside !== undefined) throw refuse(`a row holds ${outside.toPrecision(4)}, outside 0..1`);
  }
}

function shapeText(shape: readonly (number | null)[]): string {
  return shape.map((size) => (size === null ? 'null' : String(size))).join(', ');
}
