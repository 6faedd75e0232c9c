import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';

const LIB_PACKAGE_NAME = '@mnist-ts/lib';

/** Walks up from this module to the folder holding lib's own package.json. */
function findLibPackageDir(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === LIB_PACKAGE_NAME) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${LIB_PACKAGE_NAME} above ${__dirname}`);
    dir = parent;
  }
}

let cachedRoot: string | undefined;

/** The project's top folder (the one holding lib/, notebooks/, data/ and reports/). */
export function projectRoot(): string {
  cachedRoot ??= path.dirname(findLibPackageDir());
  return cachedRoot;
}

/** Where the user's own data files go by default: `<project>/data`. */
export function defaultDataDir(): string {
  return path.join(projectRoot(), 'data');
}

/** Where the main job writes results and figures: `<project>/reports`. */
export function reportsDir(): string {
  return path.join(projectRoot(), 'reports');
}

/** Environment variable that moves the models folder elsewhere. */
export const MODELS_DIR_ENV = 'MNIST_MODELS_DIR';

/**
 * Where trained models are saved: `<project>/models/<name>/` (model.json and
 * weights.bin), or the folder MNIST_MODELS_DIR names.
 */
export function modelsDir(): string {
  const fromEnv = process.env[MODELS_DIR_ENV];
  return fromEnv ? path.resolve(fromEnv) : path.join(projectRoot(), 'models');
}

/**
 * The models folder of a profile: `models/` for full runs, `models/<profile>/`
 * for others, so a quick run never replaces a fully trained model.
 */
export function modelsDirFor(profileName: string): string {
  return profileName === 'full' ? modelsDir() : path.join(modelsDir(), profileName);
}

/** Where the notebooks record the results of the models they train (for chapter 04's comparison). */
export function notebookResultsFile(profileName: string): string {
  return path.join(modelsDirFor(profileName), 'results.json');
}

/** The folder of the best CNN of the series (chosen by validation accuracy), which chapters 05-07 and `predict` use. */
export function bestCnnDir(profileName = 'full'): string {
  return path.join(modelsDirFor(profileName), 'best-cnn');
}

/** A cache folder for derived facts (verified checksums): `<project>/node_modules/.cache/mnist-ts`. */
export function cacheDir(): string {
  return path.join(projectRoot(), 'node_modules', '.cache', 'mnist-ts');
}

/** A path for messages: relative to the project (like `data/`) when inside it, else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(projectRoot(), path.resolve(file));
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
