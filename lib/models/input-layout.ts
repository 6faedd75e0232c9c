import type * as tfl from '@tensorflow/tfjs-layers';
import type { InputLayout } from '../data/tensors';

/**
 * The input layout a model expects, read from its input shape: `image` for
 * [28, 28, 1] inputs, `flat` for [784]. Prediction and evaluation use it
 * when the caller does not say, so a saved model needs no note of its layout.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function inputLayoutOf(model: tfl.LayersModel): InputLayout {
  const shape = model.inputs[0].shape;
  if (shape.length === 4 && shape[1] === 28 && shape[2] === 28 && shape[3] === 1) return 'image';
  if (shape.length === 2 && shape[1] === 784) return 'flat';
  throw new Error(`model ${model.name} takes inputs of shape [${shape.join(', ')}], not 28x28x1 images or 784 pixels`);
}

/**
 * How many classes a classifier's output has (its last dimension): 10 for
 * the digit classifiers, 11 for chapter 08's piece checker. Training and
 * evaluation size their one-hot targets by it.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function outputClassesOf(model: tfl.LayersModel): number {
  const shape = model.outputs[0].shape;
  const classes = shape[shape.length - 1];
  if (model.outputs.length !== 1 || shape.length !== 2 || classes === null || classes < 2) {
    throw new Error(`model ${model.name} has output shape [${shape.join(', ')}], not [null, classes] with at least two classes`);
  }
  return classes;
}
