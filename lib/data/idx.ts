/**
 * Reader and writer for IDX files, the format MNIST and its look-alikes
 * (Fashion-MNIST, KMNIST) are distributed in.
 *
 * Layout, all numbers big-endian:
 *   bytes 0-1  zero
 *   byte  2    element type code (0x08 ubyte ... 0x0E float64)
 *   byte  3    number of dimensions n
 *   then n uint32 sizes, then the elements in row-major order.
 *
 * Files may be gzip-compressed (one member or several, as `cat a.gz b.gz`
 * makes); the reader recognises gzip by its magic bytes, not by the file name.
 * Only regular files are read: a named pipe, a device or a folder is refused by
 * name before it is opened. Every problem with a file is reported as a
 * DataFileError naming the file and what is wrong with it. The header is
 * checked before any payload is read: an uncompressed file's length is
 * compared with it, and a compressed file is inflated piece by piece straight
 * into one buffer of the declared size, stopping as soon as the data is longer.
 * Memory is that buffer, a few pieces in flight and inflated pieces not yet
 * collected: 1.3 times the data for MNIST's 47 MB training images, 1.08 times
 * for 196 MB (3.4 times when the whole file was inflated at once).
 */
import type { promises as fsp } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { writeFileAtomic } from '../base/atomic-write';
import { DataFileError, describeFsError } from '../base/errors';
import { readChunks } from '../base/read-chunks';
import { openRegularFile, readFully } from '../base/read-file';
import { isGzip, normaliseSha256, requireSha256, sha256Hex } from './checksum';

const gzipAsync = promisify(zlib.gzip);

/** Names of the IDX element types. */
export type IdxType = 'ubyte' | 'sbyte' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array each IDX element type decodes into. */
export interface IdxDataByType {
  ubyte: Uint8Array;
  sbyte: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** Any typed array an IDX file can hold. */
export type IdxData = IdxDataByType[IdxType];

/**
 * A decoded IDX file: element type, dimension sizes (outermost first) and the
 * elements in row-major order, in native byte order. Narrow on `type` to get
 * the matching typed array for `data`.
 */
export type IdxArray = {
  [T in IdxType]: { type: T; dims: number[]; data: IdxDataByType[T] };
}[IdxType];

/** What an IDX header says, before any payload is read. */
export interface IdxHeader {
  type: IdxType;
  /** The type byte as found in the file (0x08 ... 0x0E). */
  typeCode: number;
  dims: number[];
  /** Size of the header itself: 4 + 4 * dims.length. */
  headerBytes: number;
  /** Bytes per element. */
  elementBytes: number;
  /** Number of elements (product of dims). */
  elementCount: number;
  /** Size of the data after the header: elementCount * elementBytes. */
  payloadBytes: number;
}

/** Largest payload this reader accepts (2 GiB); larger headers are treated as corrupt. */
const IDX_MAX_PAYLOAD_BYTES = 2 ** 31;

/** Images read from an IDX file: `count` images of `rows` x `cols` bytes each, row-major. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** Labels read from an IDX file, one byte per example. */
export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

/** Options for every IDX reader: the checksum the content must have. */
export interface ReadIdxOptions {
  /**
   * Expected SHA-256 (64 hex digits) of the file's content: of the whole
   * file, or of the decompressed data when it is gzip-compressed. The digest
   * is taken of the very bytes that are then decoded (after they are read,
   * before any byte swapping), so no change to the file between a check and
   * the read can slip through. A mismatch is a DataFileError naming the file
   * and both digests.
   */
  sha256?: string;
}

/** Options for {@link readIdxImages}: require a given image size, and a checksum. */
export interface ReadImagesOptions extends ReadIdxOptions {
  rows?: number;
  cols?: number;
}

/** Options for {@link readIdxLabels}: the largest allowed label (default 9), and a checksum. */
export interface ReadLabelsOptions extends ReadIdxOptions {
  maxLabel?: number;
}

/** Options for {@link readIdxPair}: image size and largest label as above, and each file's checksum. */
export interface ReadPairOptions extends Omit<ReadImagesOptions, 'sha256'>, Omit<ReadLabelsOptions, 'sha256'> {
  /** Expected SHA-256 of each file's (decompressed) content, see {@link ReadIdxOptions.sha256}. */
  sha256?: { images?: string; labels?: string };
}

/** Options for {@link writeIdx}. */
export interface WriteIdxOptions {
  /** Compress the file with gzip (the reader detects this by content). */
  gzip?: boolean;
}

interface TypeInfo {
  name: IdxType;
  code: number;
  bytes: number;
  /** Wraps `length` elements starting at byte 0 of `buffer`. */
  view(buffer: ArrayBuffer, length: number): IdxData;
  /** The constructor `data` must be an instance of. */
  ctor: Function;
}

const TYPES: readonly TypeInfo[] = [
  { name: 'ubyte', code: 0x08, bytes: 1, view: (b, n) => new Uint8Array(b, 0, n), ctor: Uint8Array },
  { name: 'sbyte', code: 0x09, bytes: 1, view: (b, n) => new Int8Array(b, 0, n), ctor: Int8Array },
  { name: 'int16', code: 0x0b, bytes: 2, view: (b, n) => new Int16Array(b, 0, n), ctor: Int16Array },
  { name: 'int32', code: 0x0c, bytes: 4, view: (b, n) => new Int32Array(b, 0, n), ctor: Int32Array },
  { name: 'float32', code: 0x0d, bytes: 4, view: (b, n) => new Float32Array(b, 0, n), ctor: Float32Array },
  { name: 'float64', code: 0x0e, bytes: 8, view: (b, n) => new Float64Array(b, 0, n), ctor: Float64Array },
];

const TYPE_BY_CODE = new Map(TYPES.map((t) => [t.code, t]));
const TYPE_BY_NAME = new Map(TYPES.map((t) => [t.name, t]));

/** The longest possible header: 4 bytes plus 255 dimensions of 4 bytes. */
const MAX_HEADER_BYTES = 4 + 4 * 255;
/** Smallest possible gzip file: 10-byte header, empty deflate block, 8-byte trailer. */
const MIN_GZIP_BYTES = 18;
/** Output piece size of the inflater; the pieces are copied into the payload at once. */
const INFLATE_CHUNK_BYTES = 64 * 1024;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function hex2(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(2, '0');
}

function typeLabel(t: TypeInfo): string {
  return `${t.name} (${hex2(t.code)})`;
}

/** "3 items of 4x5 ubyte (76 bytes)": what a header promises, for error messages. */
function describeDeclared(h: IdxHeader): string {
  const inner = h.dims.length > 1 ? ` of ${h.dims.slice(1).join('x')}` : '';
  const noun = h.dims[0] === 1 ? 'item' : 'items';
  return `${h.dims[0]} ${noun}${inner} ${h.type} (${h.headerBytes + h.payloadBytes} bytes)`;
}


/** Runs `action`, turning any non-DataFileError failure into one about `file`. */
async function about<T>(file: string, doing: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, `${doing}: ${describeFsError(error)}`, { cause: error });
  }
}

