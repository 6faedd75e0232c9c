/**
 * The figures the notebooks draw, as functions with stable names, so that a
 * notebook and the main job (which saves them for reports) draw exactly the
 * same pictures.
 */
import { barChart } from '../charts/bar-chart';
import type { Figure } from '../charts/figure';
import { binValues, histogram, type HistogramBin } from '../charts/histogram';
import { imageGrid } from '../charts/image-grid';
import { type DigitSet, firstImages, imageAt, labelCounts } from '../data/digit-set';
import { fitStandardisation, standardise } from '../data/normalise';
import { pixelValueCounts } from '../data/pixel-stats';
import { scaleToUnit } from '../data/tensors';

/** A figure and the file name (without extension) it is saved under. */
export interface NamedFigure {
  readonly name: string;
  readonly figure: Figure;
}

/** What a figure of a set calls the set, and how many images it draws. */
export interface SetFigureOptions {
  /** The set's name in titles; default `training`. */
  readonly setName?: string;
  /** Images to draw (image figures only); default 40. */
  readonly count?: number;
}

/**
 * Notebook 01: the first images of a set with their labels.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function firstImagesFigure(set: DigitSet, options: SetFigureOptions = {}): Promise<Figure> {
  const { count = 40, setName = 'training' } = options;
  return imageGrid(set, {
    columns: 10,
    labels: Array.from(set.labels.subarray(0, count), String),
    indices: Array.from({ length: Math.min(count, set.count) }, (_, i) => i),
    title: `The first ${count} ${setName} images and their labels`,
  });
}

/** The training images notebook 02 draws one histogram each for: a 5, a thin 1 and a 2. */
export const HISTOGRAM_EXAMPLES: readonly number[] = [0, 3, 5];

/**
 * Notebook 02: a few training images, captioned with their index and label.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function exampleImagesFigure(train: DigitSet, indices: readonly number[] = HISTOGRAM_EXAMPLES): Promise<Figure> {
  return imageGrid(train, { indices, captions: indices.map((i) => `image ${i}: label ${train.labels[i]}`), columns: indices.length, scale: 4 });
}

/**
 * Notebooks 01 and 02: how many images of each digit a set holds.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function labelCountsFigure(set: DigitSet, options: SetFigureOptions = {}): Promise<Figure> {
  const { setName = 'training' } = options;
  return barChart(labelCounts(set).map((_, digit) => String(digit)), labelCounts(set), {
    title: `Images per digit in the ${setName} set`,
    xLabel: 'digit',
    yLabel: 'images',
  });
}

/** One bin per pixel value 0..255. */
function valueBins(pixels: Uint8Array): HistogramBin[] {
  return pixelValueCounts(pixels).map((count, value) => ({ start: value, end: value + 1, count }));
}

/**
 * Notebook 02: the distribution of every pixel value in a set (log count axis: zeros dominate).
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function pixelHistogramFigure(set: DigitSet, options: SetFigureOptions = {}): Promise<Figure> {
  const { setName = 'training' } = options;
  return histogram(valueBins(set.images), {
    title: `Pixel values of all ${set.count.toLocaleString('en-US')} ${setName} images`,
    xLabel: 'pixel value (0 = background, 255 = full ink)',
    yLabel: 'pixels (log scale)',
    logScale: true,
  });
}

/**
 * Notebook 02: the pixel values of one image.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function oneImageHistogramFigure(set: DigitSet, index: number): Promise<Figure> {
  return histogram(valueBins(imageAt(set, index)), {
    title: `Pixel values of image ${index} (label ${set.labels[index]})`,
    xLabel: 'pixel value',
    yLabel: 'pixels (log scale)',
    logScale: true,
  });
}

/**
 * Notebook 02: the same pixels after dividing by 255.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function scaledHistogramFigure(set: DigitSet): Promise<Figure> {
  return histogram(binValues(scaleToUnit(set.images), 51), {
    title: 'Pixel values after dividing by 255',
    xLabel: 'scaled value (0 to 1)',
    yLabel: 'pixels (log scale)',
    logScale: true,
  });
}

/**
 * Notebook 02: the same pixels standardised with the set's own mean and standard deviation.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function standardisedHistogramFigure(set: DigitSet): Promise<Figure> {
  const standardisation = fitStandardisation(set.images);
  return histogram(binValues(standardise(set.images, standardisation), 51), {
    title: `Standardised pixel values (mean ${standardisation.mean.toFixed(4)}, std ${standardisation.std.toFixed(4)})`,
    xLabel: 'standardised value',
    yLabel: 'pixels (log scale)',
    logScale: true,
  });
}

/** Every figure of notebooks 01 and 02, under the names the main job saves them as. */
export async function dataFigures(train: DigitSet, test: DigitSet): Promise<NamedFigure[]> {
  const figures: NamedFigure[] = [
    { name: 'mnist-first-training-images', figure: await firstImagesFigure(train) },
    { name: 'mnist-label-counts', figure: await labelCountsFigure(train) },
    { name: 'mnist-label-counts-test', figure: await labelCountsFigure(test, { setName: 'test' }) },
    { name: 'pixel-histogram-all-training', figure: await pixelHistogramFigure(train) },
    { name: 'pixel-histogram-example-images', figure: await exampleImagesFigure(train) },
  ];
  for (const index of HISTOGRAM_EXAMPLES) {
    figures.push({ name: `pixel-histogram-image-${index}`, figure: await oneImageHistogramFigure(train, index) });
  }
  figures.push(
    { name: 'pixel-histogram-image-0-scaled', figure: await scaledHistogramFigure(firstImages(train, 1)) },
    { name: 'pixel-histogram-scaled', figure: await scaledHistogramFigure(train) },
    { name: 'pixel-histogram-standardised', figure: await standardisedHistogramFigure(train) },
  );
  return figures;
}
