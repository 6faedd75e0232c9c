/**
 * The preprocessing of chapter 07 straight from a file: readImage, then
 * preprocessDigit. Kept apart from preprocess.ts, which reads no files, so
 * that the recipe itself also runs in a browser (see lib/browser.ts).
 */
import { type PreprocessedDigit, type PreprocessOptions, preprocessDigit } from './preprocess';
import { readImage } from './read-image';

/**
 * Reads a PNG or JPEG file (see readImage) and preprocesses it; errors name the file.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function preprocessDigitFile(file: string, options: Omit<PreprocessOptions, 'source'> = {}): Promise<PreprocessedDigit> {
  const image = await readImage(file);
  return preprocessDigit(image, { ...options, source: file });
}
