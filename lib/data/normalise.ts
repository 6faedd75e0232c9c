/**
 * Turning 8-bit pixels into the numbers a network trains on. Two common
 * choices: scale to [0, 1] (divide by 255; see `scaleToUnit`), or
 * standardise: subtract the training set's mean and divide by its standard
 * deviation, so inputs centre on 0 with spread 1.
 */
import { pixelStatistics } from './pixel-stats';

/** Mean and standard deviation of pixel values on the [0, 1] scale, measured on training data. */
export interface Standardisation {
  readonly mean: number;
  readonly std: number;
}

/**
 * Measures the mean and standard deviation to standardise with (use the training set only).
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function fitStandardisation(trainingPixels: Uint8Array): Standardisation {
  const stats = pixelStatistics(trainingPixels);
  if (stats.std === 0) throw new RangeError('cannot standardise: every pixel has the same value (standard deviation 0)');
  return { mean: stats.mean / 255, std: stats.std / 255 };
}

/**
 * Pixels standardised: (value / 255 - mean) / std, as float32.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function standardise(pixels: Uint8Array, standardisation: Standardisation): Float32Array {
  const { mean, std } = standardisation;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] / 255 - mean) / std;
  return out;
}
