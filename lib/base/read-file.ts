/**
 * Reading files with a bound decided before anything is read. Only regular
 * files are opened: a named pipe would block the reader until someone writes
 * to it, and a device such as /dev/zero reports size 0 and never ends, so a
 * size limit taken from `stat` would not hold. Everything else is refused by
 * name before it is opened.
 */
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';
import { DataFileError, describeFsError } from './errors';

/** What a non-regular file is, in words: "a folder", "a named pipe (FIFO)", ... */
export function describeFileKind(stat: Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A regular file opened for reading, and its size when it was opened. */
export interface OpenedFile {
  readonly handle: fsp.FileHandle;
  readonly size: number;
}

/**
 * Opens `file` for reading after checking that it is a regular file (symbolic
 * links are followed). The check is made on the path before opening, so a
 * named pipe is never opened, and again on the open handle, so a file swapped
 * for a pipe or device in between is refused too. Errors are DataFileErrors
 * naming the file. The caller closes the handle.
 */
export async function openRegularFile(file: string): Promise<OpenedFile> {
  let stat: Stats;
  try {
    stat = await fsp.stat(file);
  } catch (error) {
    throw new DataFileError(file, describeFsError(error), { cause: error });
  }
  refuseIfNotRegular(stat, file);
  let handle: fsp.FileHandle;
  try {
    // O_NONBLOCK keeps open() from waiting for a writer if a pipe was put in
    // place since the check; it changes nothing for regular files.
    const nonBlocking = fsConstants.O_NONBLOCK ?? 0;
    handle = await fsp.open(file, fsConstants.O_RDONLY | nonBlocking);
  } catch (error) {
    throw new DataFileError(file, describeFsError(error), { cause: error });
  }
  try {
    const opened = await handle.stat();
    refuseIfNotRegular(opened, file);
    return { handle, size: opened.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, describeFsError(error), { cause: error });
  }
}

function refuseIfNotRegular(stat: Stats, file: string): void {
  if (!stat.isFile()) throw new DataFileError(file, `is ${describeFileKind(stat)}, not a regular file`);
}

/** Options of readRegularFile. */
export interface ReadFileOptions {
  /** The most bytes accepted; a larger file is refused before any of it is read. */
  readonly maxBytes: number;
  /** What the file should be, for the error message: "an image", "model.json". */
  readonly what: string;
}

/**
 * Reads a whole regular file, refusing it (a DataFileError naming the file)
 * when it is not a regular file or is larger than `maxBytes`. Never reads more
 * than the size the file had when it was opened, plus one byte to notice a
 * file that grew while being read.
 */
export async function readRegularFile(file: string, options: ReadFileOptions): Promise<Buffer> {
  const { handle, size } = await openRegularFile(file);
  try {
    if (size > options.maxBytes) {
      throw new DataFileError(file, `too large for ${options.what}: ${formatBytes(size)}, the limit is ${formatBytes(options.maxBytes)}`);
    }
    const bytes = Buffer.alloc(size);
    await readFully(handle, bytes, 0, file);
    const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, size);
    if (bytesRead !== 0) throw new DataFileError(file, `changed while being read: it grew beyond the ${size} bytes it had when opened`);
    return bytes;
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, `cannot read: ${describeFsError(error)}`, { cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Fills `target` from the handle starting at file offset `position`; a file that ends early is an error naming it. */
export async function readFully(handle: fsp.FileHandle, target: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) {
      throw new DataFileError(file, `changed while being read: it ended after ${position + done} bytes, ${position + target.length} were expected`);
    }
    done += bytesRead;
  }
}

/** "1.5 MB", "512 bytes": a size for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
