import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileError } from '../lib/base/errors';
import { contentSha256, sha256File, sha256Hex } from '../lib/data/checksum';
import {
  encodeIdx,
  IdxArray,
  parseIdx,
  readIdxFile,
  readIdxImages,
  readIdxLabels,
  readIdxPair,
  writeIdx,
} from '../lib/data/idx';
import { expectFileError } from './support/file-error';

let dir: string;

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-idx-'));
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Raw IDX bytes: header with the given type code and dims, then `payload` as is. */
function rawIdx(typeCode: number, dims: number[], payload: Uint8Array | number[] = []): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Buffer.concat([header, Uint8Array.from(payload)]);
}

async function put(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fsp.writeFile(file, bytes);
  return file;
}


function ramp(count: number, rows: number, cols: number): Uint8Array {
  return Uint8Array.from({ length: count * rows * cols }, (_, i) => (i * 7) % 256);
}

describe('round trip', () => {
  const samples: IdxArray[] = [
    { type: 'ubyte', dims: [2, 3], data: Uint8Array.from([0, 1, 127, 128, 254, 255]) },
    { type: 'sbyte', dims: [4], data: Int8Array.from([-128, -1, 0, 127]) },
    { type: 'int16', dims: [2, 2], data: Int16Array.from([-32768, -2, 258, 32767]) },
    { type: 'int32', dims: [3], data: Int32Array.from([-2147483648, 16909060, 2147483647]) },
    { type: 'float32', dims: [1, 2, 2], data: Float32Array.from([0.5, -1.25, 3.4e38, -0]) },
    { type: 'float64', dims: [3], data: Float64Array.from([Math.PI, -1e-300, Number.MAX_VALUE]) },
  ];

  test.each(samples.map((s) => [s.type, s] as const))('%s through writeIdx and readIdxFile', async (_name, sample) => {
    const file = path.join(dir, `roundtrip-${sample.type}.idx`);
    await writeIdx(file, sample);
    const read = await readIdxFile(file);
    expect(read.type).toBe(sample.type);
    expect(read.dims).toEqual(sample.dims);
    expect(read.data.constructor).toBe(sample.data.constructor);
    expect(Array.from(read.data)).toEqual(Array.from(sample.data));
    expect(Object.is(read.data[read.data.length - 1], sample.data[sample.data.length - 1])).toBe(true);
  });

  test.each(samples.map((s) => [s.type, s] as const))('%s through encodeIdx and parseIdx', (_name, sample) => {
    const parsed = parseIdx(encodeIdx(sample), 'in-memory');
    expect(parsed.type).toBe(sample.type);
    expect(parsed.dims).toEqual(sample.dims);
    expect(Array.from(parsed.data)).toEqual(Array.from(sample.data));
  });

  test('the encoding is big-endian with the documented header', () => {
    const bytes = encodeIdx({ type: 'int16', dims: [2], data: Int16Array.from([258, -2]) });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    const floats = encodeIdx({ type: 'float32', dims: [1], data: Float32Array.from([1]) });
    expect(Array.from(floats.subarray(8))).toEqual([0x3f, 0x80, 0, 0]);
  });

  test('parseIdx accepts a Buffer at an odd offset', () => {
    const encoded = encodeIdx({ type: 'int32', dims: [2], data: Int32Array.from([1, -1]) });
    const padded = Buffer.concat([Buffer.from([9]), encoded]).subarray(1);
    expect(Array.from(parseIdx(padded, 'x').data)).toEqual([1, -1]);
  });

  test('writeIdx leaves no temporary file and refuses an inconsistent array', async () => {
    const sub = await fsp.mkdtemp(path.join(dir, 'write-'));
    const file = path.join(sub, 'a.idx');
    await writeIdx(file, { type: 'ubyte', dims: [3], data: Uint8Array.from([1, 2, 3]) });
    await expectFileError(
      writeIdx(path.join(sub, 'b.idx'), { type: 'ubyte', dims: [4], data: Uint8Array.from([1, 2, 3]) }),
      path.join(sub, 'b.idx'),
      /cannot encode IDX: dims 4 hold 4 elements but data has 3/,
    );
    await expectFileError(
      // A mismatched typed array, as plain JavaScript callers could pass.
      writeIdx(path.join(sub, 'c.idx'), { type: 'int16', dims: [1], data: Uint8Array.from([1]) } as unknown as IdxArray),
      path.join(sub, 'c.idx'),
      /must be a Int16Array/,
    );
    expect(await fsp.readdir(sub)).toEqual(['a.idx']);
  });
});

