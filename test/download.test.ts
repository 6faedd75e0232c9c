import { spawnSync } from 'node:child_process';
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
import { outcomeOf, spawnTsScript } from './support/ts-child';

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
  if (url === '/trickle.bin') {
    // One byte every 20 ms: never a stall, but 1000 bytes take 20 s.
    res.writeHead(200, { 'content-length': 1000 });
    const timer = setInterval(() => res.write(GOOD.subarray(0, 1)), 20);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (url === '/endless.bin') {
    // No length announced; 20 MB in pieces of 64 KB, as fast as the client takes them.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const more = () => {
      while (sent < 20 * 1024 * 1024) {
        sent += GOOD.length;
        if (!res.write(GOOD)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
    return;
  }
  if (url === '/huge-announced.bin') {
    res.writeHead(200, { 'content-length': 10_000_000_000 });
    res.write(GOOD);
    return;
  }
  if (url === '/redirect-with-password.bin') {
    res.writeHead(302, { location: 'ftp://bob:hunter2@example.com/x' });
    res.end();
    return;
  }
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

/** The id of a process that has just exited, so no process has it now. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('bounds of a download', () => {
  test('a server trickling data past the overall deadline is cut off (the stall timeout never fires)', async () => {
    const dir = await freshDir();
    const url = `${base}/trickle.bin`;
    const dest = path.join(dir, 'trickle.bin');
    await expectFileError(
      downloadFile({ url, dest, sha256: GOOD_SHA, timeoutMs: 5000, deadlineMs: 300 }),
      url,
      /^not finished within the deadline of 300 ms \(after \d+ of 1000 bytes\)$/,
    );
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('a body with no announced length is cut off as soon as it passes maxBytes, and nothing beyond is written', async () => {
    const dir = await freshDir();
    const url = `${base}/endless.bin`;
    let most = 0;
    await expectFileError(
      downloadFile({ url, dest: path.join(dir, 'endless.bin'), sha256: GOOD_SHA, maxBytes: 200_000, onProgress: (received) => (most = Math.max(most, received)) }),
      url,
      /^too large: more than the 200000 bytes \(195\.3 KB\) of maxBytes: the response went on past them$/,
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(200_000);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('an announced length above maxBytes (default 100 MiB) is refused before the body is read', async () => {
    const dir = await freshDir();
    const url = `${base}/huge-announced.bin`;
    let progressed = false;
    await expectFileError(
      downloadFile({ url, dest: path.join(dir, 'huge.bin'), sha256: GOOD_SHA, onProgress: () => (progressed = true) }),
      url,
      /^too large: more than the 104857600 bytes \(100\.0 MB\) of maxBytes: the server announces 10000000000 bytes$/,
    );
    expect(progressed).toBe(false);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('bad limits are refused', async () => {
    const dest = path.join(await freshDir(), 'x.bin');
    await expect(downloadFile({ url: `${base}/good.bin`, dest, sha256: GOOD_SHA, deadlineMs: 0 })).rejects.toThrow(/deadlineMs must be a positive number/);
    await expect(downloadFile({ url: `${base}/good.bin`, dest, sha256: GOOD_SHA, maxBytes: -1 })).rejects.toThrow(/maxBytes must be a positive number/);
  });
});

describe('credentials in URLs', () => {
  const withPassword = (route: string) => base.replace('http://', 'http://alice:s3cret@') + route;
  const shown = (route: string) => base.replace('http://', 'http://***@') + route;

  test.each([
    ['an HTTP error', '/error.bin', /^HTTP 500 Internal Server Error$/],
    ['a checksum mismatch', '/other.bin', /^checksum mismatch/],
    ['a redirect to a URL with a password of its own', '/redirect-with-password.bin', /^redirect to an unsupported URL: ftp:\/\/\*\*\*@example\.com\/x$/],
  ])('%s names the URL with its user name and password hidden', async (_name, route, problem) => {
    const dest = path.join(await freshDir(), 'x.bin');
    const error = await expectFileError(downloadFile({ url: withPassword(route), dest, sha256: GOOD_SHA }), shown(route), problem);
    expect(error.message).not.toMatch(/alice|s3cret|bob|hunter2/);
  });

  test('an unsupported URL is named without its credentials too', async () => {
    const dest = path.join(await freshDir(), 'x.bin');
    await expectFileError(downloadFile({ url: 'ftp://alice:s3cret@example.com/x', dest, sha256: GOOD_SHA }), 'ftp://***@example.com/x', /not a valid http or https URL/);
  });
});

describe('interrupted downloads', () => {
  /** Downloads argv[1] to argv[2] in a child process; prints "receiving" once the body starts arriving. */
  const DOWNLOAD = `
const { downloadFile } = require('./lib/data/download');
let told = false;
downloadFile({
  url: process.argv[1], dest: process.argv[2], sha256: '${'0'.repeat(64)}', timeoutMs: 60000,
  onProgress: () => { if (!told) { told = true; console.log('receiving'); } },
}).then(() => console.log('finished'), (error) => console.log('failed: ' + error.message));
`;

  /** Starts a child downloading a body that stalls after 1000 bytes; resolves once it is receiving, with the temporary file it writes. */
  async function downloadingChild(dir: string): Promise<{ child: ReturnType<typeof spawnTsScript>; ended: ReturnType<typeof outcomeOf>; temporary: string }> {
    const child = spawnTsScript(DOWNLOAD, [`${base}/stall-body.bin`, path.join(dir, 'target.bin')]);
    const ended = outcomeOf(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('receiving') && resolve());
      child.on('close', () => reject(new Error('the child ended before receiving')));
    });
    const names = await fsp.readdir(dir);
    expect(names).toEqual([expect.stringMatching(new RegExp(`^\\.target\\.bin\\.${child.pid}-[0-9a-f]{12}\\.download$`))]);
    return { child, ended, temporary: path.join(dir, names[0]) };
  }

  test.each(['SIGINT', 'SIGTERM'] as const)('%s removes the temporary file and the process still ends by that signal', async (signal) => {
    const dir = await freshDir();
    const { child, ended } = await downloadingChild(dir);
    child.kill(signal);
    const outcome = await ended;
    expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: null, signal });
    expect(outcome.stdout).not.toMatch(/finished|failed/);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('what a SIGKILL leaves is removed by the next download to the same place; files of live processes stay', async () => {
    const dir = await freshDir();
    const { child, ended, temporary } = await downloadingChild(dir);
    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');
    expect((await fsp.stat(temporary)).isFile()).toBe(true);
    const older = path.join(dir, `.target.bin.${deadPid()}-0123456789ab.download`);
    const live = path.join(dir, `.target.bin.${process.pid}-0123456789ab.download`);
    const otherFile = path.join(dir, `.other.bin.${deadPid()}-0123456789ab.download`);
    for (const file of [older, live, otherFile]) await fsp.writeFile(file, 'x');
    await downloadFile({ url: `${base}/good.bin`, dest: path.join(dir, 'target.bin'), sha256: GOOD_SHA });
    expect((await fsp.readdir(dir)).sort()).toEqual([path.basename(otherFile), path.basename(live), 'target.bin'].sort());
  });
});
