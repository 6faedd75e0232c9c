/**
 * Separating ink from paper in an ink-on-dark image: subtract the estimated
 * background, pick a threshold above the paper's noise (Otsu's method helps),
 * set everything below it to 0, drop isolated specks, and stretch the ink so
 * its strong strokes reach 255 like MNIST's. Ink keeps its grey levels.
 */
import { estimateBackground, subtractBackground, type BackgroundOptions } from './background';
import { connectedComponents } from './components';
import { createGrayImage, type GrayImage, clampByte, quantile } from './gray-image';

/**
 * Otsu's threshold of an image: the grey level t that best splits its
 * histogram into two classes (values <= t and > t), i.e. that maximises the
 * variance between the classes' means. Returns 0 for a flat image.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function otsuThreshold(image: GrayImage): number {
  const histogram = new Float64Array(256);
  for (const value of image.pixels) histogram[clampByte(value)]++;
  const total = image.pixels.length;
  let sumAll = 0;
  for (let level = 0; level < 256; level++) sumAll += level * histogram[level];
  let best = 0;
  let bestVariance = -1;
  let countLow = 0;
  let sumLow = 0;
  for (let t = 0; t < 255; t++) {
    countLow += histogram[t];
    sumLow += t * histogram[t];
    const countHigh = total - countLow;
    if (countLow === 0 || countHigh === 0) continue;
    const meanLow = sumLow / countLow;
    const meanHigh = (sumAll - sumLow) / countHigh;
    const variance = countLow * countHigh * (meanLow - meanHigh) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = t;
    }
  }
  return best;
}

/**
 * The paper's grain as a standard deviation in grey levels, estimated from
 * the differences between neighbouring pixels in each row: for independent
 * noise of deviation s they spread with deviation s * sqrt(2), and their
 * median absolute value is 0.6745 times that. The median ignores the few
 * large jumps at the edges of strokes, and smooth lighting changes barely
 * count, so no background estimate is needed.
 */
function noiseLevel(image: GrayImage): number {
  const { width: w, height: h, pixels } = image;
  if (w < 2) return 0;
  const differences = new Float32Array((w - 1) * h);
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 1; x < w; x++) differences[count++] = Math.abs(pixels[y * w + x] - pixels[y * w + x - 1]);
  }
  const sorted = differences.sort();
  return sorted[count >> 1] / (0.6745 * Math.SQRT2);
}

/** Options of cleanBackground. */
export interface CleanOptions {
  /** Least rise above the background that counts as ink, in grey levels; default 24. */
  readonly minContrast?: number;
  /** Ink must rise this many noise standard deviations above the background; default 4. */
  readonly noiseFactor?: number;
  /** The threshold is at least this share of Otsu's threshold of the background-free image; default 0.5. */
  readonly otsuShare?: number;
  /** Connected pieces of ink with less than this share of the largest piece's ink are specks and dropped; default 0.05. */
  readonly speckShare?: number;
  /** Which quantile of the ink pixels is stretched to 255; default 0.9. Set to 0 to keep the levels unstretched. */
  readonly inkQuantile?: number;
  /** How the background is estimated. */
  readonly background?: BackgroundOptions;
}

/** The threshold rule: max(minContrast, noiseFactor * noise, otsuShare * Otsu's threshold). */
function inkThreshold(residual: GrayImage, noise: number, options: CleanOptions = {}): number {
  return Math.max(options.minContrast ?? 24, (options.noiseFactor ?? 4) * noise, (options.otsuShare ?? 0.5) * otsuThreshold(residual));
}

/** Pixels at or below `threshold` become 0; the others keep their value. */
function applyThreshold(image: GrayImage, threshold: number): GrayImage {
  const out = createGrayImage(image.width, image.height);
  for (let i = 0; i < out.pixels.length; i++) out.pixels[i] = image.pixels[i] > threshold ? image.pixels[i] : 0;
  return out;
}

/**
 * Drops specks: connected pieces of ink (pixels > 0 touching by an edge or a
 * corner) whose total ink is less than `share` of the largest piece's. A
 * digit's own separate strokes (the two strokes of an open 4, the flag of a
 * 5) are far above that share; dust and paper texture are far below.
 */
function removeSpecks(image: GrayImage, share = 0.05): GrayImage {
  const { labels, components } = connectedComponents(image);
  const largest = components.reduce((most, piece) => Math.max(most, piece.mass), 0);
  const out = createGrayImage(image.width, image.height);
  for (let i = 0; i < image.pixels.length; i++) {
    if (labels[i] >= 0 && components[labels[i]].mass >= share * largest) out.pixels[i] = image.pixels[i];
  }
  return out;
}

/**
 * Stretches the ink so that the `inkQuantile` quantile of the ink pixels
 * (those > 0) becomes 255 (brighter ones are clipped at 255): faint pencil
 * ends up as strong as MNIST's pen strokes. Grey levels stay in proportion.
 */
export function normaliseInk(image: GrayImage, inkQuantile = 0.9): GrayImage {
  const ink = image.pixels.filter((value) => value > 0);
  const out = createGrayImage(image.width, image.height);
  if (ink.length === 0 || inkQuantile <= 0) {
    out.pixels.set(image.pixels);
    return out;
  }
  const level = Math.max(1, quantile(ink, inkQuantile));
  for (let i = 0; i < out.pixels.length; i++) out.pixels[i] = Math.min(255, (image.pixels[i] * 255) / level);
  return out;
}

/** Everything cleanBackground worked out, for display and checks. */
export interface CleanResult {
  /** The estimated background (see estimateBackground). */
  readonly background: GrayImage;
  /** The image minus its background. */
  readonly residual: GrayImage;
  /** The paper's noise (standard deviation, grey levels). */
  readonly noise: number;
  /** The threshold applied to the residual (grey levels). */
  readonly threshold: number;
  /** The ink alone: 0 where there is none, the ink's (stretched) grey levels elsewhere. */
  readonly image: GrayImage;
}

/**
 * Removes the background of an ink-on-dark image: subtracts its large-scale
 * estimate (uneven lighting), thresholds away paper noise, drops specks and
 * stretches the ink (see CleanOptions for the rules).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function cleanBackground(image: GrayImage, options: CleanOptions = {}): CleanResult {
  const background = estimateBackground(image, options.background);
  const residual = subtractBackground(image, background);
  const noise = noiseLevel(image);
  const threshold = inkThreshold(residual, noise, options);
  const ink = removeSpecks(applyThreshold(residual, threshold), options.speckShare ?? 0.05);
  return { background, residual, noise, threshold, image: normaliseInk(ink, options.inkQuantile ?? 0.9) };
}
