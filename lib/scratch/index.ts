/**
 * Chapter 03's network from scratch: dense matrix helpers on Float64Arrays,
 * a two-layer sigmoid/softmax network with hand-written backpropagation and
 * a numerical gradient check, weight initialisations, and an SGD training
 * loop over DigitSets.
 * Reached as the `scratch` namespace of `@mnist-ts/lib`; every name is listed here.
 */
export { type Matrix, zeroMatrix, matrixFrom, matrixFromRows, matrixToRows, cloneMatrix, shapeOf } from './matrix';
export { matmul, matmulTransposeA, matmulTransposeB } from './matmul';
export { addRowInPlace, columnSums, addScaledInPlace, subtract, multiplyInPlace, mapEntries, argmaxRows } from './elementwise';
export { LOG_EPSILON, sigmoid, sigmoidInto, softmaxRowsInto, crossEntropy, softmaxCrossEntropyGradient } from './activations';
export { GaussianSampler } from './gaussian';
export { type WeightInit, WEIGHT_INITS, glorotUniformLimit, heNormalStd, initialiseWeights } from './initialisation';
export { PARAM_NAMES, type ParamName, type NetParams, zeroParamsLike, cloneParams, parameterCount } from './params';
export { DEFAULT_DIFFERENCE_STEP, centralDifferences } from './numerical-gradient';
export { compareGradients, type GradientDifference, type GradientCheck } from './gradient-check';
export { TwoLayerNet, type TwoLayerNetOptions, type ForwardPass, type GradientCheckOptions } from './two-layer-net';
export { digitInputs, digitInputRange, oneHotMatrix, RandomBatches, type DigitBatch } from './digit-batches';
export { predictImage, type ScratchPrediction } from './predict-image';
export { trainScratchNet, setAccuracy, type ScratchEpochRecord, type ScratchTrainOptions, type ScratchTrainResult } from './train-scratch-net';
