/**
 * Writes a site (site.ts) into a folder for any static host (GitHub Pages,
 * `python3 -m http.server`, a USB stick). The folder is filled whole or not
 * at all: the files are written into a hidden folder beside it, which then
 * takes its place by rename. A folder that is not empty is replaced only if
 * an earlier build made it (it holds the marker file); anything else is
 * refused, so no one's files are overwritten.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DataFileError } from '@mnist-ts/lib';
import type { Site } from './site';

/** The file that marks a folder as a build of the draw page (and lists its files). */
export const SITE_MARKER = '.mnist-ts-draw-site.json';

/** Why `folder` may not receive a build, or undefined when it may (missing, empty, or an earlier build). */
async function refusal(folder: string): Promise<string | undefined> {
  const stat = await fs.lstat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new DataFileError(folder, `cannot look at this folder: ${error.message}`, { cause: error });
  });
  if (!stat) return undefined;
  if (stat.isSymbolicLink()) return 'is a symbolic link; give the folder it points to';
  if (!stat.isDirectory()) return 'exists and is not a folder';
  const names = await fs.readdir(folder);
  if (names.length === 0 || names.includes(SITE_MARKER)) return undefined;
  return `is not empty and was not made by --build (it has no ${SITE_MARKER}): choose a new or empty folder, so none of its files are overwritten`;
}

/** A hidden name beside `folder`: `.name.<pid>-<random>.<suffix>`. */
function sibling(folder: string, suffix: string): string {
  return path.join(path.dirname(folder), `.${path.basename(folder)}.${process.pid}-${randomBytes(4).toString('hex')}.${suffix}`);
}

/** Writes every file of `site` under `folder` (see the module comment); returns the number of bytes written. */
export async function writeSite(site: Site, folder: string): Promise<number> {
  const problem = await refusal(folder);
  if (problem) throw new DataFileError(folder, problem);
  await fs.mkdir(path.dirname(folder), { recursive: true });
  const staging = sibling(folder, 'tmp');
  let previous: string | undefined;
  let bytes = 0;
  try {
    for (const file of site.values()) {
      const target = path.join(staging, ...file.path.split('/'));
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.bytes);
      bytes += file.bytes.byteLength;
    }
    const marker = { generator: 'mnist-ts draw --build', files: [...site.keys()].sort() };
    await fs.writeFile(path.join(staging, SITE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    if (await fs.stat(folder).then(() => true, () => false)) {
      previous = sibling(folder, 'old');
      await fs.rename(folder, previous);
    }
    await fs.rename(staging, folder);
  } catch (error) {
    // Put the earlier build back if it was moved aside, and leave nothing half-written.
    if (previous && !(await fs.stat(folder).then(() => true, () => false))) await fs.rename(previous, folder).catch(() => undefined);
    await fs.rm(staging, { recursive: true, force: true });
    throw new DataFileError(folder, `cannot write the site here: ${(error as Error).message}`, { cause: error });
  }
  if (previous) await fs.rm(previous, { recursive: true, force: true });
  return bytes;
}
