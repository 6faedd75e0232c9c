/**
 * @mnist-ts/lib: what the notebooks of the series stand on, named export by
 * export in the order a reader meets them. Each group says which chapter
 * introduces it, and each function's own comment says so too ("Introduced in
 * chapter NN"), so a reader can go from a notebook to the code and back.
 *
 * Importing this module registers no kernel and sets no backend: call
 * `useBestBackend()` first (it registers the wasm training kernels of
 * `tfjs-backend-wasm-training` when it picks wasm).
 */
import * as scratch from './scratch/index';
import * as tf from './tf';

// ---- Chapter 01: inspecting MNIST -------------------------------------------
export { tf };
export { useBestBackend, parseBackendName, BACKEND_NAMES, BACKEND_ENV, type BackendName, type BackendChoice, type BackendOptions } from './backend/select';
export { currentProfile, profileByName, describeProfile, epochsFor, PROFILE_ENV, type Profile, type ProfileName } from './base/profile';
export { loadMnist, locateMnist, mnistForProfile, MNIST_FILES, MNIST_DIR_ENV } from './data/mnist';
export type { Mnist, MnistLocation, LoadMnistOptions, MnistFileRole, ProfiledMnist } from './data/mnist';
export { readIdxImages, readIdxLabels, readIdxPair, readIdxFile, parseIdx, encodeIdx, writeIdx } from './data/idx';
export type { IdxImages, IdxLabels, IdxData, IdxHeader, IdxType, IdxArray, IdxImagesAndLabels, ReadIdxOptions, ReadImagesOptions, ReadLabelsOptions, ReadPairOptions, WriteIdxOptions } from './data/idx';
export { DataFileError } from './base/errors';
export { NUM_CLASSES, pixelsPerImage, imageAt, imageMatrix, firstImages, selectImages, labelCounts, shuffleImages, stratifiedSample } from './data/digit-set';
export type { ImageSet, DigitSet } from './data/digit-set';
export { pixelStatistics, pixelValueCounts, inkPerImage, type PixelStatistics } from './data/pixel-stats';
export { imageGrid, type ImageGridOptions } from './charts/image-grid';
export { Figure } from './charts/figure';
export { firstImagesFigure, labelCountsFigure, type SetFigureOptions } from './reports/series-figures';
export { show } from './present/show';
export { showMarkdown, showTable, showProfile, showRunTime, inNotebook } from './present/display';
export { markdownTable, formatPercent } from './base/format';
export { TODO, type ExerciseStatus, type Verdict } from './exercises/exercise';
export { EXERCISES, exercisesOfChapter, runCheck } from './exercises/registry';
export { check, VERDICT_MIME_TYPE } from './present/exercise';

// ---- Chapter 02: histograms and normalisation ---------------------------------
export { histogram, binValues, logFloor, type HistogramBin, type HistogramHighlight, type HistogramOptions } from './charts/histogram';
export { barChart } from './charts/bar-chart';
export type { ChartOptions } from './charts/vega-render';
export {
  pixelHistogramFigure, oneImageHistogramFigure, scaledHistogramFigure, standardisedHistogramFigure, exampleImagesFigure, HISTOGRAM_EXAMPLES,
  type OneImageHistogramOptions,
} from './reports/series-figures';
export { scaleToUnit, scalePixels, oneHot, toTensors, type InputLayout, type PixelScaling, type TensorPair, type TensorOptions } from './data/tensors';
export { fitStandardisation, standardise, type Standardisation } from './data/normalise';

// ---- Chapter 03: learning from data -------------------------------------
export { scratch };
export { descentPathFigure } from './charts/descent-path';

