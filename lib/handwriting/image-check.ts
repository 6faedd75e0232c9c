/**
 * What an image file's first bytes must say before any pixel is decoded: a
 * PNG or a JPEG, of a size within the limits. Reads nothing from disk and
 * decodes nothing, so a web page can check an upload the same way
 * readImage checks a file (see lib/browser.ts).
 */
import { DataFileError } from '../base/errors';
import { type DeclaredSize, type ImageFormat, jpegDeclaredSize, pngDeclaredSize, sniffImageFormat } from './image-format';

/** Largest width or height accepted, in pixels (a 48-megapixel phone photo is 8064 wide). */
export const MAX_IMAGE_SIDE = 10_000;
/** Most pixels accepted in one image: 50 megapixels (about 400 MB while decoding). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** The format and size an image's header declares. */
export interface ImageHeader extends DeclaredSize {
  readonly format: ImageFormat;
}

/**
 * The format and declared size of an image held in memory, checked as
 * readImage checks a file before decoding it. Throws a DataFileError naming
 * `file` for an empty file, a format other than PNG or JPEG (naming it when
 * known: GIF, WebP, HEIC...), an unreadable header, an empty image, or one
 * larger than MAX_IMAGE_SIDE pixels a side or 50 megapixels.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function checkImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  if (bytes.length === 0) throw new DataFileError(file, 'empty file (0 bytes), not an image');
  const sniffed = sniffImageFormat(bytes);
  if (sniffed.kind === 'unsupported') {
    throw new DataFileError(file, `unsupported image format ${sniffed.format}: only PNG and JPEG can be read (convert it first)`);
  }
  if (sniffed.kind === 'unknown') {
    const what = sniffed.looksLikeText ? 'a text file' : 'an unknown kind of file';
    throw new DataFileError(file, `not a PNG or JPEG image (its first bytes look like ${what})`);
  }
  const declared = sniffed.format === 'png' ? pngDeclaredSize(bytes) : jpegDeclaredSize(bytes);
  const format = sniffed.format === 'png' ? 'PNG' : 'JPEG';
  if (typeof declared === 'string') throw new DataFileError(file, declared);
  const { width, height } = declared;
  if (width === 0 || height === 0) throw new DataFileError(file, `empty image: the ${format} header says ${width}x${height} pixels`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new DataFileError(
      file,
      `image too large: ${width}x${height} pixels (${(width * height / 1e6).toFixed(1)} megapixels); ` +
        `the limit is ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels, so shrink it first`,
    );
  }
  return { format: sniffed.format, width, height };
}
