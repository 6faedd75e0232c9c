import type * as tfl from '@tensorflow/tfjs-layers';
import { DataFileError } from '../base/errors';
import { predictProbabilities, predictedLabels } from '../evaluation/predict';
import { checkDigitClassifier, checkProbabilityRows } from '../evaluation/probability-check';
import type { PreprocessedDigit } from './preprocess';
import { preprocessDigitFile } from './preprocess-file';

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

/** An image that could not be recognised, and why. */
export interface RecognitionFailure {
  readonly file: string;
  /** The error's message: the file and what is wrong. */
  readonly error: string;
  /** What is wrong, without the file's name. */
  readonly problem: string;
}

/** Options of recogniseDigit, recogniseEach and recogniseDigits. */
export interface RecogniseOptions {
  /** Names the model in errors about it, e.g. its folder; default `model "<its name>"`. */
  readonly modelSource?: string;
}

/**
 * Preprocesses one image file the way MNIST was made and asks the model which
 * digit it is. Throws a DataFileError naming the file when it cannot be read
 * or holds no digit, and one naming the model (`options.modelSource`) when the
 * model does not give digit probabilities (see checkDigitClassifier).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function recogniseDigit(model: tfl.LayersModel, file: string, options: RecogniseOptions = {}): Promise<Recognition> {
  const source = modelSourceOf(model, options);
  checkDigitClassifier(model, source);
  return classify(model, file, await preprocessDigitFile(file), source);
}

/**
 * Recognises each file in turn and yields its result as soon as it is known,
 * holding nothing of the files before it: a caller that prints each result
 * and drops it needs the memory of one image, however many files there are.
 * A file that cannot be read or holds no digit yields a failure with its
 * reason, and the files after it are still recognised. A model that does not
 * give digit probabilities is refused once, naming `options.modelSource`:
 * before the first file when its shape or last layer is wrong, else at the
 * first image whose outputs are not probabilities.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function* recogniseEach(
  model: tfl.LayersModel,
  files: Iterable<string>,
  options: RecogniseOptions = {},
): AsyncGenerator<Recognition | RecognitionFailure> {
  const source = modelSourceOf(model, options);
  checkDigitClassifier(model, source);
  for (const file of files) yield await recogniseFile(model, file, source);
}

/**
 * Recognises each file in turn and returns every result, in the order of the
 * files (see recogniseEach, which gives them one at a time).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function recogniseDigits(
  model: tfl.LayersModel,
  files: readonly string[],
  options: RecogniseOptions = {},
): Promise<(Recognition | RecognitionFailure)[]> {
  const results: (Recognition | RecognitionFailure)[] = [];
  for await (const result of recogniseEach(model, files, options)) results.push(result);
  return results;
}

/** One file's recognition, or its failure when it cannot be read or holds no digit; model errors are thrown. */
async function recogniseFile(model: tfl.LayersModel, file: string, source: string): Promise<Recognition | RecognitionFailure> {
  let preprocessed: PreprocessedDigit;
  try {
    preprocessed = await preprocessDigitFile(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { file, error: message, problem: error instanceof DataFileError ? error.problem : message };
  }
  return classify(model, file, preprocessed, source);
}

/** The model's answer for one preprocessed digit, after checking that it is a row of probabilities. */
async function classify(model: tfl.LayersModel, file: string, preprocessed: PreprocessedDigit, source: string): Promise<Recognition> {
  let row: Float32Array;
  try {
    row = await predictProbabilities(model, preprocessed.digitSet);
  } catch (error) {
    throw new DataFileError(source, `cannot predict: ${(error as Error).message}`, { cause: error });
  }
  checkProbabilityRows(row, source);
  const digit = predictedLabels(row)[0];
  return { file, digit, confidence: row[digit], probabilities: Array.from(row), preprocessed };
}

function modelSourceOf(model: tfl.LayersModel, options: RecogniseOptions): string {
  return options.modelSource ?? `model "${model.name}"`;
}
