import type { TrainingProgress } from '../types/training';
import { newNotebookDisplay } from './display';
import { notebookProgress } from './notebook-progress';
import { terminalProgress } from './terminal-progress';

/**
 * Progress for a training run, to pass as `progress` to `trainModel`,
 * `trainArchitecture` or `loadOrTrainBestCnn`: inside a notebook one output
 * redrawn in place (a bar above the training curves), in a terminal a bar and
 * a line per epoch. Make a new one for every run.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function showProgress(): TrainingProgress {
  const display = newNotebookDisplay();
  return display ? notebookProgress(display) : terminalProgress();
}