describe('gzip', () => {
  const images: IdxArray = { type: 'ubyte', dims: [5, 4, 3], data: ramp(5, 4, 3) };

  test('reads a gzip-compressed file', async () => {
    const file = path.join(dir, 'images.idx.gz');
    await writeIdx(file, images, { gzip: true });
    const bytes = await fsp.readFile(file);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const read = await readIdxImages(file);
    expect(read).toEqual({ count: 5, rows: 4, cols: 3, pixels: images.data });
  });

  test('detects gzip by content, not by the file name', async () => {
    const gzNamedPlain = await put('plain-content.gz', encodeIdx(images));
    const plainNamedGz = await put('gzip-content.idx', gzipSync(encodeIdx(images)));
    expect(Array.from((await readIdxFile(gzNamedPlain)).data)).toEqual(Array.from(images.data));
    expect(Array.from((await readIdxFile(plainNamedGz)).data)).toEqual(Array.from(images.data));
  });

  test('a truncated gzip file is reported with what its header declares', async () => {
    // Big enough that the header itself still inflates from the first half.
    const big = encodeIdx({ type: 'ubyte', dims: [50, 28, 28], data: ramp(50, 28, 28).map((v, i) => (v * i) % 251) });
    const gz = gzipSync(big);
    const file = await put('cut.idx.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    await expectFileError(
      readIdxFile(file),
      file,
      /^truncated: header declares 50 items of 28x28 ubyte \(39216 bytes\) but the gzip data ends after \d+ decompressed bytes$/,
    );
  });

  test('a gzip file cut inside its header is reported as corrupt', async () => {
    const gz = gzipSync(encodeIdx(images));
    const file = await put('cut-early.idx.gz', gz.subarray(0, 20));
    await expectFileError(readIdxFile(file), file, /gzip corrupt/);
  });

  test('a damaged gzip body is reported as corrupt', async () => {
    const gz = Buffer.from(gzipSync(encodeIdx(images)));
    gz[gz.length - 9] ^= 0xff; // last byte of the deflate data; trailer (and ISIZE) intact
    const file = await put('damaged.idx.gz', gz);
    await expectFileError(readIdxFile(file), file, /gzip corrupt/);
  });

  test('a gzip file whose content is shorter than its IDX header declares', async () => {
    const short = rawIdx(0x08, [10], [1, 2, 3]);
    const file = await put('short-content.idx.gz', gzipSync(short));
    await expectFileError(
      readIdxLabels(file),
      file,
      /^truncated: header declares 10 items ubyte \(18 bytes\) but the decompressed data holds 11 bytes$/,
    );
  });
});

