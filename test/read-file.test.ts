import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularFile, openRegularFile } from '../lib/base/read-file';
import { staleSiblings, temporarySibling, writeFileAtomic } from '../lib/base/atomic-write';
import { expectFileError } from './support/file-error';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'read-file-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The id of a process that has just exited, so no process has it now (barring reuse within milliseconds). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('readRegularFile', () => {
  const options = { maxBytes: 100, what: 'a test file' };

  it('reads a regular file, and one reached through a symbolic link', async () => {
    const file = path.join(dir, 'a.txt');
    await fs.writeFile(file, 'hello');
    await fs.symlink(file, path.join(dir, 'link'));
    expect((await readRegularFile(file, options)).toString()).toBe('hello');
    expect((await readRegularFile(path.join(dir, 'link'), options)).toString()).toBe('hello');
  });

  it('refuses a file over the limit before reading it, naming the file and both sizes', async () => {
    const file = path.join(dir, 'big');
    await fs.writeFile(file, Buffer.alloc(101));
    await expectFileError(readRegularFile(file, options), file, /too large for a test file: 101 bytes, the limit is 100 bytes/);
  });

  it('refuses a named pipe by name without opening it (no hang)', async () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expectFileError(readRegularFile(fifo, options), fifo, /is a named pipe \(FIFO\), not a regular file/);
    await expectFileError(openRegularFile(fifo), fifo, /named pipe/);
  });

  it('refuses a character device such as /dev/zero, whose stat size is 0', async () => {
    await expectFileError(readRegularFile('/dev/zero', options), '/dev/zero', /is a character device, not a regular file/);
  });

  it('refuses a folder and a missing file by name', async () => {
    await expectFileError(readRegularFile(dir, options), dir, /is a folder, not a regular file/);
    const missing = path.join(dir, 'missing');
    await expectFileError(readRegularFile(missing, options), missing, /file not found/);
  });
});

describe('stale temporary siblings', () => {
  it('lists leftovers of dead processes only, and writeFileAtomic removes them', async () => {
    const file = path.join(dir, 'results.json');
    const dead = path.join(dir, `.results.json.${deadPid()}-0123456789ab.tmp`);
    const mine = temporarySibling(file, 'tmp');
    const other = path.join(dir, `.other.json.${deadPid()}-0123456789ab.tmp`);
    for (const f of [dead, mine, other]) await fs.writeFile(f, 'x');
    expect(await staleSiblings(file, 'tmp')).toEqual([dead]);
    expect(await staleSiblings(file, 'old')).toEqual([]);
    await writeFileAtomic(file, '{}');
    expect((await fs.readdir(dir)).sort()).toEqual([path.basename(other), path.basename(mine), 'results.json'].sort());
  });
});
