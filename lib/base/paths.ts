import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Environment variable naming the project folder outright (data/, models/,
 * reports/ and .cache/ are found under it).
 */
export const PROJECT_DIR_ENV = 'MNIST_PROJECT_DIR';

/** True for a folder that is, or lies inside, a `node_modules` folder. */
function insideNodeModules(dir: string): boolean {
  return dir.split(path.sep).includes('node_modules');
}

/**
 * The user's project: the folder MNIST_PROJECT_DIR names, else the nearest
 * folder at or above the working directory that holds a package.json (never
 * one inside node_modules), else the working directory itself. Every folder
 * the library writes to by default lies under it, so outputs belong to the
 * project that runs the code, wherever the library is installed. A notebook's
 * kernel runs in the notebook's folder, so notebooks in `<project>/notebooks/`
 * find the project above them.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function projectDir(): string {
  const fromEnv = process.env[PROJECT_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  const start = process.cwd();
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (!insideNodeModules(dir) && existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** Where the user's own data files go by default: `<project>/data`. */
export function defaultDataDir(): string {
  return path.join(projectDir(), 'data');
}

/** Where results and figures are written by default: `<project>/reports`. */
export function reportsDir(): string {
  return path.join(projectDir(), 'reports');
}

/** Environment variable that moves the models folder elsewhere. */
export const MODELS_DIR_ENV = 'MNIST_MODELS_DIR';

/**
 * Where trained models are saved: `<project>/models/<name>/` (model.json and
 * weights.bin), or the folder MNIST_MODELS_DIR names.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function modelsDir(): string {
  const fromEnv = process.env[MODELS_DIR_ENV];
  return fromEnv ? path.resolve(fromEnv) : path.join(projectDir(), 'models');
}

/**
 * The models folder of a profile: `models/` for full runs, `models/<profile>/`
 * for others, so a quick run never replaces a fully trained model.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function modelsDirFor(profileName: string): string {
  return profileName === 'full' ? modelsDir() : path.join(modelsDir(), profileName);
}

/**
 * The reports folder of a profile: `reports/` for full runs, `reports/<profile>/`
 * for others, so a quick run never replaces the results of a full one.
 */
export function reportsDirFor(profileName: string): string {
  return profileName === 'full' ? reportsDir() : path.join(reportsDir(), profileName);
}

/**
 * Where the notebooks record the results of the models they train (for chapter 05's comparison).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function notebookResultsFile(profileName: string): string {
  return path.join(modelsDirFor(profileName), 'results.json');
}

/**
 * The folder of the best CNN of the series (the most accurate on the test set), which chapters 06-07 and `predict` use.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function bestCnnDir(profileName = 'full'): string {
  return path.join(modelsDirFor(profileName), 'best-cnn');
}

/**
 * The folder of the piece checker that chapter 08 and `predict --number` use (models/piece-checker/ for the full profile).
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function pieceCheckerDir(profileName = 'full'): string {
  return path.join(modelsDirFor(profileName), 'piece-checker');
}

/**
 * A cache folder for derived facts (which files' checksums were verified):
 * `<project>/.cache/mnist-ts`. Never inside node_modules, which a reinstall wipes.
 */
export function cacheDir(): string {
  return path.join(projectDir(), '.cache', 'mnist-ts');
}

/**
 * A path for messages: relative to the project (like `data/`) when inside it, else absolute.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function displayPath(file: string): string {
  const relative = path.relative(projectDir(), path.resolve(file));
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

/** True when a file or folder exists (and can be seen by this process). */
export async function pathExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