// ---- Chapter 04: multilayer perceptrons -------------------------------------
export { buildMlp, type MlpOptions } from './models/mlp';
export { compileClassifier, seededGlorot, type BuildOptions, type OptimizerName } from './models/common';
export { MLP_256_128_64, MLP_784, MLP_512_512, ARCHITECTURE_LIST, ARCHITECTURES, architectureByName, type Architecture, type ArchitectureBuildOptions } from './models/architectures';
export { modelSummary, formatModelSummary, type ModelSummary, type SummaryRow } from './models/summary';
export { showModelSummary, showComparison } from './present/show';
export { trainModel, trainStep, batchAccuracy, evaluateModel, type TrainOptions, type TrainResult, type Evaluation } from './train/train';
export { trainingWorkers, forwardMultiplyAdds, MIN_SHARD_MULTIPLY_ADDS, TRAIN_WORKERS_ENV, type WorkerChoice } from './train/workers';
export type { EpochRecord, BatchProgress, TrainingProgress, TrainingStart } from './types/training';
export { showProgress } from './present/progress';
export { trainingCurves, type TrainingCurvesOptions } from './charts/training-curves';
export { lineChart, type LineSeries } from './charts/line-chart';
export { trainArchitecture, bestByTestAccuracy, saveRun, type ArchitectureRun, type ArchitectureRunOptions, type RunMetadata } from './train/experiment';
export { saveModel, loadModel, readModelMetadata, modelFileContents, type ModelFileContents, type SavedModel, type LoadedModel, type LoadModelOptions, type ModelMetadata } from './models/persist';
export { readResults, recordResult, type ModelResult, type ResultsFile } from './reports/results';
export { comparisonRows, comparisonTable, comparisonFigure } from './reports/comparison';
export { REPORTED_TEST_ACCURACY } from './reports/seed-results';
export { projectDir, modelsDir, modelsDirFor, notebookResultsFile, displayPath, PROJECT_DIR_ENV, MODELS_DIR_ENV } from './base/paths';

// ---- Chapter 05: convolutional networks -------------------------------------
export { buildCnn, LENET5_LAYERS, CNN_32_64_64_LAYERS, CNN_SIMPLE_LAYERS, CNN_LARGER_LAYERS, type CnnLayer, type CnnOptions } from './models/cnn';
export { LENET5, CNN_32_64_64, CNN_SIMPLE, CNN_LARGER } from './models/architectures';
export { SeededDropout, seededDropout } from './models/seeded-dropout';
export { bestCnnDir } from './base/paths';
export { crossCorrelate, convOutputSize, type ConvolutionOptions } from './convolution/cross-correlate';
export { valueMapsFigure, type ValueMap, type ValueMapsOptions } from './charts/value-maps';
export { layerActivations, type LayerActivation } from './convolution/activations';
export { featureMapsFigure, type FeatureMapsOptions } from './convolution/feature-maps';
export { filtersFigure, type FiltersOptions } from './convolution/filters';
export { CHALLENGE_ERROR_BAR } from './exercises/chapter-05';

// ---- Chapter 06: evaluating a classifier ------------------------------------
export { loadOrTrainBestCnn, DEFAULT_CNN, type ReadyCnn, type BestCnnOptions } from './train/best-cnn';
export { predictProbabilities, predictedLabels, type PredictOptions } from './evaluation/predict';
export { inputLayoutOf } from './models/input-layout';
export {
  confusionMatrix, normaliseRows, classMetrics, mostConfusedPairs, misclassified,
  type CountMatrix, type ClassMetrics, type AveragedMetrics, type ClassificationMetrics, type ConfusedPair, type Mistake,
} from './evaluation/metrics';
export {
  classMetricsTable, metricsTableRows, confusionMatrixFigure, mistakesFigure, probabilityBarFigure,
  type ConfusionMatrixFigureOptions, type MistakesFigureOptions, type ProbabilityFigureOptions,
} from './evaluation/report';
export { topProbabilities, confidenceByOutcome, CONFIDENCE_EDGES, type ConfidenceBin } from './evaluation/confidence';
export { confidenceFigure } from './evaluation/confidence-figure';
export { showClassMetrics } from './present/show';
export { heatmap, type HeatmapOptions } from './charts/heatmap';

