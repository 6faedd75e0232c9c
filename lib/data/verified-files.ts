import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../base/atomic-write';
import { DataFileError, describeFsError } from '../base/errors';
import { cacheDir, pathExists } from '../base/paths';
import { contentSha256 } from './checksum';

interface VerifiedEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

const ledgerFile = () => path.join(cacheDir(), 'verified-files.json');

async function readLedger(): Promise<Record<string, VerifiedEntry>> {
  try {
    return JSON.parse(await fs.readFile(ledgerFile(), 'utf8')) as Record<string, VerifiedEntry>;
  } catch {
    return {};
  }
}

/**
 * Checks that a file's content has the expected SHA-256 and remembers the
 * result (keyed by real path, size and modification time), so each file is
 * hashed once, not on every load. Throws a DataFileError naming the file and
 * both digests on a mismatch.
 */
export async function verifyFileChecksum(file: string, expectedSha256: string): Promise<void> {
  const expected = expectedSha256.toLowerCase();
  let realPath: string;
  let stat: { size: number; mtimeMs: number };
  try {
    realPath = await fs.realpath(file);
    stat = await fs.stat(realPath);
  } catch (error) {
    throw new DataFileError(file, `cannot read it: ${describeFsError(error)}`, { cause: error });
  }
  const ledger = await readLedger();
  const known = ledger[realPath];
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.sha256 === expected) return;

  const actual = await contentSha256(realPath);
  if (actual !== expected) {
    throw new DataFileError(file, `checksum mismatch: expected SHA-256 ${expected}, the content has ${actual}`);
  }
  ledger[realPath] = { size: stat.size, mtimeMs: stat.mtimeMs, sha256: actual };
  // Forget files that are gone, so the ledger does not grow with temporary copies.
  for (const known of Object.keys(ledger)) {
    if (!(await pathExists(known))) delete ledger[known];
  }
  try {
    await writeFileAtomic(ledgerFile(), `${JSON.stringify(ledger, null, 1)}\n`);
  } catch {
    // The cache only saves time; a read-only install still works.
  }
}
