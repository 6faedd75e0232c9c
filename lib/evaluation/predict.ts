/** A model's class probabilities for a set of images, computed in batches, and the labels they predict. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ImageSet, NUM_CLASSES, pixelsPerImage } from '../data/digit-set';
import { inputLayoutOf } from '../models/input-layout';
import { type InputLayout, type PixelScaling, scalePixels } from '../data/tensors';
import { checkClassCount, rowArgmax, rowCount } from '../base/argmax';

/** How `predictProbabilities` and `evaluateModel` feed a set to a model. */
export interface PredictOptions {
  /** The model's input layout; default read from the model's input shape. */
  readonly inputLayout?: InputLayout;
  /** Pixel scaling, as in training; default `unit` (divided by 255). */
  readonly scaling?: PixelScaling;
  /** Images per forward pass (bounds memory); default 1000. */
  readonly batchSize?: number;
}

/** Inputs of images start..start+size-1 of a set, scaled, in the model's layout (the caller disposes). */
function batchInputs(set: ImageSet, start: number, size: number, layout: InputLayout, scaling: PixelScaling): tf.Tensor {
  const pixels = pixelsPerImage(set);
  const values = scalePixels(set.images.subarray(start * pixels, (start + size) * pixels), scaling);
  const shape = layout === 'flat' ? [size, pixels] : [size, set.rows, set.cols, 1];
  return tf.tensor(values, shape, 'float32');
}

/**
 * The model's output for every image of the set: row i (`classes` values,
 * 10 for MNIST) holds image i's class probabilities. Images go through the
 * model `batchSize` at a time, so memory stays bounded on the full test set,
 * and every tensor made is freed. `scaling` must match training (default
 * `unit`, pixels divided by 255).
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export async function predictProbabilities(model: tfl.LayersModel, set: ImageSet, options: PredictOptions = {}): Promise<Float32Array> {
  const { inputLayout = inputLayoutOf(model), batchSize = 1000, scaling = 'unit' } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`predictProbabilities: batch size must be a positive whole number, not ${batchSize}`);
  let result: Float32Array | undefined;
  let classes = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const size = Math.min(batchSize, set.count - start);
    const xs = batchInputs(set, start, size, inputLayout, scaling);
    let output: tf.Tensor | tf.Tensor[] | undefined;
    try {
      output = tf.tidy(() => model.predict(xs));
      if (Array.isArray(output)) throw new Error(`predictProbabilities: model ${model.name} has ${output.length} outputs, expected one`);
      if (output.rank !== 2 || output.shape[0] !== size) {
        throw new Error(`predictProbabilities: model ${model.name} gave output of shape [${output.shape.join(', ')}], expected [${size}, classes]`);
      }
      if (!result) {
        classes = output.shape[1]!;
        result = new Float32Array(set.count * classes);
      }
      result.set(await output.data<'float32'>(), start * classes);
    } finally {
      tf.dispose(output === undefined ? [xs] : [xs, ...(Array.isArray(output) ? output : [output])]);
    }
  }
  return result ?? new Float32Array(0);
}

/**
 * The predicted class of each row of probabilities (`classes` values per
 * row): the most probable one, the lowest class on a tie.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function predictedLabels(probabilities: ArrayLike<number>, classes = NUM_CLASSES): Uint8Array {
  checkClassCount(classes, 'predictedLabels', 256);
  const rows = rowCount(probabilities, classes, 'predictedLabels');
  const labels = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) labels[row] = rowArgmax(probabilities, row, classes);
  return labels;
}
