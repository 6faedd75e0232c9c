/**
 * The figures the notebooks draw, as functions with stable names, so that a
 * notebook and the main job (which saves them for reports) draw exactly the
 * same pictures.
 */
import { barChart } from '../charts/bar-chart';
import type { Figure } from '../charts/figure';
import { histogram, type HistogramBin, type HistogramHighlight, logFloor } from '../charts/histogram';
import { imageGrid } from '../charts/image-grid';
import { type DigitSet, imageAt, labelCounts } from '../data/digit-set';
import { fitStandardisation } from '../data/normalise';
import { pixelValueCounts } from '../data/pixel-stats';

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

/** How a pixel value is mapped before it is counted: kept (0..255), divided by 255, or standardised. */
type PixelTransform = (value: number) => number;

const KEEP: PixelTransform = (value) => value;
const DIVIDE_BY_255: PixelTransform = (value) => value / 255;

/**
 * One bin per pixel value 0..255, centred on the value after `transform`.
 * Every pixel histogram of the series uses these same 256 bins, so a raw,
 * a scaled and a standardised histogram differ only in their value axis.
 */
function valueBins(pixels: Uint8Array, transform: PixelTransform): HistogramBin[] {
  const halfWidth = (transform(1) - transform(0)) / 2;
  return pixelValueCounts(pixels).map((count, value) => ({ start: transform(value) - halfWidth, end: transform(value) + halfWidth, count }));
}

/** The background pixels (value 0, bin 0) in their own colour. */
const BACKGROUND: HistogramHighlight = { bin: 0, label: 'background (original value 0)', othersLabel: 'ink (original values 1 to 255)' };

/** Draws pixel values, one bar per value, background set apart, counts on a log axis. */
function pixelValueHistogram(pixels: Uint8Array, transform: PixelTransform, labels: { title: string; xLabel: string }): Promise<Figure> {
  const bins = valueBins(pixels, transform);
  const floor = logFloor(bins);
  return histogram(bins, {
    ...labels,
    subtitle: [
      'One bar per pixel value (256 bins); background in orange.',
      `Log count axis from ${floor.toLocaleString('en-US')}, below the smallest count: every bar shows.`,
    ],
    yLabel: 'pixels (log scale)',
    logScale: true,
    highlight: BACKGROUND,
  });
}

/**
 * Notebook 02: the distribution of every pixel value in a set (log count axis: zeros dominate).
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function pixelHistogramFigure(set: DigitSet, options: SetFigureOptions = {}): Promise<Figure> {
  const { setName = 'training' } = options;
  return pixelValueHistogram(set.images, KEEP, {
    title: `Pixel values of all ${set.count.toLocaleString('en-US')} ${setName} images`,
    xLabel: 'pixel value (0 = background, 255 = full ink)',
  });
}

/** Whether a one-image histogram shows raw values or values divided by 255. */
export interface OneImageHistogramOptions {
  /** Divide by 255 first (the value axis runs 0 to 1); default false. */
  readonly scaled?: boolean;
}

/**
 * Notebook 02: the pixel values of one image, raw or divided by 255.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function oneImageHistogramFigure(set: DigitSet, index: number, options: OneImageHistogramOptions = {}): Promise<Figure> {
  const image = imageAt(set, index);
  const name = `image ${index} (label ${set.labels[index]})`;
  return options.scaled
    ? pixelValueHistogram(image, DIVIDE_BY_255, { title: `Scaled pixels (÷ 255) of ${name}`, xLabel: 'scaled value (0 to 1)' })
    : pixelValueHistogram(image, KEEP, { title: `Pixel values of ${name}`, xLabel: 'pixel value' });
}

/**
 * Notebook 02: every pixel of a set after dividing by 255, in the same 256
 * bins as `pixelHistogramFigure`.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function scaledHistogramFigure(set: DigitSet, options: SetFigureOptions = {}): Promise<Figure> {
  const { setName = 'training' } = options;
  return pixelValueHistogram(set.images, DIVIDE_BY_255, {
    title: `Scaled pixels (÷ 255) of all ${set.count.toLocaleString('en-US')} ${setName} images`,
    xLabel: 'scaled value (0 to 1)',
  });
}

/**
 * Notebook 02: the same pixels standardised with the set's own mean and
 * standard deviation, in the same 256 bins.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function standardisedHistogramFigure(set: DigitSet): Promise<Figure> {
  const { mean, std } = fitStandardisation(set.images);
  return pixelValueHistogram(set.images, (value) => (value / 255 - mean) / std, {
    title: `Standardised pixel values (mean ${mean.toFixed(4)}, std ${std.toFixed(4)})`,
    xLabel: 'standardised value',
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
    { name: 'pixel-histogram-image-0-scaled', figure: await oneImageHistogramFigure(train, HISTOGRAM_EXAMPLES[0], { scaled: true }) },
    { name: 'pixel-histogram-scaled', figure: await scaledHistogramFigure(train) },
    { name: 'pixel-histogram-standardised', figure: await standardisedHistogramFigure(train) },
  );
  return figures;
}
