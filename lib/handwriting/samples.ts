/** Finding the sample pictures in data/samples/ and the true digit in their names. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DataFileError, describeFsError } from '../base/errors';
import { defaultDataDir } from '../base/paths';

/**
 * The folder of the sample pictures: `<project>/data/samples`.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function samplesDir(): string {
  return path.join(defaultDataDir(), 'samples');
}

/**
 * The digit a sample's file name starts with (`digit-7-off-centre.jpg` gives 7), or undefined for other names.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function sampleDigit(file: string): number | undefined {
  const match = /^digit-(\d)-/.exec(path.basename(file));
  return match ? Number(match[1]) : undefined;
}

/** A sample picture and its true digit. */
export interface SampleFile {
  readonly file: string;
  readonly digit: number;
}

/**
 * The PNG and JPEG files named `digit-<d>-...` in `dir` (default samplesDir()), sorted by name.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export async function listSamples(dir = samplesDir()): Promise<SampleFile[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    throw new DataFileError(dir, describeFsError(error), { cause: error });
  }
  return names
    .filter((name) => /\.(png|jpe?g)$/i.test(name))
    .sort()
    .flatMap((name) => {
      const digit = sampleDigit(name);
      return digit === undefined ? [] : [{ file: path.join(dir, name), digit }];
    });
}
