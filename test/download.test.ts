import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '../lib/data/checksum';
import { downloadFile } from '../lib/data/download';
import { DatasetSpec, fetchDataset, loadDataset } from '../lib/data/datasets';
import { encodeIdx } from '../lib/data/idx';
import { expectFileError } from './support/file-error';

const GOOD = randomBytes(64 * 1024);
const GOOD_SHA = sha256Hex(GOOD);
const OTHER = randomBytes(1000);
const OTHER_SHA = sha256Hex(OTHER);

// A tiny dataset in the MNIST layout: 3 images of 2x2, gzip-compressed.
const DATASET_FILES: Record<string, Uint8Array> = {
  'train-images.gz': gzipSync(encodeIdx({ type: 'ubyte', dims: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) })),
  'train-labels.gz': gzipSync(encodeIdx({ type: 'ubyte', dims: [3], data: Uint8Array.from([0, 1, 2]) })),
  'test-images.gz': gzipSync(encodeIdx({ type: 'ubyte', dims: [2, 2, 2], data: Uint8Array.from({ length: 8 }, (_, i) => 255 - i) })),
  'test-labels.gz': gzipSync(encodeIdx({ type: 'ubyte', dims: [2], data: Uint8Array.from([2, 0]) })),
};

function fakeSpec(overrides: Partial<Record<string, string>> = {}): DatasetSpec {
  const file = (fileName: string) => ({ fileName, sha256: overrides[fileName] ?? sha256Hex(DATASET_FILES[fileName]) });
  return {
    name: 'tiny',
    baseUrl: 'http://example.invalid/not-used/',
    files: {
      trainImages: file('train-images.gz'),
      trainLabels: file('train-labels.gz'),
      testImages: file('test-images.gz'),
      testLabels: file('test-labels.gz'),
    },
    rows: 2,
    cols: 2,
    classNames: ['a', 'b', 'c'],
  };
}

let server: http.Server;
let base: string;
let root: string;
const hits = new Map<string, number>();
const sockets = new Set<Socket>();

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  const send = (body: Uint8Array) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };
  if (url === '/good.bin') return send(GOOD);
  if (url === '/other.bin') return send(OTHER);
  if (url === '/truncated.bin') {
    res.writeHead(200, { 'content-length': GOOD.length });
    res.write(GOOD.subarray(0, GOOD.length / 2), () => res.socket?.destroy());
    return;
  }
  if (url === '/error.bin') {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('server broke');
    return;
  }
  if (url === '/stall-body.bin') {
    // Headers and a first piece, then nothing: the client's timeout must fire.
    res.writeHead(200, { 'content-length': GOOD.length });
    res.write(GOOD.subarray(0, 1000));
    return;
  }
  if (url === '/stall-headers.bin') return; // never answers
  if (url === '/redirect.bin') {
    res.writeHead(302, { location: '/hop.bin' });
    res.end();
    return;
  }
  if (url === '/hop.bin') {
    res.writeHead(301, { location: `${base}/good.bin` });
    res.end();
    return;
  }
  if (url === '/loop.bin') {
    res.writeHead(307, { location: '/loop.bin' });
    res.end();
    return;
  }
  const match = /^\/ds\/(.+)$/.exec(url);
  if (match && DATASET_FILES[match[1]]) return send(DATASET_FILES[match[1]]);
  res.writeHead(404);
  res.end('not found');
}

beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-download-'));
  server = http.createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fsp.rm(root, { recursive: true, force: true });
});

let caseNumber = 0;
/** A fresh, empty directory for one test. */
async function freshDir(): Promise<string> {
  const dir = path.join(root, `case-${++caseNumber}`);
  await fsp.mkdir(dir);
  return dir;
}


