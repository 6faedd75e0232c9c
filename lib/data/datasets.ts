/**
 * Datasets distributed in the same IDX layout as MNIST (four files: train and
 * test images and labels), with the SHA-256 of each file so downloads can be
 * verified, and helpers to fetch and read them.
 */
import * as nodePath from 'node:path';
import { defaultDataDir } from '../base/paths';
import { downloadFile, ProgressCallback } from './download';
import { IdxImagesAndLabels, readIdxPair } from './idx';

/** One file of a dataset: its name under the base URL and its expected digest. */
export interface DatasetFile {
  fileName: string;
  /** SHA-256 of the file as served (the .gz bytes for compressed files). */
  sha256: string;
  /** Size in bytes as served, when known. */
  size?: number;
}

/** The four files every IDX dataset here consists of. */
export interface DatasetFiles<T = DatasetFile> {
  trainImages: T;
  trainLabels: T;
  testImages: T;
  testLabels: T;
}

/** Where a dataset lives and how to verify it. */
export interface DatasetSpec {
  name: string;
  /** URL the file names are appended to; should end with "/". */
  baseUrl: string;
  files: DatasetFiles;
  /** Image size every images file must have, when fixed. */
  rows?: number;
  cols?: number;
  /** Names of the classes, indexed by label (also fixes the largest label). */
  classNames?: readonly string[];
}

/**
 * Fashion-MNIST (Zalando Research): 28x28 greyscale pictures of clothing, 10
 * classes, 60,000 training and 10,000 test examples.
 *
 * Digests and sizes as recorded by TensorFlow Datasets in
 * tensorflow_datasets/url_checksums/fashion_mnist.txt (github.com/tensorflow/datasets);
 * the same SHA-256 values appear in other projects' Fashion-MNIST loaders.
 */
