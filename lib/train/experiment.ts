import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DigitSet } from '../data/digit-set';
import type { Architecture } from '../models/architectures';
import type { BuildOptions } from '../models/common';
import { type SavedModel, saveModel } from '../models/persist';
import { currentProfile, epochsFor, type Profile } from '../base/profile';
import type { ModelResult } from '../reports/results';
import type { EpochRecord, TrainingProgress } from '../types/training';
import { type Evaluation, evaluateModel, type TrainResult, trainModel } from './train';

export interface ArchitectureRunOptions {
  /**
   * Profile capping the epochs; default the profile the data was cut to
   * (`mnistForProfile` records it), else the current one (MNIST_PROFILE).
   */
  readonly profile?: Profile;
  /** Seed of the weights, shuffles, dropout and validation split; default 0. */
  readonly seed?: number;
  /**
   * Share of the training images held out for validation, and whether to keep
   * the best epoch by validation accuracy. Default: the architecture's own
   * recipe (`keepBestEpoch`): 0.1 and true for seed 000's networks; for the
   * others no split (all training images) and the last epoch.
   */
  readonly validationSplit?: number;
  readonly restoreBestWeights?: boolean;
  /** Epochs instead of the architecture's own (still capped by the profile). */
  readonly epochs?: number;
  /** Changes to the architecture's build defaults (optimiser, learning rate). */
  readonly build?: Omit<BuildOptions, 'seed'>;
  /** Where progress goes, e.g. `showProgress()`; default none. */
  readonly progress?: TrainingProgress;
  /** Threads that share each batch (see `TrainOptions.workers`); default MNIST_TRAIN_WORKERS, else chosen for the architecture (`trainingWorkers`). */
  readonly workers?: number;
}

/** A trained architecture: the model, its history, its test score and the record for results.json. */
export interface ArchitectureRun {
  readonly architecture: Architecture;
  readonly model: tfl.LayersModel;
  readonly training: TrainResult;
  readonly test: Evaluation;
  readonly result: ModelResult;
}

/**
 * Builds an architecture, trains it the way its tutorial did (batch size,
 * epochs; seed 000's networks on 90% of the images with the best validation
 * epoch kept, the others on all of them with the test set's loss and accuracy
 * shown per epoch but never used for a choice), and scores it on the test
 * set. The caller owns the returned model (dispose it when done).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function trainArchitecture(
  architecture: Architecture,
  data: { readonly train: DigitSet; readonly test: DigitSet; readonly profile?: Profile },
  options: ArchitectureRunOptions = {},
): Promise<ArchitectureRun> {
  const profile = options.profile ?? data.profile ?? currentProfile();
  const seed = options.seed ?? 0;
  const epochs = epochsFor(options.epochs ?? architecture.epochs, profile);
  const model = architecture.build({ ...options.build, seed });
  try {
    const validationSplit = options.validationSplit ?? (architecture.keepBestEpoch ? 0.1 : undefined);
    const training = await trainModel(model, data.train, {
      epochs,
      batchSize: architecture.batchSize,
      inputLayout: architecture.inputLayout,
      ...(validationSplit === undefined
        ? { validation: data.test, validationLabel: 'test' }
        : { validationSplit, restoreBestWeights: options.restoreBestWeights ?? architecture.keepBestEpoch }),
      seed,
      progress: options.progress,
      title: architecture.name,
      workers: options.workers,
    });
    const test = await evaluateModel(model, data.test, { inputLayout: architecture.inputLayout });
    const kept = training.history[training.keptEpoch - 1];
    const result: ModelResult = {
      name: architecture.name,
      description: architecture.description,
      parameters: model.countParams(),
      epochs,
      batchSize: architecture.batchSize,
      backend: tf.getBackend(),
      workers: training.workers,
      profile: profile.name,
      trainImages: training.trainImages,
      trainingSeconds: round(training.seconds, 2),
      secondsPerEpoch: round(training.seconds / epochs, 2),
      testAccuracy: round(test.accuracy, 4),
      testLoss: round(test.loss, 4),
      // Images held out of training; the test set, when only watched, is not counted.
      validationImages: validationSplit === undefined ? 0 : training.validationImages,
      validationAccuracy: validationSplit === undefined || kept.valAccuracy === undefined ? undefined : round(kept.valAccuracy, 4),
      keptEpoch: training.keptEpoch,
      history: training.history.map(roundRecord),
      seed,
      finishedAt: new Date().toISOString(),
    };
    return { architecture, model, training, test, result };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** An epoch record with its figures rounded as results.json keeps them (enough for any chart). */
function roundRecord(record: EpochRecord): EpochRecord {
  const optional = (value: number | undefined) => (value === undefined ? undefined : round(value, 5));
  return {
    epoch: record.epoch,
    loss: round(record.loss, 5),
    accuracy: round(record.accuracy, 5),
    valLoss: optional(record.valLoss),
    valAccuracy: optional(record.valAccuracy),
    seconds: round(record.seconds, 2),
  };
}

/**
 * The run with the best test accuracy: the model to keep once the comparison
 * is over. (Choosing on the test set makes that model's own test score a
 * little optimistic; the series reports the comparison, not the pick.)
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function bestByTestAccuracy<T extends { readonly result: ModelResult }>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('bestByTestAccuracy: no runs');
  return runs.reduce((best, run) => (run.result.testAccuracy > best.result.testAccuracy ? run : best));
}

/** What a saved run's model.json carries as metadata: which architecture, how to feed it, and its results. */
export interface RunMetadata {
  readonly architecture: string;
  readonly inputLayout: string;
  readonly result: ModelResult;
}

/**
 * Saves a trained run's model to a folder with its architecture, input layout and results as metadata.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function saveRun(run: ArchitectureRun, dir: string): Promise<SavedModel> {
  const metadata: RunMetadata = { architecture: run.architecture.name, inputLayout: run.architecture.inputLayout, result: run.result };
  return saveModel(run.model, dir, { ...metadata });
}
