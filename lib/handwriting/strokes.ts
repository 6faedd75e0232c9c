/**
 * Pen width. MNIST's writers used pens whose strokes, once a digit is scaled
 * to its 20-pixel box, are 2-3 pixels wide (about 12% of the box). A ball-pen
 * digit photographed large has strokes of 1-3% of its height, which would
 * shrink to faint hairlines. These functions measure the stroke width and
 * thicken thin strokes (never thin thick ones) to MNIST's proportion.
 */
import { squaredDistanceTransform } from './distance';
import { createGrayImage, type GrayImage } from './gray-image';

/** MNIST's typical stroke width as a share of the longer side of the digit's bounding box. */
export const MNIST_STROKE_SHARE = 0.12;

/** Pixels at or above this share of the brightest count as inside a stroke when measuring. */
const INSIDE = 0.5;

/** 1 where the pixel is inside a stroke (at least half as bright as the brightest), else 0. */
function strokeMask(image: GrayImage): Uint8Array {
  let max = 0;
  for (const value of image.pixels) if (value > max) max = value;
  const mask = new Uint8Array(image.pixels.length);
  if (max > 0) for (let i = 0; i < mask.length; i++) mask[i] = image.pixels[i] >= INSIDE * max ? 1 : 0;
  return mask;
}

/**
 * The typical width of the strokes in pixels, or 0 without ink. Each ink
 * pixel's distance to the nearest background pixel is measured; across a
 * stroke of width w these run 1, 2, ... up to about w/2 and back, so their
 * mean is about w/4 + 1/2, and w = 4 * (mean - 1/2). The image is padded by
 * a pixel of background first, so ink at the edge counts as an edge.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function strokeWidth(image: GrayImage): number {
  const w = image.width + 2;
  const h = image.height + 2;
  const inner = strokeMask(image);
  const background = new Uint8Array(w * h).fill(1);
  let inkCount = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (inner[y * image.width + x]) {
        background[(y + 1) * w + x + 1] = 0;
        inkCount++;
      }
    }
  }
  if (inkCount === 0) return 0;
  const distances = squaredDistanceTransform(background, w, h);
  let sum = 0;
  for (let i = 0; i < distances.length; i++) if (!background[i]) sum += Math.sqrt(distances[i]);
  return Math.max(1, 4 * (sum / inkCount - 0.5));
}

/**
 * The ink drawn with a wider pen: every pixel within `radius` pixels of a
 * stroke becomes full ink (255 beyond half a pixel inside the new edge, with
 * a one-pixel soft edge), and the image grows by the radius on every side so
 * nothing is cut. Original grey levels are kept where they are brighter.
 */
function dilateInk(image: GrayImage, radius: number): GrayImage {
  if (!(radius > 0)) return image;
  const pad = Math.ceil(radius + 0.5);
  const w = image.width + 2 * pad;
  const h = image.height + 2 * pad;
  const inner = strokeMask(image);
  const feature = new Uint8Array(w * h);
  const out = createGrayImage(w, h);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y + pad) * w + x + pad;
      feature[i] = inner[y * image.width + x];
      out.pixels[i] = image.pixels[y * image.width + x];
    }
  }
  const distances = squaredDistanceTransform(feature, w, h);
  for (let i = 0; i < out.pixels.length; i++) {
    const d = Math.sqrt(distances[i]);
    const cover = Math.min(1, Math.max(0, radius + 0.5 - d));
    out.pixels[i] = Math.max(out.pixels[i], 255 * cover);
  }
  return out;
}

/**
 * Thickens thin strokes so their width is at least `share` of the longer
 * side of the image (pass the image cropped to the ink); strokes already
 * that thick, or nearly (within 80%), are left alone. Returns the image and
 * the widths measured before and aimed at.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function thickenStrokes(image: GrayImage, share = MNIST_STROKE_SHARE): { image: GrayImage; width: number; target: number } {
  const width = strokeWidth(image);
  const target = share * Math.max(image.width, image.height);
  if (width === 0 || width >= 0.8 * target) return { image, width, target };
  // Dilating by r adds 2r to the strokes and to the box: solve width + 2r = share * (longer side + 2r).
  const radius = (target - width) / (2 * (1 - share));
  return { image: dilateInk(image, radius), width, target };
}
