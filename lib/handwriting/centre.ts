/**
 * MNIST's last step (LeCun et al.): the size-normalised digit is placed in a
 * 28x28 field so that its centre of mass lies at the field's centre. Here the
 * shift is by sub-pixel amounts, so the centre lands on (14, 14) exactly
 * rather than to the nearest pixel (MNIST's own images are up to 0.7 px off).
 */
import { createGrayImage, type GrayImage } from './gray-image';

/** A point in pixel coordinates: x = column index, y = row index (pixel (0, 0) is the top-left one). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The ink-weighted mean position of the pixels (their centre of mass), or undefined for an all-zero image.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function centreOfMass(image: GrayImage): Point | undefined {
  let total = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const value = image.pixels[y * image.width + x];
      total += value;
      sumX += value * x;
      sumY += value * y;
    }
  }
  return total > 0 ? { x: sumX / total, y: sumY / total } : undefined;
}

/**
 * Draws `image` moved by (dx, dy) pixels, which may be fractions, into a new
 * `width` x `height` image. Each pixel's ink is shared among the (up to) four
 * pixels it lands on in proportion to the overlap, so the total ink is kept
 * and the centre of mass moves by exactly (dx, dy); ink that lands outside is lost.
 */
function shiftInto(image: GrayImage, dx: number, dy: number, width: number, height: number): GrayImage {
  const out = createGrayImage(width, height);
  const baseX = Math.floor(dx);
  const baseY = Math.floor(dy);
  const fx = dx - baseX;
  const fy = dy - baseY;
  const shares: [number, number, number][] = [
    [0, 0, (1 - fx) * (1 - fy)],
    [1, 0, fx * (1 - fy)],
    [0, 1, (1 - fx) * fy],
    [1, 1, fx * fy],
  ];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const value = image.pixels[y * image.width + x];
      if (value === 0) continue;
      for (const [ox, oy, share] of shares) {
        const tx = x + baseX + ox;
        const ty = y + baseY + oy;
        if (share > 0 && tx >= 0 && tx < width && ty >= 0 && ty < height) out.pixels[ty * width + tx] += value * share;
      }
    }
  }
  return out;
}

/**
 * The digit placed in a `size` x `size` field (default 28) with its centre of
 * mass at `target` (default (size / 2, size / 2) = (14, 14), where MNIST's
 * digits have theirs on average), shifted by sub-pixel amounts.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function centreOnCanvas(image: GrayImage, size = 28, target: Point = { x: size / 2, y: size / 2 }): GrayImage {
  const centre = centreOfMass(image) ?? { x: (image.width - 1) / 2, y: (image.height - 1) / 2 };
  return shiftInto(image, target.x - centre.x, target.y - centre.y, size, size);
}
