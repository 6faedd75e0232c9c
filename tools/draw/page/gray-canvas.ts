/** Grayscale pictures in and out of canvases: an uploaded photo read as lib reads a file, and lib's images shown. */
import { checkImageHeader, DataFileError, type GrayImage, rgbToGray } from '../../../lib/browser';

/** Draws grey values (0 black .. 255 white, rounded) on a canvas of the image's own size. */
export function paintGray(canvas: HTMLCanvasElement, width: number, height: number, values: ArrayLike<number>): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  const picture = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const level = Math.min(255, Math.max(0, Math.round(values[i])));
    picture.data.set([level, level, level, 255], 4 * i);
  }
  context.putImageData(picture, 0, 0);
}

/** Shows one of lib's images. */
export function paintImage(canvas: HTMLCanvasElement, image: GrayImage): void {
  paintGray(canvas, image.width, image.height, image.pixels);
}

/** A photo the reader uploaded: its pixels in grey, and a bitmap to show it. */
export interface Photo {
  readonly name: string;
  readonly gray: GrayImage;
  readonly bitmap: ImageBitmap;
}

/**
 * Reads an uploaded PNG or JPEG as readImage reads a file: its header is
 * checked by lib (format, size limits) before anything is decoded, the
 * browser decodes it (turning it upright by its EXIF orientation, without
 * colour management), and lib's rgbToGray lays transparent pixels on white
 * paper. Throws a DataFileError naming the file.
 */
export async function readPhoto(file: File): Promise<Photo> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const header = checkImageHeader(bytes, file.name);
  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([bytes], { type: header.format === 'png' ? 'image/png' : 'image/jpeg' });
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch (error) {
    throw new DataFileError(file.name, `corrupt ${header.format === 'png' ? 'PNG' : 'JPEG'}: the browser cannot decode it (${(error as Error).message})`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot draw on a canvas');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { name: file.name, gray: rgbToGray(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), bitmap.width, bitmap.height, 4), bitmap };
}
