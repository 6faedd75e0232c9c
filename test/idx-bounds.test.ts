/**
 * What reading an IDX file costs, measured in a child process of its own:
 * the memory a gzip-compressed file takes at its peak, and how much of a file
 * is read before a bad header is refused.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../lib/data/idx';
import { runTsScript } from './support/ts-child';

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'idx-bounds-'));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Reads the IDX file argv[1] in a fresh process; prints the payload size and the peak growth of its resident memory. */
const MEASURE_MEMORY = `
const { readIdxFile } = require('./lib/data/idx');
global.gc();
const base = process.memoryUsage().rss;
let peak = base;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
const timer = setInterval(sample, 1);
readIdxFile(process.argv[1]).then((array) => {
  sample();
  clearInterval(timer);
  console.log(JSON.stringify({ bytes: array.data.byteLength, growth: peak - base }));
});
`;

/** Reads the IDX file argv[1] in a fresh process; prints the problem found and the bytes the process read meanwhile (rchar of /proc/self/io). */
const MEASURE_READ = `
const fs = require('node:fs');
const rchar = () => Number(/rchar: (\\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))[1]);
const { readIdxFile } = require('./lib/data/idx');
const before = rchar();
readIdxFile(process.argv[1]).then(() => 'accepted', (error) => error.problem).then((problem) => {
  console.log(JSON.stringify({ problem, read: rchar() - before }));
});
`;

test('a gzip-compressed IDX file of 47 MB peaks at about its decompressed size, as the uncompressed file does', async () => {
  // Data like MNIST's training images: 60,000 images of 28x28, compressible.
  const pixels = Uint8Array.from({ length: 60000 * 28 * 28 }, (_, i) => ((i % 28) * (i % 784 > 400 ? 9 : 0)) & 0xff);
  const encoded = encodeIdx({ type: 'ubyte', dims: [60000, 28, 28], data: pixels });
  const plain = path.join(dir, 'images.idx');
  const gz = path.join(dir, 'images.idx.gz');
  await fsp.writeFile(plain, encoded);
  await fsp.writeFile(gz, gzipSync(encoded, { level: 1 }));

  type Peak = { bytes: number; growth: number };
  const fromPlain = await runTsScript<Peak>(MEASURE_MEMORY, [plain], ['--expose-gc']);
  const fromGzip = await runTsScript<Peak>(MEASURE_MEMORY, [gz], ['--expose-gc']);
  expect(fromGzip.bytes).toBe(encoded.length - 16);
  // Before streaming, the compressed file, the whole inflated file and the
  // payload were held at once: 3.4 times the data.
  expect(fromGzip.growth / fromGzip.bytes).toBeLessThan(1.6);
  expect(fromGzip.growth / Math.max(fromPlain.growth, fromPlain.bytes)).toBeLessThan(1.5);
});

describe('a large file starting with the gzip magic is refused after reading only a little of it', () => {
  /** A gzip member of `content`, then a hole up to 600 MB (a sparse file: no disk used). */
  async function hugeGzip(name: string, content: Uint8Array): Promise<string> {
    const file = path.join(dir, name);
    await fsp.writeFile(file, gzipSync(content));
    await fsp.truncate(file, 600 * 1024 * 1024);
    return file;
  }
  type Read = { problem: string; read: number };

  test('not an IDX file inside', async () => {
    const file = await hugeGzip('zip-inside.gz', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200_000, 7)]));
    const { problem, read } = await runTsScript<Read>(MEASURE_READ, [file]);
    expect(problem).toMatch(/^bad magic: an IDX file starts with two zero bytes, found 50 4b 03 04/);
    expect(read).toBeLessThan(8 * 1024 * 1024);
  });

  test('a header declaring more than the reader accepts', async () => {
    const header = encodeIdx({ type: 'ubyte', dims: [1, 1, 1], data: Uint8Array.from([0]) });
    new DataView(header.buffer).setUint32(4, 0xffffffff);
    const file = await hugeGzip('absurd-inside.gz', header);
    const { problem, read } = await runTsScript<Read>(MEASURE_READ, [file]);
    expect(problem).toMatch(/more than the 2147483648 bytes this reader accepts/);
    expect(read).toBeLessThan(8 * 1024 * 1024);
  });
});
