/**
 * The image type every handwriting step takes and returns: one grey value per
 * pixel, row by row, as floats from 0 to 255. What the numbers mean depends
 * on the step: straight from a photo 0 is black and 255 is white (paper is
 * bright); from `inkOnDark` on, 0 is background and 255 is full ink, as in MNIST.
 */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** width * height values, row by row, 0..255 (floats, not rounded). */
  readonly pixels: Float32Array;
}

/**
 * A new image of the given size filled with `value` (default 0).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function createGrayImage(width: number, height: number, value = 0): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`image size must be whole numbers >= 0, got ${width}x${height}`);
  }
  const pixels = new Float32Array(width * height);
  if (value !== 0) pixels.fill(value);
  return { width, height, pixels };
}

/**
 * Wraps existing values (bytes or floats, row by row) as a GrayImage; copies them.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function grayImageFrom(width: number, height: number, values: ArrayLike<number>): GrayImage {
  if (values.length !== width * height) {
    throw new RangeError(`a ${width}x${height} image needs ${width * height} values, got ${values.length}`);
  }
  const image = createGrayImage(width, height);
  image.pixels.set(values);
  return image;
}

/**
 * The pixels rounded and clamped to bytes 0..255, e.g. for MNIST-style data or a picture.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function toBytes(image: GrayImage): Uint8Array {
  // Uint8ClampedArray rounds half to even and clamps, which is what we want.
  return new Uint8Array(Uint8ClampedArray.from(image.pixels).buffer);
}

/** The `fraction` quantile (0..1) of the values, from a 256-bin histogram of the rounded values. */
export function quantile(values: ArrayLike<number>, fraction: number): number {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) histogram[clampByte(values[i])]++;
  return histogramQuantile(histogram, values.length, fraction);
}

/** The `fraction` quantile of the values counted in a 256-bin histogram holding `total` values. */
export function histogramQuantile(histogram: Uint32Array, total: number, fraction: number): number {
  if (total === 0) return 0;
  const rank = Math.min(total - 1, Math.max(0, Math.floor(fraction * total)));
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level];
    if (seen > rank) return level;
  }
  return 255;
}

/** A value rounded and clamped to a byte 0..255. */
export function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}
