/**
 * Reading a photo or scan of a handwritten digit: PNG or JPEG, recognised by
 * its first bytes, into a grayscale image (see luminance.ts). The size in the
 * header is checked against the limits before any pixel is decoded, and every
 * problem is a DataFileError naming the file.
 */
import { inflateSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataFileError } from '../base/errors';
import { formatBytes, openRegularFile, readRegularFile } from '../base/read-file';
import type { GrayImage } from './gray-image';
import { checkImageHeader, MAX_IMAGE_PIXELS } from './image-check';
import { type DeclaredSize, type ImageFormat, jpegImageEnd, pngCompressedData, pngDataSize, pngLayoutProblem } from './image-format';
import { rgbToGray } from './luminance';
import { applyOrientation, jpegOrientation } from './orientation';

export { MAX_IMAGE_SIDE } from './image-check';
/** Largest file accepted, in bytes (200 MB). */
const MAX_IMAGE_FILE_BYTES = 200 * 1024 * 1024;

/** A decoded image: grayscale pixels (0 black .. 255 white) and the format it was stored in. */
export interface LoadedImage extends GrayImage {
  readonly format: ImageFormat;
}

/**
 * Reads a PNG or JPEG file into a grayscale image (0 = black, 255 = white).
 * Transparent PNG pixels are laid over white paper; a JPEG's EXIF orientation
 * is applied. Throws DataFileError for a missing file, anything that is not
 * a regular file (a folder, a named pipe, a device), a file that is not a PNG
 * or JPEG, a damaged or cut-off file, an empty image, or one larger than
 * MAX_IMAGE_SIDE / MAX_IMAGE_PIXELS.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function readImage(file: string): Promise<LoadedImage> {
  // Only a regular file is read, and no more than its size allows: a named pipe
  // or a device (/dev/zero never ends) is refused by name before it is opened.
  const bytes = await readRegularFile(file, { maxBytes: MAX_IMAGE_FILE_BYTES, what: 'an image of a digit' });
  return decodeImage(bytes, file);
}

/**
 * Checks, without reading it, that `file` is a regular file this process can
 * open: a missing file, a folder, a named pipe or a device is refused with a
 * DataFileError naming it, as readImage would refuse it. For checking a list
 * of files before slow work (predict checks them before training a model).
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function checkImageFile(file: string): Promise<void> {
  const { handle } = await openRegularFile(file);
  await handle.close();
}

/**
 * Decodes PNG or JPEG bytes held in memory, as readImage does; `file` names them in errors.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function decodeImage(bytes: Uint8Array, file: string): LoadedImage {
  const header = checkImageHeader(bytes, file);
  const image = header.format === 'png' ? decodePng(bytes, file, header) : decodeJpeg(bytes, file, header);
  return { ...image, format: header.format };
}

function decodePng(bytes: Uint8Array, file: string, declared: DeclaredSize): GrayImage {
  const layout = pngLayoutProblem(bytes);
  if (layout) throw new DataFileError(file, layout);
  checkInterlacedData(bytes, declared, file);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new DataFileError(file, `corrupt PNG: ${(error as Error).message}`, { cause: error });
  }
  if (png.width !== declared.width || png.height !== declared.height) {
    throw new DataFileError(file, `corrupt PNG: decoded ${png.width}x${png.height} pixels, header says ${declared.width}x${declared.height}`);
  }
  return rgbToGray(png.data, png.width, png.height, 4);
}

/**
 * Refuses an interlaced PNG whose data inflates to more than its header
 * declares. pngjs bounds the inflated data of a plain PNG by the size the
 * header implies, but inflates an interlaced one without any bound, so a
 * small file could claim a few pixels and inflate to gigabytes (a 510 KB
 * file took 1.1 GB and 9 s before pngjs refused it). The data is inflated
 * here with the exact size the header implies as the limit, before pngjs
 * inflates it again (only interlaced files pay for this second pass).
 */
function checkInterlacedData(bytes: Uint8Array, declared: DeclaredSize, file: string): void {
  const size = pngDataSize(bytes);
  if (typeof size === 'string') throw new DataFileError(file, size);
  if (!size.interlaced) return;
  try {
    inflateSync(pngCompressedData(bytes), { maxOutputLength: Math.max(1, size.inflatedBytes) });
  } catch (error) {
    const problem =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? `its image data inflates to more than the ${formatBytes(size.inflatedBytes)} its header declares (interlaced, ${declared.width}x${declared.height} pixels)`
        : `damaged compressed data (${(error as Error).message})`;
    throw new DataFileError(file, `corrupt PNG: ${problem}`, { cause: error });
  }
}

function decodeJpeg(bytes: Uint8Array, file: string, declared: DeclaredSize): GrayImage {
  const complete = jpegImageEnd(bytes) !== undefined;
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch (error) {
    const reason = complete ? 'corrupt JPEG' : 'truncated JPEG (no end-of-image marker: the file looks cut off)';
    throw new DataFileError(file, `${reason}: ${(error as Error).message}`, { cause: error });
  }
  if (!complete) throw new DataFileError(file, 'truncated JPEG: no end-of-image marker, the file looks cut off');
  if (decoded.width !== declared.width || decoded.height !== declared.height) {
    throw new DataFileError(file, `corrupt JPEG: decoded ${decoded.width}x${decoded.height} pixels, header says ${declared.width}x${declared.height}`);
  }
  return applyOrientation(rgbToGray(decoded.data, decoded.width, decoded.height, 3), jpegOrientation(bytes));
}
