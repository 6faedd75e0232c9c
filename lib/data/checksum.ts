import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataFileError, describeFsError } from '../base/errors';

/** Lower-case hex SHA-256 of a byte array. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when `text` looks like a SHA-256 digest (64 hex digits). */
export function isSha256Hex(text: string): boolean {
  return /^[0-9a-f]{64}$/i.test(text);
}

/** SHA-256 of a file, decompressed first when `decompress` says so; errors name the file. */
async function hashFile(path: string, decompress: (path: string) => Promise<boolean>): Promise<string> {
  const hash = createHash('sha256');
  try {
    if (await decompress(path)) await pipeline(createReadStream(path), createGunzip(), hash);
    else await pipeline(createReadStream(path), hash);
  } catch (error) {
    throw new DataFileError(path, `cannot read: ${describeFsError(error)}`, { cause: error });
  }
  return hash.digest('hex');
}

/**
 * Lower-case hex SHA-256 of a file, read as a stream (constant memory).
 * Rejects with a DataFileError naming the file when it cannot be read.
 */
export function sha256File(path: string): Promise<string> {
  return hashFile(path, async () => false);
}

/** True when the file starts with gzip's magic bytes 1f 8b. */
async function isGzipFile(path: string): Promise<boolean> {
  const handle = await fs.open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * SHA-256 of a file's content, streamed; a gzip file is hashed after
 * decompression, so `x` and `x.gz` have the same digest.
 */
export function contentSha256(path: string): Promise<string> {
  return hashFile(path, isGzipFile);
}
