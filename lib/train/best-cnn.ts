import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DigitSet } from '../data/digit-set';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { type Architecture, CNN_LARGER } from '../models/architectures';
import { loadModel, type ModelMetadata, restoreInterruptedSave } from '../models/persist';
import { bestCnnDir, displayPath, pathExists } from '../base/paths';
import { currentProfile, type Profile } from '../base/profile';
import type { TrainingProgress } from '../types/training';
import { saveRun, trainArchitecture } from './experiment';

/** The CNN trained when no best CNN has been saved yet: fast to train and above 99% on the full profile. */
export const DEFAULT_CNN: Architecture = CNN_LARGER;

/** A CNN ready for evaluation and prediction, and where it came from. */
export interface ReadyCnn {
  readonly model: tfl.LayersModel;
  readonly metadata: ModelMetadata;
  /** The model folder. */
  readonly dir: string;
  /** True when it was trained just now because the folder held no model. */
  readonly trainedNow: boolean;
}

export interface BestCnnOptions {
  /** Profile whose model folder to use (and to train with when missing); default the current one. */
  readonly profile?: Profile;
  /** Model folder; default `bestCnnDir(profile)` (models/best-cnn/ for the full profile). */
  readonly dir?: string;
  /** Training data when the model must be trained; default MNIST cut to the profile. */
  readonly data?: { readonly train: DigitSet; readonly test: DigitSet; readonly profile?: Profile };
  /** Where training progress goes, e.g. `showProgress()`; default none. */
  readonly progress?: TrainingProgress;
  /** Where to say what happens; default console.log. */
  readonly log?: (line: string) => void;
}

/**
 * The best CNN of the series, as notebook 05 and the main job save it. When
 * the folder holds no model yet, trains `DEFAULT_CNN` (seeded), saves it
 * there and returns it. The caller disposes the model.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export async function loadOrTrainBestCnn(options: BestCnnOptions = {}): Promise<ReadyCnn> {
  const profile = options.profile ?? options.data?.profile ?? currentProfile();
  const dir = options.dir ?? bestCnnDir(profile.name);
  const log = options.log ?? ((line: string) => console.log(line));
  await restoreInterruptedSave(dir).catch(() => false); // a save killed midway leaves the model beside the folder, not in it
  if (await pathExists(path.join(dir, 'model.json'))) {
    const loaded = await loadModel(dir, { expectInputShape: [28, 28, 1] });
    log(`Loaded the CNN saved in ${displayPath(dir)}/ (${String(loaded.metadata.architecture ?? 'unknown architecture')}).`);
    return { model: loaded.model, metadata: loaded.metadata, dir, trainedNow: false };
  }
  log(`No trained CNN in ${displayPath(dir)}/ yet: training ${DEFAULT_CNN.name} (${profile.name} profile) and saving it there.`);
  const data = options.data ?? mnistForProfile(await loadMnist(), profile);
  const run = await trainArchitecture(DEFAULT_CNN, data, { profile, progress: options.progress });
  await saveRun(run, dir);
  const loaded = await loadModel(dir, { expectInputShape: [28, 28, 1] });
  run.model.dispose();
  return { model: loaded.model, metadata: loaded.metadata, dir, trainedNow: true };
}
