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