/**
 * Parses the header at the start of `head` (which may be just the first bytes
 * of the file). `source` names what `head` came from in error messages, e.g.
 * "the file" or "the decompressed data".
 */
function parseHeader(head: Uint8Array, file: string, source: string): IdxHeader {
  if (head.length < 4) {
    throw new DataFileError(
      file,
      `too short for an IDX header: ${source} holds ${head.length} bytes, at least 4 are needed`,
    );
  }
  if (head[0] !== 0 || head[1] !== 0) {
    const found = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFileError(
      file,
      `bad magic: an IDX file starts with two zero bytes, found ${found} (not an IDX file)`,
    );
  }
  const info = TYPE_BY_CODE.get(head[2]);
  if (!info) {
    const known = TYPES.map((t) => `${hex2(t.code)} ${t.name}`).join(', ');
    throw new DataFileError(file, `unknown element type code ${hex2(head[2])} (known: ${known})`);
  }
  const ndims = head[3];
  if (ndims === 0) {
    throw new DataFileError(file, 'header declares 0 dimensions; an IDX array needs at least 1');
  }
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) {
    throw new DataFileError(
      file,
      `too short for an IDX header: ${source} holds ${head.length} bytes but a header ` +
        `with ${ndims} dimensions needs ${headerBytes}`,
    );
  }
  const view = new DataView(head.buffer, head.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));

  // Multiply step by step so an absurd header cannot overflow: once the byte
  // count passes the limit we stop, and every factor is below 2^32.
  let elementCount = dims.includes(0) ? 0 : 1;
  if (elementCount !== 0) {
    for (const d of dims) {
      elementCount *= d;
      if (elementCount * info.bytes > IDX_MAX_PAYLOAD_BYTES) {
        throw new DataFileError(
          file,
          `header declares dimensions ${dims.join('x')} of ${info.name}, more than the ` +
            `${IDX_MAX_PAYLOAD_BYTES} bytes this reader accepts (corrupt header?)`,
        );
      }
    }
  }
  return {
    type: info.name,
    typeCode: info.code,
    dims,
    headerBytes,
    elementBytes: info.bytes,
    elementCount,
    payloadBytes: elementCount * info.bytes,
  };
}

