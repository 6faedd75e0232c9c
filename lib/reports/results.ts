import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../base/atomic-write';
import type { EpochRecord } from '../types/training';

/** One trained model's results, as `reports/results.json` records them. */
export interface ModelResult {
  /** Architecture name, e.g. `mlp-784`. */
  readonly name: string;
  readonly description: string;
  /** Trainable parameters. */
  readonly parameters: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** TensorFlow.js backend that trained it. */
  readonly backend: string;
  /** Threads that trained it (data-parallel; 1 is the main thread alone). Missing in results from before it was recorded. */
  readonly workers?: number;
  /** Profile of the run (`quick` or `full`) and the number of training images. */
  readonly profile: string;
  readonly trainImages: number;
  readonly trainingSeconds: number;
  readonly secondsPerEpoch: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Images held out of training for validation, and the best validation accuracy. */
  readonly validationImages?: number;
  readonly validationAccuracy?: number;
  /**
   * The epoch whose weights were kept: the best by validation accuracy for
   * the networks trained with a validation split (seed 000's), else the last.
   */
  readonly keptEpoch?: number;
  /**
   * Every epoch's training (and validation or watched test) loss and
   * accuracy, so the training curves can be redrawn without retraining.
   */
  readonly history?: readonly EpochRecord[];
  /** Seed of the initial weights, shuffles and dropout. */
  readonly seed?: number;
  /** ISO time the run finished. */
  readonly finishedAt: string;
}

/** The content of `reports/results.json`. */
export interface ResultsFile {
  readonly models: ModelResult[];
}

/**
 * Reads a results file; an absent file reads as no results.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function readResults(file: string): Promise<ResultsFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { models: [] };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ResultsFile>;
  if (!Array.isArray(parsed.models)) throw new Error(`${file}: not a results file (no "models" list)`);
  return { models: parsed.models };
}

/**
 * Adds or replaces (by name) a model's results in the file, written atomically.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function recordResult(file: string, result: ModelResult): Promise<ResultsFile> {
  const current = await readResults(file);
  const models = [...current.models.filter((m) => m.name !== result.name), result];
  const updated = { models };
  await writeFileAtomic(file, `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
