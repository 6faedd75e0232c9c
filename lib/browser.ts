/**
 * @mnist-ts/lib/browser: the part of the library that runs in a web page as
 * well as in Node, for bundlers (esbuild, Vite, webpack). It holds chapter
 * 07's preparation of a handwritten digit and chapter 06's prediction, and
 * nothing that reads files or needs Node: a picture comes in as pixels (from
 * a canvas or a decoded upload), and the same code as in the notebooks turns
 * it into MNIST's 28x28 format and asks a model. Every export here is also
 * exported by the main entry, with the same name.
 *
 * tfjs-core and tfjs-layers come from the page's own bundle; register a
 * backend (e.g. `@tensorflow/tfjs-backend-cpu`) before predicting.
 */

// ---- Chapter 01: inspecting MNIST -------------------------------------------
export { DataFileError } from './base/errors';
export { NUM_CLASSES } from './data/digit-set';
export type { ImageSet, DigitSet } from './data/digit-set';

// ---- Chapter 06: evaluating a classifier ------------------------------------
export { predictProbabilities, predictedLabels, type PredictOptions } from './evaluation/predict';
export { inputLayoutOf } from './models/input-layout';

// ---- Chapter 07: your own handwriting ---------------------------------------
export { checkDigitClassifier, checkProbabilityRows } from './evaluation/probability-check';
export { checkImageHeader, MAX_IMAGE_SIDE, type ImageHeader } from './handwriting/image-check';
export { rgbToGray } from './handwriting/luminance';
export { createGrayImage, grayImageFrom, toBytes, type GrayImage } from './handwriting/gray-image';
export { preprocessDigit, singleDigitSet, UNKNOWN_LABEL, type PreprocessOptions, type PreprocessSteps, type PreprocessedDigit } from './handwriting/preprocess';

// ---- Chapter 08: reading a whole number -------------------------------------
export { findSegments, type Segmentation, type InkSegment, type Cut } from './numbers/segment';
export { readNumber, type ReadNumberOptions, type NumberDigit, type NumberReading, type SegmentSplit } from './numbers/read-number';
export type { PixelBox } from './numbers/number-set';
export { numberPieces, type NumberPieces, type NumberPiece, type SegmentPlan } from './numbers/pieces';
export { checkPieces, checkPieceChecker, NOT_A_DIGIT, PIECE_CLASSES, type PieceCheck } from './numbers/piece-checker';