/** Throws unless `actual` is exactly the length the header declares. */
function checkLength(h: IdxHeader, actual: number, file: string, source: string): void {
  const expected = h.headerBytes + h.payloadBytes;
  if (actual < expected) {
    throw new DataFileError(
      file,
      `truncated: header declares ${describeDeclared(h)} but ${source} holds ${actual} bytes`,
    );
  }
  if (actual > expected) {
    throw new DataFileError(
      file,
      `length mismatch: header declares ${describeDeclared(h)} but ${source} holds ${actual} ` +
        `bytes (${actual - expected} bytes too many)`,
    );
  }
}

/** Swaps the bytes of every `size`-byte element of `bytes` in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Turns a big-endian payload into the typed array. `payload` must own its
 * buffer from byte 0 (it is byte-swapped in place and then wrapped).
 */
function decodePayload(h: IdxHeader, payload: Uint8Array): IdxArray {
  const info = TYPE_BY_NAME.get(h.type)!;
  if (LITTLE_ENDIAN_HOST) swapBytes(payload, info.bytes);
  const data = info.view(payload.buffer as ArrayBuffer, h.elementCount);
  return { type: h.type, dims: h.dims, data } as IdxArray;
}

/**
 * Parses a complete, uncompressed IDX file held in memory. `file` names it in
 * errors. The returned data is a copy, in native byte order.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const header = parseHeader(bytes.subarray(0, MAX_HEADER_BYTES), file, 'the file');
  checkLength(header, bytes.length, file, 'the file');
  const payload = new Uint8Array(header.payloadBytes);
  payload.set(bytes.subarray(header.headerBytes, header.headerBytes + header.payloadBytes));
  return decodePayload(header, payload);
}

type HeaderCheck = (header: IdxHeader) => void;

/** An IDX file's content as read, still big-endian: the header's bytes and the payload. */
interface IdxContent {
  header: IdxHeader;
  headerBytes: Uint8Array;
  payload: Uint8Array;
}

async function readRawIdx(
  fh: fsp.FileHandle,
  head: Uint8Array,
  size: number,
  file: string,
  check?: HeaderCheck,
): Promise<IdxContent> {
  const header = parseHeader(head, file, 'the file');
  check?.(header);
  checkLength(header, size, file, 'the file');
  const payload = new Uint8Array(header.payloadBytes);
  await readFully(fh, payload, header.headerBytes, file);
  return { header, headerBytes: head.subarray(0, header.headerBytes), payload };
}

/**
 * The end of a gzip pipeline: takes the inflated bytes as they come, parses
 * and checks the IDX header from the first of them, then copies the rest
 * straight into one payload buffer of the size the header declares. Data
 * beyond that size stops the pipeline at once.
 */
class IdxInflateSink extends Writable {
  private head = Buffer.alloc(0);
  content: IdxContent | undefined;
  /** Payload bytes received so far. */
  received = 0;

  constructor(private readonly file: string, private readonly check?: HeaderCheck) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.take(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      const content = this.content ?? this.parse(this.head);
      checkLength(content.header, content.header.headerBytes + this.received, this.file, 'the decompressed data');
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private take(chunk: Buffer): void {
    if (!this.content) {
      this.head = Buffer.concat([this.head, chunk]);
      const needed = this.head.length >= 4 ? 4 + 4 * this.head[3] : 4;
      if (this.head.length < needed) return;
      const { header } = this.parse(this.head);
      chunk = this.head.subarray(header.headerBytes);
      this.head = Buffer.alloc(0);
    }
    const { header, payload } = this.content!;
    if (this.received + chunk.length > header.payloadBytes) {
      throw new DataFileError(
        this.file,
        `length mismatch: header declares ${describeDeclared(header)} but the decompressed data is longer`,
      );
    }
    payload.set(chunk, this.received);
    this.received += chunk.length;
  }

  private parse(head: Buffer): IdxContent {
    const header = parseHeader(head, this.file, 'the decompressed data');
    this.check?.(header);
    const headerBytes = Uint8Array.from(head.subarray(0, header.headerBytes)); // a copy: head is dropped
    this.content = { header, headerBytes, payload: new Uint8Array(header.payloadBytes) };
    return this.content;
  }
}

/**
 * Reads a gzip-compressed IDX file in pieces through an inflater: a bad header
 * is refused after the first piece, and memory is the payload plus a few
 * pieces in flight. Every gzip member is inflated; the length the IDX header
 * declares is compared with the data actually inflated (gzip's own length
 * field holds only the last member's length, modulo 4 GiB).
 */
async function readGzipIdx(
  fh: fsp.FileHandle,
  size: number,
  file: string,
  check?: HeaderCheck,
): Promise<IdxContent> {
  if (size < MIN_GZIP_BYTES) {
    throw new DataFileError(
      file,
      `gzip corrupt: the file holds ${size} bytes, less than the ${MIN_GZIP_BYTES} of the smallest gzip file`,
    );
  }
  // Deflate never expands data by more than a small fraction, so a compressed
  // file larger than the limit cannot hold a payload we would accept.
  if (size > IDX_MAX_PAYLOAD_BYTES + MAX_HEADER_BYTES + (1 << 20)) {
    throw new DataFileError(file, `gzip file of ${size} bytes is larger than this reader accepts`);
  }
  const sink = new IdxInflateSink(file, check);
  try {
    await pipeline(readChunks(fh, size, file), zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }), sink);
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const header = sink.content?.header;
    const problem =
      header && (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR'
        ? `truncated: header declares ${describeDeclared(header)} but the gzip data ends after ` +
          `${header.headerBytes + sink.received} decompressed bytes`
        : `gzip corrupt: ${error instanceof Error ? error.message : String(error)}`;
    throw new DataFileError(file, problem, { cause: error });
  }
  return sink.content!;
}

