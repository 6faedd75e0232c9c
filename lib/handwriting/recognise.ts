import type * as tfl from '@tensorflow/tfjs-layers';
import { predictProbabilities, predictedLabels } from '../evaluation/predict';
import { preprocessDigitFile, type PreprocessedDigit } from './preprocess';

/** What the model made of one image file. */
export interface Recognition {
  readonly file: string;
  readonly digit: number;
  /** The probability of `digit`. */
  readonly confidence: number;
  /** The ten class probabilities. */
  readonly probabilities: number[];
  /** Every preprocessing step, for showing. */
  readonly preprocessed: PreprocessedDigit;
}

/** An image that could not be recognised, and why (the message names the file). */
export interface RecognitionFailure {
  readonly file: string;
  readonly error: string;
}

/**
 * Preprocesses one image file the way MNIST was made and asks the model which digit it is.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function recogniseDigit(model: tfl.LayersModel, file: string): Promise<Recognition> {
  const preprocessed = await preprocessDigitFile(file);
  const row = await predictProbabilities(model, preprocessed.digitSet);
  const digit = predictedLabels(row)[0];
  return { file, digit, confidence: row[digit], probabilities: Array.from(row), preprocessed };
}

/**
 * Recognises each file in turn. A file that cannot be read or holds no digit
 * becomes a failure with its reason; the other files are still recognised.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function recogniseDigits(model: tfl.LayersModel, files: readonly string[]): Promise<(Recognition | RecognitionFailure)[]> {
  const results: (Recognition | RecognitionFailure)[] = [];
  for (const file of files) {
    try {
      results.push(await recogniseDigit(model, file));
    } catch (error) {
      results.push({ file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
