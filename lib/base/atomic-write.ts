import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A hidden temporary name beside `file`, in the same folder so that a rename is atomic. */
export function temporarySibling(file: string, suffix = 'tmp'): string {
  const { dir, base } = path.parse(file);
  return path.join(dir, `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.${suffix}`);
}

/**
 * Writes a file so that readers see either the old content or the new, never
 * a half-written file: the data goes to a new temporary file in the same
 * folder, is flushed to disk, and then replaces the target by a rename.
 * Creates missing folders. On failure the temporary file is removed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = temporarySibling(file);
  try {
    const handle = await fs.open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