// ---- Chapter 07: your own handwriting ---------------------------------------
export { readImage, checkImageFile, decodeImage, type LoadedImage } from './handwriting/read-image';
export { checkImageHeader, MAX_IMAGE_SIDE, type ImageHeader } from './handwriting/image-check';
export { rgbToGray } from './handwriting/luminance';
export { createGrayImage, grayImageFrom, toBytes, type GrayImage } from './handwriting/gray-image';
export { guessBackground, invertImage, type BackgroundGuess } from './handwriting/polarity';
export { otsuThreshold, cleanBackground, type CleanOptions, type CleanResult } from './handwriting/threshold';
export { inkBox, cropImage, type Box } from './handwriting/crop';
export { strokeWidth, thickenStrokes } from './handwriting/strokes';
export { fitInBox, resizeImage } from './handwriting/resize';
export { centreOfMass, centreOnCanvas, type Point } from './handwriting/centre';
export { preprocessDigit, singleDigitSet, UNKNOWN_LABEL, type PreprocessOptions, type PreprocessSteps, type PreprocessedDigit } from './handwriting/preprocess';
export { preprocessDigitFile } from './handwriting/preprocess-file';
export { stepsFigure } from './handwriting/steps-figure';
export { samplesDir, sampleDigit, listSamples, type SampleFile } from './handwriting/samples';
export { checkDigitClassifier, checkProbabilityRows } from './evaluation/probability-check';
export { recogniseDigit, recogniseEach, recogniseDigits, type Recognition, type RecognitionFailure, type RecogniseOptions } from './handwriting/recognise';
export { rotateImage, sideBySide, fadeInk } from './handwriting/hard-cases';

// ---- Chapter 08: reading a whole number -------------------------------------
export { connectedComponents, type Component, type ComponentLabels } from './handwriting/components';
export {
  findSegments, segmentInk, segmentPicture, columnProfile, cutPath, candidateCuts, straightCut,
  type SegmentOptions, type InkSegment, type Segmentation, type Cut,
} from './numbers/segment';
export { readNumber, type ReadNumberOptions, type NumberDigit, type NumberReading, type SegmentSplit } from './numbers/read-number';
export { readNumberFile } from './numbers/read-number-file';
export {
  makeNumberSet, makeNumberImage, GAP_KINDS, GAP_RANGES, INK_LEVEL,
  type GapKind, type PixelBox, type NumberSample, type NumberSetOptions, type NumberStyle, type NumberImageOptions, type NumberImage,
} from './numbers/number-set';
export { editDistance, scoreNumbers, type NumberScore } from './numbers/number-score';
export { numberPieces, type NumberPieces, type NumberPiece, type SegmentPlan } from './numbers/pieces';
export { checkPieces, checkPieceChecker, NOT_A_DIGIT, PIECE_CLASSES, type PieceCheck } from './numbers/piece-checker';
export { labelPieces, labelByOverlap, boxOverlap, pieceCheckerSet, type PieceSet, type PieceLabelOptions } from './numbers/piece-set';
export {
  buildPieceChecker, trainPieceChecker, loadPieceChecker, loadOrTrainPieceChecker, PIECE_CHECKER_LAYERS,
  type PieceCheckerOptions, type TrainedPieceChecker, type ReadyPieceChecker,
} from './train/piece-checker';
export { pieceCheckerDir } from './base/paths';
export { outputClassesOf } from './models/input-layout';
export { segmentationFigure, grayImageToPng, type SegmentationFigureOptions, type SegmentationLayer } from './numbers/segmentation-figure';
export { numberScoresFigure, type NamedNumberScore } from './numbers/scores-figure';

// ---- For reports and your own projects (no single chapter) -------------------
export { dataFigures, type NamedFigure } from './reports/series-figures';
export { defaultDataDir, reportsDir, reportsDirFor, cacheDir } from './base/paths';
export { writeFileAtomic } from './base/atomic-write';
export { SeededRandom } from './base/random';
export { verifyFileChecksum } from './data/verified-files';
export { sha256File, sha256Hex } from './data/checksum';
export { downloadFile, type DownloadOptions, type DownloadResult } from './data/download';
export { DATASETS, FASHION_MNIST, KMNIST, getDataset, fetchDataset, loadDataset, type DatasetSpec, type FetchDatasetOptions, type FetchedDataset, type LoadedDataset } from './data/datasets';
export { registerWasmTrainingKernels, WasmAdamOptimizer } from 'tfjs-backend-wasm-training';

// ---- Writing exercises and checks (for teachers; no single chapter) ----------
export { WrongAnswer, NotAttempted, given, givenNumber, givenFunction, expectThat, closeTo, isTodo, describeValue } from './exercises/exercise';
export type { Exercise, ExerciseSet } from './exercises/exercise';
export { formatVerdict } from './present/exercise';
export { registerExercises } from './exercises/registry';
