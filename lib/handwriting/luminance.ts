import { createGrayImage, type GrayImage } from './gray-image';

/**
 * Grey value of a colour as the eye sees its brightness (ITU-R BT.601 luma,
 * the weights of most image tools): 0.299 R + 0.587 G + 0.114 B.
 */
export function luminance(red: number, green: number, blue: number): number {
  return 0.299 * red + 0.587 * green + 0.114 * blue;
}

/**
 * Turns interleaved colour pixels (RGB or RGBA bytes, row by row) into a
 * grayscale image. With an alpha channel, each pixel is laid over white
 * paper first, so a transparent background comes out white and dark ink
 * on it stays dark: grey = alpha * luminance + (1 - alpha) * 255.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function rgbToGray(data: Uint8Array, width: number, height: number, channels: 3 | 4): GrayImage {
  if (data.length < width * height * channels) {
    throw new RangeError(`a ${width}x${height} image with ${channels} channels needs ${width * height * channels} bytes, got ${data.length}`);
  }
  const image = createGrayImage(width, height);
  const out = image.pixels;
  for (let i = 0, p = 0; i < out.length; i++, p += channels) {
    const gray = luminance(data[p], data[p + 1], data[p + 2]);
    if (channels === 4) {
      const alpha = data[p + 3] / 255;
      out[i] = alpha * gray + (1 - alpha) * 255;
    } else {
      out[i] = gray;
    }
  }
  return image;
}