describe('multi-member gzip', () => {
  const images: IdxArray = { type: 'ubyte', dims: [6, 5, 4], data: ramp(6, 5, 4) };
  const encoded = encodeIdx(images);
  /** gzip members of `bytes` cut at `cuts`, one after another, as `cat a.gz b.gz` makes. */
  const members = (bytes: Uint8Array, cuts: number[]) =>
    Buffer.concat([0, ...cuts].map((from, i) => gzipSync(bytes.subarray(from, [...cuts, bytes.length][i]))));

  test('a file of several members (valid by gzip -t) is read whole', async () => {
    // Cuts inside the header and inside the payload: the last member holds
    // 20 bytes, which is all its trailer's length field records.
    const file = await put('members.idx.gz', members(encoded, [2, 9, 100, encoded.length - 20]));
    execFileSync('gzip', ['-t', file]); // throws if gzip itself finds it invalid
    expect(await readIdxImages(file)).toEqual({ count: 6, rows: 5, cols: 4, pixels: images.data });
    expect(await contentSha256(file)).toBe(sha256Hex(encoded));
    expect((await readIdxFile(file, { sha256: sha256Hex(encoded) })).dims).toEqual([6, 5, 4]);
  });

  test('members that together hold less than the header declares are reported as truncated', async () => {
    const file = await put('members-short.idx.gz', members(encoded.subarray(0, encoded.length - 7), [50]));
    await expectFileError(
      readIdxImages(file),
      file,
      /^truncated: header declares 6 items of 5x4 ubyte \(136 bytes\) but the decompressed data holds 129 bytes$/,
    );
  });

  test('data beyond the declared length stops the inflation with a length mismatch', async () => {
    const longer = Buffer.concat([encoded, Buffer.alloc(100_000, 3)]);
    const file = await put('members-long.idx.gz', members(longer, [60]));
    await expectFileError(
      readIdxImages(file),
      file,
      /^length mismatch: header declares 6 items of 5x4 ubyte \(136 bytes\) but the decompressed data is longer$/,
    );
  });
});

describe('checksums of the content read', () => {
  const labels: IdxArray = { type: 'ubyte', dims: [4], data: Uint8Array.from([3, 1, 4, 1]) };
  const encoded = encodeIdx(labels);
  const digest = sha256Hex(encoded);

  test('the digest is of the decompressed content, the same for a file and its gzip', async () => {
    const plain = await put('sum-labels.idx', encoded);
    const gz = await put('sum-labels.idx.gz', gzipSync(encoded));
    expect(Array.from((await readIdxLabels(plain, { sha256: digest })).labels)).toEqual([3, 1, 4, 1]);
    expect(Array.from((await readIdxLabels(gz, { sha256: digest.toUpperCase() })).labels)).toEqual([3, 1, 4, 1]);
  });

  test('a changed byte is a checksum mismatch naming the file and both digests', async () => {
    const changed = Buffer.from(encoded);
    changed[9] = 2; // still a valid labels file
    for (const [name, bytes] of [['sum-bad.idx', changed], ['sum-bad.idx.gz', gzipSync(changed)]] as const) {
      const file = await put(name, bytes);
      await expectFileError(
        readIdxLabels(file, { sha256: digest }),
        file,
        new RegExp(`^checksum mismatch: expected SHA-256 ${digest}, the content has ${sha256Hex(changed)}$`),
      );
    }
  });

  test('a malformed expected digest is refused before reading', async () => {
    const file = await put('sum-any.idx', encoded);
    await expect(readIdxFile(file, { sha256: 'abc' })).rejects.toThrow(RangeError);
    await expect(readIdxFile(file, { sha256: 'abc' })).rejects.toThrow(/64 hex digits, got "abc"/);
  });
});

describe('no examples', () => {
  test('an images or labels file of 0 items is refused from its header', async () => {
    const images = await put('empty-images.idx', rawIdx(0x08, [0, 28, 28]));
    const labels = await put('empty-labels.idx', rawIdx(0x08, [0]));
    await expectFileError(readIdxImages(images), images, /^no images: the header declares 0 images$/);
    await expectFileError(readIdxLabels(labels), labels, /^no labels: the header declares 0 labels$/);
    const someLabels = await put('some-labels.idx', rawIdx(0x08, [2], [1, 2]));
    await expectFileError(readIdxPair(images, someLabels), images, /^no images/);
    const flat = await put('flat-images.idx', rawIdx(0x08, [3, 0, 28]));
    await expectFileError(readIdxImages(flat), flat, /^empty images: the header says 0x28 pixels$/);
  });

  test('a general array with a 0 dimension stays a valid IDX file', async () => {
    const file = path.join(dir, 'empty-array.idx');
    await writeIdx(file, { type: 'float32', dims: [0, 3], data: new Float32Array(0) });
    const read = await readIdxFile(file);
    expect(read.dims).toEqual([0, 3]);
    expect(read.data.length).toBe(0);
  });
});