export const FASHION_MNIST: DatasetSpec = {
  name: 'fashion-mnist',
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  files: {
    trainImages: {
      fileName: 'train-images-idx3-ubyte.gz',
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      size: 26421880,
    },
    trainLabels: {
      fileName: 'train-labels-idx1-ubyte.gz',
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      size: 29515,
    },
    testImages: {
      fileName: 't10k-images-idx3-ubyte.gz',
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      size: 4422102,
    },
    testLabels: {
      fileName: 't10k-labels-idx1-ubyte.gz',
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      size: 5148,
    },
  },
  rows: 28,
  cols: 28,
  classNames: [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
};

/**
 * Kuzushiji-MNIST (ROIS-DS Center for Open Data in the Humanities): 28x28
 * images of 10 cursive Japanese hiragana characters, same split sizes as MNIST.
 *
 * Digests and sizes as recorded by TensorFlow Datasets in
 * tensorflow_datasets/url_checksums/kmnist.txt (github.com/tensorflow/datasets).
 */
export const KMNIST: DatasetSpec = {
  name: 'kmnist',
  baseUrl: 'http://codh.rois.ac.jp/kmnist/dataset/kmnist/',
  files: {
    trainImages: {
      fileName: 'train-images-idx3-ubyte.gz',
      sha256: '51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4',
      size: 18165135,
    },
    trainLabels: {
      fileName: 'train-labels-idx1-ubyte.gz',
      sha256: 'e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17',
      size: 29497,
    },
    testImages: {
      fileName: 't10k-images-idx3-ubyte.gz',
      sha256: 'edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5',
      size: 3041136,
    },
    testLabels: {
      fileName: 't10k-labels-idx1-ubyte.gz',
      sha256: '20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c',
      size: 5120,
    },
  },
  rows: 28,
  cols: 28,
  classNames: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
};

/** The datasets known by name. */
export const DATASETS: Readonly<Record<string, DatasetSpec>> = {
  [FASHION_MNIST.name]: FASHION_MNIST,
  [KMNIST.name]: KMNIST,
};

/** Looks a dataset up by name; throws a RangeError listing the known names otherwise. */
export function getDataset(name: string): DatasetSpec {
  const spec = Object.prototype.hasOwnProperty.call(DATASETS, name) ? DATASETS[name] : undefined;
  if (!spec) {
    throw new RangeError(`unknown dataset "${name}"; known: ${Object.keys(DATASETS).join(', ')}`);
  }
  return spec;
}

/** Options for {@link fetchDataset} and {@link loadDataset}. */
export interface FetchDatasetOptions {
  /**
   * Directory the four files are stored in (created when missing); default
   * `data/<dataset name>/`, a folder of its own because these datasets reuse
   * MNIST's file names.
   */
  dir?: string;
  /** Per-file stall timeout, see DownloadOptions.timeoutMs. */
  timeoutMs?: number;
  /** Per-file overall deadline, see DownloadOptions.deadlineMs. */
  deadlineMs?: number;
  /** Use this base URL instead of the spec's (a mirror, or a test server). */
  baseUrl?: string;
  /** Progress of each file as it downloads. */
  onProgress?: (file: string, received: number, total: number | undefined) => void;
}

/** Local paths of a fetched dataset, and which files had to be downloaded. */
export interface FetchedDataset {
  spec: DatasetSpec;
  paths: DatasetFiles<string>;
  /** File names that were downloaded now (the others were already present and verified). */
  downloaded: string[];
}

const ROLES = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;

function joinUrl(base: string, fileName: string): string {
  return base.endsWith('/') ? base + fileName : `${base}/${fileName}`;
}

/**
 * Makes sure the four files of a dataset are in `dir`, downloading and
 * verifying whichever are missing or do not match their checksum (files
 * already there are hashed again on every call). Files are fetched one after
 * another, each bounded by its published size and by `deadlineMs`; see
 * downloadFile for what an interrupted or failed download leaves (nothing).
 */
export async function fetchDataset(
  dataset: string | DatasetSpec,
  options: FetchDatasetOptions = {},
): Promise<FetchedDataset> {
  const spec = typeof dataset === 'string' ? getDataset(dataset) : dataset;
  const baseUrl = options.baseUrl ?? spec.baseUrl;
  const paths = {} as DatasetFiles<string>;
  const downloaded: string[] = [];
  for (const role of ROLES) {
    const file = spec.files[role];
    const dest = nodePath.join(options.dir ?? nodePath.join(defaultDataDir(), spec.name), file.fileName);
    const onProgress: ProgressCallback | undefined = options.onProgress
      ? (received, total) => options.onProgress!(file.fileName, received, total)
      : undefined;
    const result = await downloadFile({
      url: joinUrl(baseUrl, file.fileName),
      dest,
      sha256: file.sha256,
      size: file.size,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      onProgress,
    });
    paths[role] = result.path;
    if (result.downloaded) downloaded.push(file.fileName);
  }
  return { spec, paths, downloaded };
}

/** A dataset read into memory. */
export interface LoadedDataset {
  spec: DatasetSpec;
  train: IdxImagesAndLabels;
  test: IdxImagesAndLabels;
}

/**
 * Fetches a dataset (see {@link fetchDataset}) and reads both splits, checking
 * image size, label range and that the counts of images and labels agree (and
 * are not 0). The published digests are of the compressed files, so they are
 * checked by fetchDataset just before the files are read, not by the reader.
 */
export async function loadDataset(
  dataset: string | DatasetSpec,
  options: FetchDatasetOptions = {},
): Promise<LoadedDataset> {
  const { spec, paths } = await fetchDataset(dataset, options);
  const readOptions = {
    rows: spec.rows,
    cols: spec.cols,
    maxLabel: spec.classNames ? spec.classNames.length - 1 : undefined,
  };
  const [train, test] = await Promise.all([
    readIdxPair(paths.trainImages, paths.trainLabels, readOptions),
    readIdxPair(paths.testImages, paths.testLabels, readOptions),
  ]);
  return { spec, train, test };
}
