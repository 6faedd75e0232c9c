import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * A hidden temporary name beside `file`, in the same folder so that a rename
 * is atomic: `.<name>.<pid>-<random>.<suffix>`. The process id lets a later
 * run tell a leftover of a killed process from a file still being written
 * (see staleSiblings).
 */
export function temporarySibling(file: string, suffix = 'tmp'): string {
  const { dir, base } = path.parse(file);
  return path.join(dir, `.${base}.${process.pid}-${randomBytes(6).toString('hex')}.${suffix}`);
}

/** True while a process with this id exists (on this machine). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The temporary siblings of `file` with this suffix (made by temporarySibling)
 * that were left behind by processes no longer running: a kill or a crash in
 * the middle of a write. Siblings of running processes, this one included,
 * are not listed. Oldest first.
 */
export async function staleSiblings(file: string, suffix: string): Promise<string[]> {
  const { dir, base } = path.parse(file);
  const prefix = `.${base}.`;
  const tail = `.${suffix}`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const stale: { file: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(tail)) continue;
    const middle = /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length, name.length - tail.length));
    if (!middle || processAlive(Number(middle[1]))) continue;
    const sibling = path.join(dir, name);
    const stat = await fs.lstat(sibling).catch(() => undefined);
    if (stat) stale.push({ file: sibling, mtimeMs: stat.mtimeMs });
  }
  return stale.sort((a, b) => a.mtimeMs - b.mtimeMs).map((s) => s.file);
}

/** Removes the stale temporary siblings of `file` with this suffix; failures are ignored (it is only tidying). */
export async function removeStaleSiblings(file: string, suffix: string): Promise<void> {
  for (const sibling of await staleSiblings(file, suffix)) {
    await fs.rm(sibling, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Writes a file so that readers see either the old content or the new, never
 * a half-written file: the data goes to a new temporary file in the same
 * folder, is flushed to disk, and then replaces the target by a rename.
 * Creates missing folders. On failure the temporary file is removed, and
 * temporary files that killed writers left beside `file` are removed on the
 * next successful write.
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
  await removeStaleSiblings(file, 'tmp');
}
