/**
 * Reading an opened regular file piece by piece, for streaming consumers
 * (hashing, inflating) that should never hold the whole file in memory.
 */
import type { promises as fsp } from 'node:fs';
import { DataFileError } from './errors';

/** Size of each piece read: large enough to keep calls few, small beside any data set. */
const CHUNK_BYTES = 1 << 20;

/**
 * The bytes of an open file from offset 0 up to `size` (the size it had when
 * opened, see openRegularFile), in pieces of at most 1 MiB. Never reads past
 * `size`, so a file that grows while being read cannot make it read more; a
 * file that shrinks is an error naming `file`. Each piece is a new buffer the
 * consumer may keep. Stopping the iteration stops the reading.
 */
export async function* readChunks(handle: fsp.FileHandle, size: number, file: string): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) {
      throw new DataFileError(file, `changed while being read: it ended after ${position} bytes, ${size} were expected`);
    }
    position += bytesRead;
    yield chunk.subarray(0, bytesRead);
  }
}
