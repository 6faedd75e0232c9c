/**
 * The piece checker: a small CNN that looks at a piece of a number, prepared
 * as one digit, and says which digit it is or that it is not one whole digit
 * (half of a 0, two touching digits squashed into one box). A digit
 * classifier cannot say that: trained on whole digits only, it is as sure of
 * a squashed pair as of a real digit. readNumber weighs each piece by what
 * the checker says; piece-set.ts makes its training data and
 * train/piece-checker.ts trains it.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataFileError } from '../base/errors';
import type { ImageSet } from '../data/digit-set';
import { predictProbabilities } from '../evaluation/predict';
import { outputClassesOf } from '../models/input-layout';

/** The checker's class for "not one whole digit"; classes 0-9 are the digits. */
export const NOT_A_DIGIT = 10;
/** How many classes the checker has: the ten digits and NOT_A_DIGIT. */
export const PIECE_CLASSES = 11;

/**
 * Refuses, with a DataFileError naming `source`, a model that is not a
 * piece checker: one that does not take 28x28x1 images or does not give
 * PIECE_CLASSES probabilities (the ten digits and "not a digit").
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function checkPieceChecker(model: tfl.LayersModel, source: string): void {
  const input = model.inputs[0].shape;
  if (model.inputs.length !== 1 || input.length !== 4 || input[1] !== 28 || input[2] !== 28 || input[3] !== 1) {
    throw new DataFileError(source, `this is not a piece checker: it takes inputs of shape [${input.join(', ')}], not 28x28x1 images`);
  }
  const output = model.outputs[0].shape;
  const classes = output[output.length - 1];
  if (model.outputs.length !== 1 || output.length !== 2 || classes !== PIECE_CLASSES) {
    const what = output.length === 2 && model.outputs.length === 1 ? `it has ${classes} outputs` : `its output has shape [${output.join(', ')}]`;
    throw new DataFileError(source, `this is not a piece checker: ${what}, not ${PIECE_CLASSES} (ten digits and "not a digit")`);
  }
}

/** What the piece checker says of each piece. */
export interface PieceCheck {
  /** The probability that piece i is one whole digit (1 minus its probability of NOT_A_DIGIT). */
  readonly whole: Float32Array;
  /** Ten per piece: the probability of each digit if the piece is a whole digit (the checker's digit probabilities, renormalised). */
  readonly digits: Float32Array;
}

/**
 * Runs the piece checker on prepared pieces. Throws when the model does not
 * have PIECE_CLASSES outputs.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function checkPieces(checker: tfl.LayersModel, pieces: ImageSet): Promise<PieceCheck> {
  const classes = outputClassesOf(checker);
  if (classes !== PIECE_CLASSES) throw new Error(`model ${checker.name} has ${classes} outputs, not a piece checker's ${PIECE_CLASSES} (ten digits and "not a digit")`);
  const probabilities = await predictProbabilities(checker, pieces);
  const whole = new Float32Array(pieces.count);
  const digits = new Float32Array(pieces.count * 10);
  for (let i = 0; i < pieces.count; i++) {
    const row = probabilities.subarray(i * PIECE_CLASSES, (i + 1) * PIECE_CLASSES);
    whole[i] = 1 - row[NOT_A_DIGIT];
    const sum = row.subarray(0, 10).reduce((total, value) => total + value, 0);
    for (let d = 0; d < 10; d++) digits[i * 10 + d] = sum > 0 ? row[d] / sum : 0.1;
  }
  return { whole, digits };
}
