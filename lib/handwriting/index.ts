/**
 * Your own handwriting (chapter 07): reading a PNG or JPEG of one digit and
 * turning it, step by step, into an MNIST-style 28x28 image; plus the sample
 * pictures of data/samples/ and the generator that made them.
 */
export { type GrayImage, createGrayImage, grayImageFrom, toBytes } from './gray-image';
export { readImage, decodeImage, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS, MAX_IMAGE_FILE_BYTES, type LoadedImage } from './read-image';
export { sniffImageFormat, type ImageFormat, type SniffResult } from './image-format';
export { luminance, rgbToGray } from './luminance';
export { jpegOrientation, applyOrientation, type ExifOrientation } from './orientation';
export { guessBackground, invertImage, inkOnDark, type BackgroundGuess } from './polarity';
export { estimateBackground, subtractBackground, type BackgroundOptions } from './background';
export {
  otsuThreshold, noiseLevel, inkThreshold, applyThreshold, removeSpecks, normaliseInk, cleanBackground,
  type CleanOptions, type CleanResult,
} from './threshold';
export { inkBox, cropImage, type Box } from './crop';
export { strokeWidth, thickenStrokes, dilateInk, MNIST_STROKE_SHARE } from './strokes';
export { resizeImage, fitInBox, fitSize, limitSize } from './resize';
export { centreOfMass, centreOnCanvas, shiftInto, type Point } from './centre';
export {
  preprocessDigit, preprocessDigitFile, singleDigitSet, UNKNOWN_LABEL,
  type PreprocessOptions, type PreprocessSteps, type PreprocessedDigit,
} from './preprocess';
export { stepsFigure, stepTiles, tileImage, STEP_CAPTIONS } from './steps-figure';
export { samplesDir, sampleDigit, listSamples, type SampleFile } from './samples';
export { makeSamples, SAMPLE_SPECS, type SampleSpec } from './make-samples';
export { recogniseDigit, recogniseDigits, inputLayoutOf, type Recognition, type RecognitionFailure } from './recognise';
