/**
 * Changing an image's size. Shrinking averages the area each new pixel
 * covers (a box filter), so a stroke thinner than the new pixels still adds
 * its share of ink instead of falling between samples; enlarging
 * interpolates linearly between pixel centres (bilinear). Each axis is
 * resized on its own (rows, then columns).
 */
import type { GrayImage } from './gray-image';

/**
 * The image resized to `width` x `height` pixels (area average when shrinking an axis, linear when enlarging it).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function resizeImage(image: GrayImage, width: number, height: number): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizeImage: the new size must be whole numbers >= 1, got ${width}x${height}`);
  }
  if (image.width < 1 || image.height < 1) throw new RangeError(`resizeImage: cannot resize an empty ${image.width}x${image.height} image`);
  const across = resizeAxis(image.pixels, image.width, image.height, width, true);
  const pixels = resizeAxis(across, width, image.height, height, false);
  return { width, height, pixels };
}

/** For each new pixel i: the first old pixel it reads (`first[i]`) and the weights of `first[i]`, `first[i] + 1`, ... */
interface Taps {
  readonly first: Int32Array;
  readonly weights: Float32Array[];
}

/**
 * Resizes along rows (`horizontal`) or columns. `data` is `width` x `height`;
 * the axis being resized has length `from` and becomes `to`.
 */
function resizeAxis(data: Float32Array, width: number, height: number, to: number, horizontal: boolean): Float32Array {
  const from = horizontal ? width : height;
  const lines = horizontal ? height : width;
  const out = new Float32Array(horizontal ? to * height : width * to);
  if (from === to) {
    out.set(data);
    return out;
  }
  const taps = to < from ? areaTaps(from, to) : linearTaps(from, to);
  const step = horizontal ? 1 : width;
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * width : line;
    const outBase = horizontal ? line * to : line;
    for (let i = 0; i < to; i++) {
      const weights = taps.weights[i];
      let index = base + taps.first[i] * step;
      let sum = 0;
      for (let k = 0; k < weights.length; k++, index += step) sum += weights[k] * data[index];
      out[outBase + i * step] = sum;
    }
  }
  return out;
}

/** Area averaging: the old pixels each new pixel covers, weighted by their shares of its area (summing to 1). */
function areaTaps(from: number, to: number): Taps {
  const scale = from / to;
  const first = new Int32Array(to);
  const weights: Float32Array[] = [];
  for (let i = 0; i < to; i++) {
    const start = i * scale;
    const end = (i + 1) * scale;
    const j0 = Math.floor(start);
    const j1 = Math.min(from, Math.ceil(end - 1e-9));
    const list = new Float32Array(Math.max(1, j1 - j0));
    for (let j = j0; j < j1; j++) list[j - j0] = Math.max(0, Math.min(end, j + 1) - Math.max(start, j)) / scale;
    first[i] = j0;
    weights.push(list);
  }
  return { first, weights };
}

/** Linear interpolation: the two old pixels around each new pixel's centre (the outer pixels repeat at the edges). */
function linearTaps(from: number, to: number): Taps {
  const scale = from / to;
  const first = new Int32Array(to);
  const weights: Float32Array[] = [];
  for (let i = 0; i < to; i++) {
    const position = Math.min(from - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const left = Math.floor(position);
    const t = position - left;
    first[i] = left;
    weights.push(left + 1 < from ? Float32Array.of(1 - t, t) : Float32Array.of(1));
  }
  return { first, weights };
}

/** The size that fits an image of `width` x `height` into a `size` x `size` box keeping its aspect ratio (longer side = size). */
function fitSize(width: number, height: number, size: number): { width: number; height: number } {
  const scale = size / Math.max(width, height);
  return { width: Math.max(1, Math.min(size, Math.round(width * scale))), height: Math.max(1, Math.min(size, Math.round(height * scale))) };
}

/**
 * The image scaled so that its longer side is `size` pixels (20 for MNIST), keeping the aspect ratio.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function fitInBox(image: GrayImage, size = 20): GrayImage {
  const target = fitSize(image.width, image.height, size);
  return resizeImage(image, target.width, target.height);
}

/** The image shrunk (area average) so its longer side is at most `maxSide`; returned unchanged when already small enough. */
export function limitSize(image: GrayImage, maxSide: number): GrayImage {
  if (Math.max(image.width, image.height) <= maxSide) return image;
  return fitInBox(image, maxSide);
}
