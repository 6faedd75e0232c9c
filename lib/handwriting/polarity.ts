/**
 * Which way round the picture is: MNIST stores bright ink on a black
 * background, while a photo of paper has dark ink on a light background.
 * These functions decide which one an image is and flip it if needed.
 */
import { createGrayImage, type GrayImage, quantile } from './gray-image';

/** What the border of an image says about its background. */
export interface BackgroundGuess {
  /** The background's grey level: the median of the pixels along the border (0..255). */
  readonly level: number;
  /** True when the background is lighter than the ink (dark ink on paper), so the image must be inverted. */
  readonly light: boolean;
}

/** The pixels of a ring along the image's edges, `thickness` pixels wide. */
function borderPixels(image: GrayImage, thickness: number): Float32Array {
  const { width: w, height: h, pixels } = image;
  const t = Math.max(1, Math.min(thickness, Math.ceil(w / 2), Math.ceil(h / 2)));
  const values: number[] = [];
  for (let y = 0; y < h; y++) {
    const edgeRow = y < t || y >= h - t;
    for (let x = 0; x < w; x++) {
      if (edgeRow || x < t || x >= w - t) values.push(pixels[y * w + x]);
    }
  }
  return Float32Array.from(values);
}

/**
 * Guesses the background from the image's border (a digit is rarely drawn
 * across the edges): its level is the border's median. The ink is whatever
 * differs most from it: when the pixels darker than the background weigh
 * more (summed squared differences) than the lighter ones, the ink is dark
 * and the background light. A smooth lighting gradient adds about as much on
 * both sides, so it does not tip the balance. A flat image is called light
 * when its level is at least 128.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function guessBackground(image: GrayImage): BackgroundGuess {
  if (image.width === 0 || image.height === 0) return { level: 0, light: false };
  const thickness = Math.round(0.03 * Math.min(image.width, image.height));
  const level = quantile(borderPixels(image, thickness), 0.5);
  let darker = 0;
  let lighter = 0;
  for (const value of image.pixels) {
    const difference = value - level;
    if (difference < 0) darker += difference * difference;
    else lighter += difference * difference;
  }
  const light = darker === lighter ? level >= 128 : darker > lighter;
  return { level, light };
}

/**
 * The photographic negative: 255 - value, so dark ink on white becomes bright ink on black.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function invertImage(image: GrayImage): GrayImage {
  const out = createGrayImage(image.width, image.height);
  for (let i = 0; i < out.pixels.length; i++) out.pixels[i] = 255 - image.pixels[i];
  return out;
}

/**
 * The image with bright ink on a dark background, as MNIST has it: inverted
 * when guessBackground finds a light background, else returned as it is.
 */
export function inkOnDark(image: GrayImage): { readonly image: GrayImage; readonly inverted: boolean; readonly background: BackgroundGuess } {
  const background = guessBackground(image);
  return { image: background.light ? invertImage(image) : image, inverted: background.light, background };
}