describe('downloadFile', () => {
  test('downloads, verifies and writes the exact bytes', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'good.bin');
    const progress: Array<[number, number | undefined]> = [];
    const result = await downloadFile({
      url: `${base}/good.bin`,
      dest,
      sha256: GOOD_SHA.toUpperCase(),
      timeoutMs: 5000,
      onProgress: (received, total) => progress.push([received, total]),
    });
    expect(result).toEqual({ path: dest, downloaded: true, bytes: GOOD.length });
    expect(Buffer.compare(await fsp.readFile(dest), GOOD)).toBe(0);
    expect(await fsp.readdir(dir)).toEqual(['good.bin']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toEqual([GOOD.length, GOOD.length]);
  });

  test('creates the destination directory', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'nested', 'deeper', 'good.bin');
    await downloadFile({ url: `${base}/good.bin`, dest, sha256: GOOD_SHA });
    expect(Buffer.compare(await fsp.readFile(dest), GOOD)).toBe(0);
  });

  test('an existing verified file is not downloaded again', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'other.bin');
    const before = hits.get('/other.bin') ?? 0;
    expect((await downloadFile({ url: `${base}/other.bin`, dest, sha256: OTHER_SHA })).downloaded).toBe(true);
    expect(hits.get('/other.bin')).toBe(before + 1);
    const again = await downloadFile({ url: `${base}/other.bin`, dest, sha256: OTHER_SHA });
    expect(again).toEqual({ path: dest, downloaded: false, bytes: OTHER.length });
    expect(hits.get('/other.bin')).toBe(before + 1);
  });

  test('an existing file with the wrong content is replaced by a verified download', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'good.bin');
    await fsp.writeFile(dest, 'stale');
    expect((await downloadFile({ url: `${base}/good.bin`, dest, sha256: GOOD_SHA })).downloaded).toBe(true);
    expect(Buffer.compare(await fsp.readFile(dest), GOOD)).toBe(0);
    expect(await fsp.readdir(dir)).toEqual(['good.bin']);
  });

  test('follows redirects (relative and absolute)', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'redirected.bin');
    const result = await downloadFile({ url: `${base}/redirect.bin`, dest, sha256: GOOD_SHA });
    expect(result.downloaded).toBe(true);
    expect(Buffer.compare(await fsp.readFile(dest), GOOD)).toBe(0);
  });

  // Every row has all four fields: jest passes a `done` callback to a test
  // function that declares more parameters than the row provides.
  const failures: Array<[string, string, RegExp, number]> = [
    ['a truncated response', '/truncated.bin', new RegExp(`^connection closed after ${GOOD.length / 2} of ${GOOD.length} bytes`), 5000],
    ['an HTTP 500', '/error.bin', /^HTTP 500 Internal Server Error$/, 5000],
    ['a checksum mismatch', '/other.bin', new RegExp(`^checksum mismatch: expected SHA-256 ${GOOD_SHA}, got ${OTHER_SHA}$`), 5000],
    ['a stall in the body', '/stall-body.bin', /^timed out after 300 ms with no data \(after \d+ of 65536 bytes\)$/, 300],
    ['a server that never answers', '/stall-headers.bin', /^timed out after 300 ms waiting for a response$/, 300],
    ['a redirect loop', '/loop.bin', /^too many redirects \(more than 5\)$/, 5000],
    ['a missing file (404)', '/missing.bin', /^HTTP 404 Not Found$/, 5000],
  ];

  test.each(failures)('%s fails cleanly and leaves no file', async (_name, route, problem, timeoutMs) => {
    const dir = await freshDir();
    const dest = path.join(dir, 'target.bin');
    const url = `${base}${route}`;
    await expectFileError(downloadFile({ url, dest, sha256: GOOD_SHA, timeoutMs }), url, problem);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test.each(failures)('%s leaves an existing good file untouched', async (_name, route, problem, timeoutMs) => {
    const dir = await freshDir();
    const dest = path.join(dir, 'keep.bin');
    await downloadFile({ url: `${base}/good.bin`, dest, sha256: GOOD_SHA });
    const statBefore = await fsp.stat(dest);
    // Ask for a different file at the same place: the existing one does not
    // match, so a download is attempted, and it fails.
    const url = `${base}${route}`;
    const wanted = route === '/other.bin' ? sha256Hex(Buffer.from('version 2')) : OTHER_SHA;
    const expectedProblem =
      route === '/other.bin' ? new RegExp(`^checksum mismatch: expected SHA-256 ${wanted}, got ${OTHER_SHA}$`) : problem;
    await expectFileError(downloadFile({ url, dest, sha256: wanted, timeoutMs }), url, expectedProblem);
    expect(Buffer.compare(await fsp.readFile(dest), GOOD)).toBe(0);
    expect((await fsp.stat(dest)).ino).toBe(statBefore.ino);
    expect(await fsp.readdir(dir)).toEqual(['keep.bin']);
  });

  test('a declared size that the server contradicts is refused', async () => {
    const dir = await freshDir();
    const url = `${base}/good.bin`;
    await expectFileError(
      downloadFile({ url, dest: path.join(dir, 'x.bin'), sha256: GOOD_SHA, size: 10 }),
      url,
      new RegExp(`^size mismatch: the server announces ${GOOD.length} bytes, expected 10$`),
    );
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('bad arguments and unreachable servers', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'x.bin');
    await expectFileError(downloadFile({ url: `${base}/good.bin`, dest, sha256: 'abc' }), `${base}/good.bin`, /64 hex digits/);
    await expectFileError(downloadFile({ url: 'ftp://example.com/x', dest, sha256: GOOD_SHA }), 'ftp://example.com/x', /not a valid http or https URL/);
    // A port nobody listens on: take one from a server and close it again.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${closedPort}/x`;
    await expectFileError(downloadFile({ url, dest, sha256: GOOD_SHA }), url, /^request failed: .*ECONNREFUSED/);
    expect(await fsp.readdir(dir)).toEqual([]);
  });
});