describe('not regular files', () => {
  test('a named pipe is refused by name without being opened (no hang)', async () => {
    const fifo = path.join(dir, 'pipe.idx');
    execFileSync('mkfifo', [fifo]);
    await expectFileError(readIdxFile(fifo), fifo, /^is a named pipe \(FIFO\), not a regular file$/);
    await expectFileError(readIdxImages(fifo), fifo, /named pipe/);
    await expectFileError(sha256File(fifo), fifo, /named pipe/);
    await expectFileError(contentSha256(fifo), fifo, /named pipe/);
  });

  test('a device that never ends (/dev/zero) is refused by name', async () => {
    await expectFileError(readIdxFile('/dev/zero'), '/dev/zero', /^is a character device, not a regular file$/);
    await expectFileError(contentSha256('/dev/zero'), '/dev/zero', /character device/);
  });
});

describe('corrupt or unsuitable files', () => {
  test('bad magic', async () => {
    const file = await put('bad-magic.idx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    await expectFileError(readIdxFile(file), file, /bad magic: .*found 50 4b 03 04/);
  });

  test('unknown element type code', async () => {
    const file = await put('bad-type.idx', rawIdx(0x0a, [2], [1, 2]));
    await expectFileError(readIdxFile(file), file, /unknown element type code 0x0A/);
  });

  test('images file with another element type', async () => {
    const file = await put('int32-images.idx', encodeIdx({ type: 'int32', dims: [1, 1, 2], data: Int32Array.from([1, 2]) }));
    await expectFileError(
      readIdxImages(file),
      file,
      /wrong element type for images: expected ubyte \(0x08\), the header says int32 \(0x0C\)/,
    );
  });

  test('labels file with a signed element type', async () => {
    const file = await put('sbyte-labels.idx', encodeIdx({ type: 'sbyte', dims: [2], data: Int8Array.from([1, 2]) }));
    await expectFileError(readIdxLabels(file), file, /wrong element type for labels: .*sbyte \(0x09\)/);
  });

  test('a labels file read as images, and an images file read as labels', async () => {
    const labels = await put('as-images.idx', rawIdx(0x08, [3], [1, 2, 3]));
    await expectFileError(
      readIdxImages(labels),
      labels,
      /wrong number of dimensions for images: expected 3 \(count, rows, cols\), the header has 1/,
    );
    const images = await put('as-labels.idx', encodeIdx({ type: 'ubyte', dims: [2, 2, 2], data: ramp(2, 2, 2) }));
    await expectFileError(readIdxLabels(images), images, /wrong number of dimensions for labels: expected 1 .*has 3/);
  });

  test('zero dimensions', async () => {
    const file = await put('zero-dims.idx', Uint8Array.from([0, 0, 0x08, 0, 7]));
    await expectFileError(readIdxFile(file), file, /0 dimensions/);
  });

  test('a file shorter than its header', async () => {
    const tiny = await put('tiny.idx', Uint8Array.from([0, 0]));
    await expectFileError(readIdxFile(tiny), tiny, /too short for an IDX header: the file holds 2 bytes/);
    const cut = await put('cut-header.idx', rawIdx(0x08, [3, 28, 28]).subarray(0, 10));
    await expectFileError(readIdxFile(cut), cut, /the file holds 10 bytes but a header with 3 dimensions needs 16/);
  });

  test('a truncated images file', async () => {
    const full = encodeIdx({ type: 'ubyte', dims: [3, 4, 5], data: ramp(3, 4, 5) });
    const file = await put('truncated.idx', full.subarray(0, full.length - 6));
    await expectFileError(
      readIdxImages(file),
      file,
      /^truncated: header declares 3 items of 4x5 ubyte \(76 bytes\) but the file holds 70 bytes$/,
    );
  });

  test('a header that claims more items than the file holds', async () => {
    const file = await put('claims-more.idx', rawIdx(0x08, [10], [1, 2, 3, 4, 5]));
    await expectFileError(
      readIdxLabels(file),
      file,
      /^truncated: header declares 10 items ubyte \(18 bytes\) but the file holds 13 bytes$/,
    );
  });

  test('a header that claims fewer items than the file holds', async () => {
    const file = await put('claims-fewer.idx', rawIdx(0x08, [3], [1, 2, 3, 4, 5]));
    await expectFileError(
      readIdxLabels(file),
      file,
      /^length mismatch: header declares 3 items ubyte \(11 bytes\) but the file holds 13 bytes \(2 bytes too many\)$/,
    );
  });

  test('wider elements: the byte count follows the element size', async () => {
    const file = await put('int32-short.idx', rawIdx(0x0c, [2], [0, 0, 0, 1, 0, 0]));
    await expectFileError(readIdxFile(file), file, /header declares 2 items int32 \(16 bytes\) but the file holds 14 bytes/);
  });

  test('an absurd header is refused before anything is allocated', async () => {
    const file = await put('absurd.idx', rawIdx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3]));
    await expectFileError(readIdxFile(file), file, /more than the 2147483648 bytes this reader accepts/);
  });

  test('parseIdx reports problems under the given name', () => {
    let caught: unknown;
    try {
      parseIdx(rawIdx(0x08, [4], [1]), 'memory.idx');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataFileError);
    expect((caught as DataFileError).file).toBe('memory.idx');
    expect((caught as DataFileError).problem).toMatch(/^truncated: header declares 4 items/);
  });

  test('images of another size than required', async () => {
    const file = await put('small-images.idx', encodeIdx({ type: 'ubyte', dims: [1, 2, 3], data: ramp(1, 2, 3) }));
    await expectFileError(readIdxImages(file, { rows: 28, cols: 28 }), file, /wrong image size: expected 28x28, the header says 2x3/);
    expect((await readIdxImages(file, { rows: 2, cols: 3 })).count).toBe(1);
  });

  test('a label above 9', async () => {
    const file = await put('bad-label.idx', rawIdx(0x08, [5], [3, 9, 0, 12, 10]));
    await expectFileError(readIdxLabels(file), file, /^label out of range: label 3 is 12, the maximum is 9$/);
    expect(Array.from((await readIdxLabels(file, { maxLabel: 12 })).labels)).toEqual([3, 9, 0, 12, 10]);
  });

  test('images and labels of different lengths', async () => {
    const images = await put('pair-images.idx', encodeIdx({ type: 'ubyte', dims: [3, 2, 2], data: ramp(3, 2, 2) }));
    const labels = await put('pair-labels.idx', rawIdx(0x08, [2], [1, 2]));
    const error = await expectFileError(readIdxPair(images, labels), images, /count mismatch: 3 images here but 2 labels in/);
    expect(error.message).toContain(labels);
  });

  test('a matching pair is read', async () => {
    const images = await put('ok-images.idx', encodeIdx({ type: 'ubyte', dims: [2, 2, 2], data: ramp(2, 2, 2) }));
    const labels = await put('ok-labels.idx', rawIdx(0x08, [2], [7, 1]));
    const pair = await readIdxPair(images, labels, { rows: 2, cols: 2 });
    expect(pair.images.count).toBe(2);
    expect(Array.from(pair.labels.labels)).toEqual([7, 1]);
  });

  test('a missing file', async () => {
    const file = path.join(dir, 'does-not-exist.idx');
    await expectFileError(readIdxFile(file), file, /file not found/);
    await expectFileError(readIdxImages(file), file, /file not found/);
  });

  test('a directory', async () => {
    await expectFileError(readIdxFile(dir), dir, /not a regular file|directory/);
  });
});
