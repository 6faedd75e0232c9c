/**
 * @mnist-ts/lib: what the notebooks of the series stand on. Data loading and
 * checking, backends, models, training, reports, charts and notebook output.
 */
export * as tf from './tf';

export { DataFileError } from './errors';
export { SeededRandom } from './random';
export { currentProfile, describeProfile, epochsFor, profileByName, PROFILE_ENV, type Profile, type ProfileName } from './profile';
export { projectRoot, defaultDataDir, reportsDir, modelsDir, MODELS_DIR_ENV, modelsDirFor, notebookResultsFile, bestCnnDir, displayPath } from './paths';

export * from './data/idx';
export * from './data/digit-set';
export * from './data/tensors';
export * from './data/pixel-stats';
export * from './data/normalise';
export { loadMnist, locateMnist, mnistForProfile, MNIST_FILES, MNIST_DIR_ENV, type Mnist, type MnistLocation, type LoadMnistOptions, type MnistFileRole } from './data/mnist';
export { verifyFileChecksum } from './data/verified-files';
export { sha256Hex, sha256File, contentSha256 } from './data/checksum';
export * from './data/download';
export * from './data/datasets';

export { registerWasmTrainingKernels, WasmAdamOptimizer } from 'tfjs-backend-wasm-training';
export { useBestBackend, parseBackendName, BACKEND_NAMES, BACKEND_ENV, type BackendName, type BackendChoice, type BackendOptions } from './backend/select';

export { buildMlp, type MlpOptions } from './models/mlp';
export * from './models/architectures';
export { buildCnn, type CnnLayer, type CnnOptions, LENET5_LAYERS, CNN_32_64_64_LAYERS, CNN_SIMPLE_LAYERS, CNN_LARGER_LAYERS } from './models/cnn';
export { compileClassifier, seededGlorot, type BuildOptions, type OptimizerName } from './models/common';
export { modelSummary, formatModelSummary, showModelSummary, type ModelSummary, type SummaryRow } from './models/summary';
export { saveModel, loadModel, readModelMetadata, type SavedModel, type LoadedModel, type LoadModelOptions, type ModelMetadata } from './models/persist';
export { SeededDropout, seededDropout, dropoutSeed } from './models/seeded-dropout';
export {
  trainModel, trainStep, batchAccuracy, evaluateModel,
  type TrainOptions, type TrainResult, type EpochRecord, type BatchProgress, type Evaluation, type EvaluateOptions, type TrainingProgress, type ProgressMode,
} from './train/train';
export { trainArchitecture, bestByTestAccuracy, saveRun, type ArchitectureRun, type ArchitectureRunOptions, type RunMetadata } from './train/experiment';
export { notebookProgress } from './train/notebook-progress';
export { loadOrTrainBestCnn, DEFAULT_CNN, type ReadyCnn, type BestCnnOptions } from './train/best-cnn';
export { terminalProgress, formatEpoch, formatBatchProgress } from './train/progress-bar';
export { measureArchitecture, type Measurement, type MeasureOptions } from './bench/measure';
export { readResults, recordResult, type ModelResult, type ResultsFile } from './reports/results';
export * from './reports/series-figures';
export { predictProbabilities, predictedLabels } from './evaluation/predict';
export {
  confusionMatrix, normaliseRows, classMetrics, mostConfusedPairs, misclassified,
  type ClassMetrics, type AveragedMetrics, type ClassificationMetrics, type ConfusedPair, type Mistake,
} from './evaluation/metrics';
export {
  metricsTableRows, classMetricsTable, showClassMetrics, confusionMatrixFigure, mistakesFigure, probabilityBarFigure,
  type ConfusionMatrixFigureOptions,
} from './evaluation/report';
export { comparisonRows, comparisonTable, showComparison, comparisonFigure } from './reports/comparison';
export { REPORTED_TEST_ACCURACY } from './reports/seed-results';

export { Figure } from './charts/figure';
export { imageGrid, type GrayImages, type ImageGridOptions } from './charts/image-grid';
export { inNotebook, notebookDisplay, newNotebookDisplay, showMarkdown, showTable, showProfile, markdownTable, formatPercent, type NotebookDisplay } from './notebook/display';
export { histogram, binValues, type HistogramBin, type HistogramOptions } from './charts/histogram';
export { barChart } from './charts/bar-chart';
export { lineChart, type LineSeries } from './charts/line-chart';
export { heatmap, type HeatmapOptions } from './charts/heatmap';
export { type ChartOptions } from './charts/vega-render';
export { PALETTE } from './charts/theme';
export { stackFigures } from './charts/stack';
export { trainingCurves } from './charts/training-curves';
/** Chapter 06's network written from scratch with typed arrays (no tensors, no autodiff). */
export * as scratch from './scratch';
export * from './handwriting';
