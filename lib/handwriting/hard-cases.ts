/**
 * Pictures made harder on purpose, to see where the preparation or the
 * network goes wrong: a digit turned by an angle, two pictures side by side,
 * ink faded toward the paper. Each works on a photo's grey levels (0 black,
 * 255 white) and fills what it uncovers with the paper's level.
 */
import { createGrayImage, type GrayImage, quantile } from './gray-image';

/** The paper's grey level: the median of the picture, which is mostly paper. */
function paperLevel(image: GrayImage): number {
  return quantile(image.pixels, 0.5);
}

/** The grey level at (x, y), blended from the four nearest pixels; `outside` beyond the edges. */
function sample(image: GrayImage, x: number, y: number, outside: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const at = (px: number, py: number): number =>
    px < 0 || py < 0 || px >= image.width || py >= image.height ? outside : image.pixels[py * image.width + px];
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/**
 * The picture turned clockwise by `degrees` about its centre, on a canvas of
 * the same size (corners that turn out of it are lost, uncovered corners get
 * the paper's level, or `background` when given). Bilinear sampling.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function rotateImage(image: GrayImage, degrees: number, options: { readonly background?: number } = {}): GrayImage {
  const background = options.background ?? paperLevel(image);
  const out = createGrayImage(image.width, image.height);
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const cx = (image.width - 1) / 2, cy = (image.height - 1) / 2;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      // Each output pixel looks back to where it came from: the inverse rotation.
      const dx = x - cx, dy = y - cy;
      out.pixels[y * image.width + x] = sample(image, cx + cos * dx + sin * dy, cy - sin * dx + cos * dy, background);
    }
  }
  return out;
}

/**
 * Two pictures next to each other, `gap` pixels apart (default 0), aligned at
 * the top; the space around the shorter one gets the first picture's paper level.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function sideBySide(left: GrayImage, right: GrayImage, options: { readonly gap?: number } = {}): GrayImage {
  const gap = options.gap ?? 0;
  const out = createGrayImage(left.width + gap + right.width, Math.max(left.height, right.height), paperLevel(left));
  for (const [image, offset] of [[left, 0], [right, left.width + gap]] as const) {
    for (let y = 0; y < image.height; y++) out.pixels.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), y * out.width + offset);
  }
  return out;
}

/**
 * The picture with its contrast cut to `factor` (0..1): every pixel moved
 * toward the paper's level, so the ink fades the way a faint pencil or a
 * washed-out photo does. `factor` 1 leaves the picture as it is.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function fadeInk(image: GrayImage, factor: number): GrayImage {
  if (!(factor >= 0 && factor <= 1)) throw new RangeError(`fadeInk: factor must be from 0 to 1, not ${factor}`);
  const paper = paperLevel(image);
  const out = createGrayImage(image.width, image.height);
  for (let i = 0; i < image.pixels.length; i++) out.pixels[i] = paper + factor * (image.pixels[i] - paper);
  return out;
}
