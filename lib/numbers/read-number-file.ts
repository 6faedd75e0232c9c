/**
 * Reading a handwritten number straight from a file: readImage, then
 * readNumber. Kept apart from read-number.ts, which reads no files, so the
 * reading also runs in a browser (see lib/browser.ts).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { readImage } from '../handwriting/read-image';
import { type NumberReading, readNumber, type ReadNumberOptions } from './read-number';

/**
 * Reads a PNG or JPEG file (see readImage) and the number written in it (see
 * readNumber); errors name the file.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function readNumberFile(model: tfl.LayersModel, file: string, options: Omit<ReadNumberOptions, 'source'> = {}): Promise<NumberReading> {
  const image = await readImage(file);
  return readNumber(model, image, { ...options, source: file });
}