describe('fetchDataset', () => {
  test('downloads the four files of a spec and verifies them', async () => {
    const dir = await freshDir();
    const spec = fakeSpec();
    const fetched = await fetchDataset(spec, { dir, baseUrl: `${base}/ds/`, timeoutMs: 5000 });
    expect(fetched.downloaded.sort()).toEqual(Object.keys(DATASET_FILES).sort());
    expect((await fsp.readdir(dir)).sort()).toEqual(Object.keys(DATASET_FILES).sort());
    for (const [role, file] of Object.entries(spec.files)) {
      const local = fetched.paths[role as keyof typeof spec.files];
      expect(local).toBe(path.join(dir, file.fileName));
      expect(sha256Hex(await fsp.readFile(local))).toBe(file.sha256);
    }
    // Second time: everything is already there and verified.
    const again = await fetchDataset(spec, { dir, baseUrl: `${base}/ds` });
    expect(again.downloaded).toEqual([]);

    const loaded = await loadDataset(spec, { dir, baseUrl: `${base}/ds/` });
    expect(loaded.train.images).toMatchObject({ count: 3, rows: 2, cols: 2 });
    expect(Array.from(loaded.train.labels.labels)).toEqual([0, 1, 2]);
    expect(Array.from(loaded.test.images.pixels)).toEqual([255, 254, 253, 252, 251, 250, 249, 248]);
  });

  test('a file with the wrong digest stops the fetch and is not kept', async () => {
    const dir = await freshDir();
    const spec = fakeSpec({ 'train-labels.gz': OTHER_SHA });
    const url = `${base}/ds/train-labels.gz`;
    await expectFileError(fetchDataset(spec, { dir, baseUrl: `${base}/ds/` }), url, /^checksum mismatch/);
    expect(await fsp.readdir(dir)).toEqual(['train-images.gz']);
  });

  test('unknown dataset names are refused', async () => {
    await expect(fetchDataset('no-such-set', { dir: root })).rejects.toThrow(/unknown dataset "no-such-set"; known: fashion-mnist, kmnist/);
  });
});
