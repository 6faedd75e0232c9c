/**
 * Training chapter 08's piece checker (numbers/piece-checker.ts): on every
 * piece the reader considers in numbers made of MNIST *training* digits
 * (piece-set.ts), labelled a digit or "not a digit", together with the
 * training digits themselves, so it reads whole digits as well as it rejects
 * bad pieces. The test digits, which chapter 08 reads numbers from, are never used.
 */
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { displayPath, pathExists, pieceCheckerDir } from '../base/paths';
import { currentProfile, epochsFor, type Profile } from '../base/profile';
import type { DigitSet } from '../data/digit-set';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { buildCnn, type CnnLayer } from '../models/cnn';
import { loadModel, type ModelMetadata, saveModel } from '../models/persist';
import { checkPieceChecker, PIECE_CLASSES } from '../numbers/piece-checker';
import { pieceCheckerSet } from '../numbers/piece-set';
import type { TrainingProgress } from '../types/training';
import { type TrainResult, trainModel } from './train';

/** The checker's layers: LeNet-5's shape with ReLU and more filters; it trains in about two minutes. */
export const PIECE_CHECKER_LAYERS: readonly CnnLayer[] = [
  { conv: 16, kernel: 5 }, { pool: 2 }, { conv: 32, kernel: 5 }, { pool: 2 }, { dropout: 0.2 }, { dense: 128, activation: 'relu' },
];

/**
 * A fresh piece checker (PIECE_CHECKER_LAYERS, PIECE_CLASSES outputs, adam), seeded.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function buildPieceChecker(seed = 0): tfl.Sequential {
  return buildCnn('piece-checker', PIECE_CHECKER_LAYERS, { seed, classes: PIECE_CLASSES });
}

/** Options of trainPieceChecker and loadOrTrainPieceChecker. */
export interface PieceCheckerOptions {
  /** Profile of the default folder, data, and amount of training; default the current one. */
  readonly profile?: Profile;
  /** Numbers of each gap kind to cut pieces from; default 250 (10 in the quick profile). */
  readonly perKind?: number;
  /** Epochs; default 6, capped by the profile. */
  readonly epochs?: number;
  /** Seed of the numbers, the weights and the shuffle; default 7. */
  readonly seed?: number;
  /** Where training progress goes, e.g. `showProgress()`; default none. */
  readonly progress?: TrainingProgress;
}

/** A trained piece checker and how it was trained. */
export interface TrainedPieceChecker {
  readonly model: tfl.LayersModel;
  readonly training: TrainResult;
  /** What is saved beside it: the recipe, the pieces' counts, the held-out accuracy. */
  readonly metadata: ModelMetadata;
}

/** Two sets of 28x28 images as one. */
function joinSets(a: DigitSet, b: DigitSet): DigitSet {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { images, labels, count: a.count + b.count, rows: a.rows, cols: a.cols };
}

/**
 * Trains a piece checker on `train`, which must be MNIST's training digits
 * (or a part of them): the pieces of `perKind` numbers of each gap kind made
 * from them, plus the digits themselves, 10% held out to report accuracy on
 * and keep the best epoch. The caller disposes the model.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function trainPieceChecker(train: DigitSet, options: PieceCheckerOptions = {}): Promise<TrainedPieceChecker> {
  const profile = options.profile ?? currentProfile();
  const perKind = options.perKind ?? (profile.name === 'quick' ? 10 : 250);
  const epochs = epochsFor(options.epochs ?? 6, profile);
  const seed = options.seed ?? 7;
  const pieces = pieceCheckerSet(train, { perKind, seed });
  const model = buildPieceChecker(seed);
  try {
    const training = await trainModel(model, joinSets(pieces, train), {
      epochs, batchSize: 64, validationSplit: 0.1, restoreBestWeights: true, seed, progress: options.progress, title: 'piece-checker',
    });
    const kept = training.history[training.keptEpoch - 1];
    const metadata: ModelMetadata = {
      architecture: 'piece-checker', inputLayout: 'image', profile: profile.name, perKind, epochs, seed,
      wholePieces: pieces.whole, wrongPieces: pieces.wrong, digits: train.count,
      validationAccuracy: kept.valAccuracy ?? null, trainingSeconds: Number(training.seconds.toFixed(1)),
    };
    return { model, training, metadata };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** A piece checker ready to use, and where it came from. */
export interface ReadyPieceChecker {
  readonly model: tfl.LayersModel;
  readonly metadata: ModelMetadata;
  readonly dir: string;
  /** True when it was trained just now because the folder held no model. */
  readonly trainedNow: boolean;
}

/**
 * Loads a piece checker saved by saveModel (loadOrTrainPieceChecker, the
 * main job), refusing with a DataFileError naming the folder's model.json a
 * model that is not one (another input shape, or not PIECE_CLASSES outputs).
 * The caller disposes the model.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function loadPieceChecker(dir: string): Promise<Pick<ReadyPieceChecker, 'model' | 'metadata'>> {
  const loaded = await loadModel(dir, { expectInputShape: [28, 28, 1] });
  try {
    checkPieceChecker(loaded.model, path.join(dir, 'model.json'));
  } catch (error) {
    loaded.model.dispose();
    throw error;
  }
  return loaded;
}

/**
 * The piece checker saved in `dir` (default models/piece-checker/, by
 * profile), as the main job saves it; when the folder holds no model yet,
 * trains one on the profile's MNIST training digits (about four minutes in
 * the full profile, seconds in the quick one), saves it there and returns
 * it. A folder holding a model that is not a piece checker is refused with a
 * DataFileError naming it. The caller disposes the model.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function loadOrTrainPieceChecker(options: PieceCheckerOptions & { readonly dir?: string; readonly train?: DigitSet; readonly log?: (line: string) => void } = {}): Promise<ReadyPieceChecker> {
  const profile = options.profile ?? currentProfile();
  const dir = options.dir ?? pieceCheckerDir(profile.name);
  const log = options.log ?? ((line: string) => console.log(line));
  if (await pathExists(path.join(dir, 'model.json'))) {
    const loaded = await loadPieceChecker(dir);
    log(`Loaded the piece checker saved in ${displayPath(dir)}/.`);
    return { ...loaded, dir, trainedNow: false };
  }
  log(`No piece checker in ${displayPath(dir)}/ yet: training one (${profile.name} profile) and saving it there.`);
  const train = options.train ?? mnistForProfile(await loadMnist(), profile).train;
  const trained = await trainPieceChecker(train, { ...options, profile });
  try {
    await saveModel(trained.model, dir, trained.metadata);
  } catch (error) {
    trained.model.dispose();
    throw error;
  }
  return { model: trained.model, metadata: trained.metadata, dir, trainedNow: true };
}
