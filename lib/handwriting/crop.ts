/** Finding the ink's bounding box and cutting the image down to it. */
import { createGrayImage, type GrayImage } from './gray-image';

/** A rectangle of pixels: left column x, top row y, and its size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The smallest box holding every pixel above `level` (default 0: any ink), or undefined when there is none.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function inkBox(image: GrayImage, level = 0): Box | undefined {
  const { width: w, height: h, pixels } = image;
  let left = w;
  let right = -1;
  let top = h;
  let bottom = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] > level) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  return right < 0 ? undefined : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * The part of the image inside `box` (which must lie within the image), as a new image.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function cropImage(image: GrayImage, box: Box): GrayImage {
  const { x, y, width, height } = box;
  if (x < 0 || y < 0 || width < 0 || height < 0 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`box ${width}x${height} at (${x}, ${y}) is outside the ${image.width}x${image.height} image`);
  }
  const out = createGrayImage(width, height);
  for (let row = 0; row < height; row++) {
    const from = (y + row) * image.width + x;
    out.pixels.set(image.pixels.subarray(from, from + width), row * width);
  }
  return out;
}