interface LoadOptions extends ReadIdxOptions {
  check?: HeaderCheck;
}

/**
 * Opens `file` (a regular file only), reads its header, lets `check` veto it,
 * then reads the payload, verifies the digest of what was read when one is
 * expected, and decodes it.
 */
async function loadIdx(file: string, options: LoadOptions = {}): Promise<IdxArray> {
  const expected = options.sha256 === undefined ? undefined : normaliseSha256(options.sha256, 'sha256');
  const { handle, size } = await openRegularFile(file);
  try {
    const { header, headerBytes, payload } = await about(file, 'cannot read', async () => {
      const head = new Uint8Array(Math.min(size, MAX_HEADER_BYTES));
      await readFully(handle, head, 0, file);
      return isGzip(head)
        ? readGzipIdx(handle, size, file, options.check)
        : readRawIdx(handle, head, size, file, options.check);
    });
    if (expected !== undefined) requireSha256(file, expected, sha256Hex(headerBytes, payload));
    return decodePayload(header, payload);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads an IDX file, gzip-compressed or not (detected by content). The file's
 * length is checked against its header before the payload is read; with
 * `sha256`, the content read must have that digest. An array with a 0
 * dimension (no elements) is a valid IDX file and is returned as such; the
 * images and labels readers refuse it.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function readIdxFile(path: string, options: ReadIdxOptions = {}): Promise<IdxArray> {
  return loadIdx(path, { sha256: options.sha256 });
}

function requireUbyte(h: IdxHeader, file: string, what: string, ndims: number, shape: string): void {
  if (h.type !== 'ubyte') {
    throw new DataFileError(
      file,
      `wrong element type for ${what}: expected ${typeLabel(TYPE_BY_NAME.get('ubyte')!)}, ` +
        `the header says ${typeLabel(TYPE_BY_NAME.get(h.type)!)}`,
    );
  }
  if (h.dims.length !== ndims) {
    throw new DataFileError(
      file,
      `wrong number of dimensions for ${what}: expected ${ndims} (${shape}), ` +
        `the header has ${h.dims.length} (${h.dims.join('x')})`,
    );
  }
}

/**
 * Reads an IDX images file: unsigned bytes with 3 dimensions (count, rows,
 * cols). When `rows` / `cols` are given, the file must have that image size.
 * A file of 0 images, or of images with 0 rows or columns, is refused (from
 * its header, before the payload is read): a set of no examples cannot be
 * trained or tested on, and would only fail later with a less clear message.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function readIdxImages(path: string, options: ReadImagesOptions = {}): Promise<IdxImages> {
  const check = (h: IdxHeader) => {
    requireUbyte(h, path, 'images', 3, 'count, rows, cols');
    const [count, rows, cols] = h.dims;
    if (
      (options.rows !== undefined && rows !== options.rows) ||
      (options.cols !== undefined && cols !== options.cols)
    ) {
      const want = `${options.rows ?? 'any'}x${options.cols ?? 'any'}`;
      throw new DataFileError(path, `wrong image size: expected ${want}, the header says ${rows}x${cols}`);
    }
    if (rows === 0 || cols === 0) throw new DataFileError(path, `empty images: the header says ${rows}x${cols} pixels`);
    if (count === 0) throw new DataFileError(path, 'no images: the header declares 0 images');
  };
  const array = await loadIdx(path, { check, sha256: options.sha256 });
  const [count, rows, cols] = array.dims;
  return { count, rows, cols, pixels: array.data as Uint8Array };
}

/**
 * Reads an IDX labels file: unsigned bytes with 1 dimension. Every label must
 * be at most `maxLabel` (default 9); the first one that is not is reported
 * with its index and value. A file of 0 labels is refused from its header.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function readIdxLabels(path: string, options: ReadLabelsOptions = {}): Promise<IdxLabels> {
  const maxLabel = options.maxLabel ?? 9;
  if (!Number.isInteger(maxLabel) || maxLabel < 0 || maxLabel > 255) {
    throw new RangeError(`maxLabel must be an integer from 0 to 255, got ${maxLabel}`);
  }
  const check = (h: IdxHeader) => {
    requireUbyte(h, path, 'labels', 1, 'count');
    if (h.dims[0] === 0) throw new DataFileError(path, 'no labels: the header declares 0 labels');
  };
  const array = await loadIdx(path, { check, sha256: options.sha256 });
  const labels = array.data as Uint8Array;
  if (maxLabel < 255) {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] > maxLabel) {
        throw new DataFileError(
          path,
          `label out of range: label ${i} is ${labels[i]}, the maximum is ${maxLabel}`,
        );
      }
    }
  }
  return { count: labels.length, labels };
}

/** Images and the labels that go with them. */
export interface IdxImagesAndLabels {
  images: IdxImages;
  labels: IdxLabels;
}

/**
 * Reads an images file and its labels file and checks that they hold the same
 * number of examples (the error names both files when they do not), and at
 * least one (see readIdxImages). With `sha256`, each file's content must
 * have its digest.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  options: ReadPairOptions = {},
): Promise<IdxImagesAndLabels> {
  const { rows, cols, maxLabel, sha256 } = options;
  const [images, labels] = await Promise.all([
    readIdxImages(imagesPath, { rows, cols, sha256: sha256?.images }),
    readIdxLabels(labelsPath, { maxLabel, sha256: sha256?.labels }),
  ]);
  if (images.count !== labels.count) {
    throw new DataFileError(
      imagesPath,
      `count mismatch: ${images.count} images here but ${labels.count} labels in ${labelsPath}`,
    );
  }
  return { images, labels };
}

/** Why `array` cannot be encoded, or undefined when it can. */
function encodingProblem(array: IdxArray): string | undefined {
  const info = TYPE_BY_NAME.get(array.type);
  if (!info) return `unknown element type ${JSON.stringify(array.type)}`;
  if (!(array.data instanceof (info.ctor as new () => unknown))) {
    return `data for type ${info.name} must be a ${info.ctor.name}, got ${array.data?.constructor?.name}`;
  }
  const { dims } = array;
  if (dims.length < 1 || dims.length > 255) {
    return `an IDX array needs 1 to 255 dimensions, got ${dims.length}`;
  }
  if (!dims.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32)) {
    return `every dimension must be an integer from 0 to 2^32-1, got [${dims.join(', ')}]`;
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    return `dims ${dims.join('x')} hold ${count} elements but data has ${array.data.length}`;
  }
  if (count * info.bytes > IDX_MAX_PAYLOAD_BYTES) {
    return `payload of ${count * info.bytes} bytes is larger than ${IDX_MAX_PAYLOAD_BYTES}`;
  }
  return undefined;
}

/**
 * Encodes an array as an uncompressed IDX file (big-endian). Throws RangeError on an inconsistent array.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const problem = encodingProblem(array);
  if (problem) throw new RangeError(`cannot encode IDX: ${problem}`);
  const info = TYPE_BY_NAME.get(array.type)!;
  const headerBytes = 4 + 4 * array.dims.length;
  const out = new Uint8Array(headerBytes + array.data.byteLength);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const payload = out.subarray(headerBytes);
  payload.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength));
  if (LITTLE_ENDIAN_HOST) swapBytes(payload, info.bytes);
  return out;
}

/**
 * Writes `array` as an IDX file (gzip-compressed when `options.gzip`). The
 * write is atomic: the bytes go to a temporary file in the same directory,
 * which is renamed over `path` only once complete.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function writeIdx(path: string, array: IdxArray, options: WriteIdxOptions = {}): Promise<void> {
  const problem = encodingProblem(array);
  if (problem) throw new DataFileError(path, `cannot encode IDX: ${problem}`);
  const raw = encodeIdx(array);
  const bytes = options.gzip ? await gzipAsync(raw) : raw;
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw new DataFileError(path, `cannot write: ${describeFsError(error)}`, { cause: error });
  }
}
