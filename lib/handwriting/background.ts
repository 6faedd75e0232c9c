/**
 * Estimating the background of an ink-on-dark image as a smooth surface, so
 * uneven lighting (a shadow, a brighter corner) can be subtracted before the
 * ink is separated from the paper.
 */
import { createGrayImage, type GrayImage, clampByte, histogramQuantile } from './gray-image';

/** Options of estimateBackground. */
export interface BackgroundOptions {
  /** How many cells the longer side is cut into; default 8. More cells follow faster changes in lighting. */
  readonly cells?: number;
  /** Which quantile of each cell stands for its background, 0..1; default 0.25 (ink may cover up to three quarters of a cell). */
  readonly quantile?: number;
}

/**
 * The large-scale background level of an image whose ink is brighter than
 * its background (after inkOnDark). The image is cut into square cells; each
 * cell's level is a low quantile of its pixels (the lower quarter is
 * background unless ink covers most of the cell); a 3x3 median over
 * neighbouring cells then drops cells that ink happens to fill; and the cell
 * levels are interpolated bilinearly between cell centres, giving a smooth
 * surface the size of the image. (The quantile sits a little below the
 * paper's average level; the threshold that follows absorbs the difference.)
 */
export function estimateBackground(image: GrayImage, options: BackgroundOptions = {}): GrayImage {
  const { width: w, height: h, pixels } = image;
  const cells = options.cells ?? 8;
  const fraction = options.quantile ?? 0.25;
  const cellSize = Math.max(1, Math.ceil(Math.max(w, h) / cells));
  const across = Math.max(1, Math.ceil(w / cellSize));
  const down = Math.max(1, Math.ceil(h / cellSize));

  // Each cell's level from a histogram of its pixels.
  const levels = new Float32Array(across * down);
  const histogram = new Uint32Array(256);
  for (let cy = 0; cy < down; cy++) {
    for (let cx = 0; cx < across; cx++) {
      histogram.fill(0);
      const x1 = Math.min(w, (cx + 1) * cellSize);
      const y1 = Math.min(h, (cy + 1) * cellSize);
      for (let y = cy * cellSize; y < y1; y++) {
        for (let x = cx * cellSize; x < x1; x++) histogram[clampByte(pixels[y * w + x])]++;
      }
      const total = (x1 - cx * cellSize) * (y1 - cy * cellSize);
      levels[cy * across + cx] = histogramQuantile(histogram, total, fraction);
    }
  }
  const smoothed = medianOfNeighbours(levels, across, down);

  // Bilinear interpolation between cell centres (constant beyond the outer centres).
  const out = createGrayImage(w, h);
  for (let y = 0; y < h; y++) {
    const gy = clamp((y + 0.5) / cellSize - 0.5, 0, down - 1);
    const y0 = Math.floor(gy);
    const y1 = Math.min(down - 1, y0 + 1);
    const ty = gy - y0;
    for (let x = 0; x < w; x++) {
      const gx = clamp((x + 0.5) / cellSize - 0.5, 0, across - 1);
      const x0 = Math.floor(gx);
      const x1 = Math.min(across - 1, x0 + 1);
      const tx = gx - x0;
      const top = smoothed[y0 * across + x0] * (1 - tx) + smoothed[y0 * across + x1] * tx;
      const bottom = smoothed[y1 * across + x0] * (1 - tx) + smoothed[y1 * across + x1] * tx;
      out.pixels[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Each value replaced by the median of itself and its (up to 8) neighbours in a grid. */
function medianOfNeighbours(values: Float32Array, across: number, down: number): Float32Array {
  const out = new Float32Array(values.length);
  const window: number[] = [];
  for (let y = 0; y < down; y++) {
    for (let x = 0; x < across; x++) {
      window.length = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && nx < across && ny >= 0 && ny < down) window.push(values[ny * across + nx]);
        }
      }
      window.sort((a, b) => a - b);
      const middle = window.length >> 1;
      out[y * across + x] = window.length % 2 ? window[middle] : (window[middle - 1] + window[middle]) / 2;
    }
  }
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

/** How far each pixel rises above the background: max(0, image - background). */
export function subtractBackground(image: GrayImage, background: GrayImage): GrayImage {
  if (image.width !== background.width || image.height !== background.height) {
    throw new RangeError(`background is ${background.width}x${background.height}, image ${image.width}x${image.height}`);
  }
  const out = createGrayImage(image.width, image.height);
  for (let i = 0; i < out.pixels.length; i++) out.pixels[i] = Math.max(0, image.pixels[i] - background.pixels[i]);
  return out;
}
