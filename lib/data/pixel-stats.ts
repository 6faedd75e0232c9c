/** Summary numbers of a collection of 8-bit pixel values. */
export interface PixelStatistics {
  readonly count: number;
  /** Share of pixels that are exactly 0 (background). */
  readonly zeroFraction: number;
  /** Share of pixels that are exactly 255 (full ink). */
  readonly fullFraction: number;
  /** Mean and standard deviation on the 0..255 scale. */
  readonly mean: number;
  readonly std: number;
}

/**
 * How many pixels have each value 0..255: `counts[v]`.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function pixelValueCounts(pixels: Uint8Array): number[] {
  const counts = new Array<number>(256).fill(0);
  for (let i = 0; i < pixels.length; i++) counts[pixels[i]]++;
  return counts;
}

/**
 * Counts, mean and (population) standard deviation of 8-bit pixel values.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function pixelStatistics(pixels: Uint8Array): PixelStatistics {
  const histogram = pixelValueCounts(pixels);
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * histogram[v];
  const count = pixels.length;
  const mean = count ? sum / count : 0;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v] * (v - mean) * (v - mean);
  return {
    count,
    zeroFraction: count ? histogram[0] / count : 0,
    fullFraction: count ? histogram[255] / count : 0,
    mean,
    std: count ? Math.sqrt(squares / count) : 0,
  };
}

/**
 * Average ink of each image (sum of pixel values / 255, i.e. in full-ink pixels).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function inkPerImage(pixels: Uint8Array, pixelsPerImage: number): Float64Array {
  const count = Math.floor(pixels.length / pixelsPerImage);
  const ink = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let p = i * pixelsPerImage, end = p + pixelsPerImage; p < end; p++) sum += pixels[p];
    ink[i] = sum / 255;
  }
  return ink;
}
