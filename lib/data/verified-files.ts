/**
 * Checking a file against the SHA-256 it should have. Nothing is remembered
 * between calls: an earlier version kept a ledger of verified files keyed by
 * size and modification time, and a file edited in place with its time
 * restored (`touch -r`), or replaced by one of the same size and time, passed
 * as verified. Hashing is cheap beside that risk: the 55 MB of MNIST take
 * about 31 ms.
 */
import { contentSha256, normaliseSha256, requireSha256 } from './checksum';

/**
 * Checks that a file's content (decompressed, when it is gzip-compressed) has
 * the expected SHA-256. The file is hashed in full on every call; no earlier
 * result is trusted. Throws a DataFileError naming the file and both digests
 * on a mismatch, or naming the file and the problem when it cannot be read or
 * is not a regular file (a pipe or device is refused before it is opened).
 * Note that the file can still change after this returns: to use bytes that
 * are known to be the verified ones, pass the digest to the reader itself
 * (`readIdxFile(file, { sha256 })`), as loadMnist does.
 */
export async function verifyFileChecksum(file: string, expectedSha256: string): Promise<void> {
  const expected = normaliseSha256(expectedSha256, 'the expected checksum');
  requireSha256(file, expected, await contentSha256(file));
}
