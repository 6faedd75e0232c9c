/**
 * SHA-256 digests of byte arrays and files. Files are opened only when they
 * are regular files (a named pipe or a device is refused by name, see
 * openRegularFile) and are read in pieces, up to the size they had when
 * opened, so memory stays constant whatever their size.
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataFileError, describeFsError } from '../base/errors';
import { readChunks } from '../base/read-chunks';
import { openRegularFile } from '../base/read-file';

/** Lower-case hex SHA-256 of byte arrays, taken as one sequence of bytes. */
export function sha256Hex(...parts: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** True when `text` looks like a SHA-256 digest (64 hex digits). */
export function isSha256Hex(text: string): boolean {
  return /^[0-9a-f]{64}$/i.test(text);
}

/** `digest` in lower case; a RangeError naming `what` when it is not 64 hex digits. */
export function normaliseSha256(digest: string, what: string): string {
  if (typeof digest !== 'string' || !isSha256Hex(digest)) {
    throw new RangeError(`${what} must be a SHA-256 of 64 hex digits, got ${JSON.stringify(digest)}`);
  }
  return digest.toLowerCase();
}

/** Throws a DataFileError naming `file` and both digests unless `actual` is `expected` (lower-case hex). */
export function requireSha256(file: string, expected: string, actual: string): void {
  if (actual !== expected) {
    throw new DataFileError(file, `checksum mismatch: expected SHA-256 ${expected}, the content has ${actual}`);
  }
}

/** True when the buffer starts with gzip's magic bytes 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** SHA-256 of a regular file, decompressed first when `decompressGzip` and it starts with gzip's magic bytes. */
async function hashFile(file: string, decompressGzip: boolean): Promise<string> {
  const { handle, size } = await openRegularFile(file);
  try {
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(size, 2));
    await handle.read(head, 0, head.length, 0);
    if (decompressGzip && isGzip(head)) {
      await pipeline(readChunks(handle, size, file), createGunzip(), async (inflated: AsyncIterable<Buffer>) => {
        for await (const chunk of inflated) hash.update(chunk);
      });
    } else {
      for await (const chunk of readChunks(handle, size, file)) hash.update(chunk);
    }
    return hash.digest('hex');
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const problem = code.startsWith('Z_') ? `gzip corrupt: ${(error as Error).message}` : `cannot read: ${describeFsError(error)}`;
    throw new DataFileError(file, problem, { cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Lower-case hex SHA-256 of a file's bytes as stored, read in pieces
 * (constant memory). Only regular files are read: anything else, and a file
 * that cannot be read, is a DataFileError naming the file.
 */
export function sha256File(path: string): Promise<string> {
  return hashFile(path, false);
}

/**
 * SHA-256 of a file's content, streamed; a gzip file (recognised by its magic
 * bytes, every member of a multi-member file included) is hashed after
 * decompression, so `x` and `x.gz` have the same digest. Errors as sha256File.
 */
export function contentSha256(path: string): Promise<string> {
  return hashFile(path, true);
}
