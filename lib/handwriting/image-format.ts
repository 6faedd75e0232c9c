/**
 * Recognising an image file by its first bytes (its "magic number"), never by
 * its name, and reading its size from the header before anything is decoded.
 */

/** The formats readImage decodes. */
export type ImageFormat = 'png' | 'jpeg';

/** What the first bytes of a file say it is. */
export type SniffResult =
  | { readonly kind: 'image'; readonly format: ImageFormat }
  /** A known format this reader does not decode, e.g. 'GIF'. */
  | { readonly kind: 'unsupported'; readonly format: string }
  | { readonly kind: 'unknown'; readonly looksLikeText: boolean };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, at = 0): boolean {
  const codes = typeof prefix === 'string' ? Array.from(prefix, (c) => c.charCodeAt(0)) : prefix;
  if (bytes.length < at + codes.length) return false;
  return codes.every((code, i) => bytes[at + i] === code);
}

/** Decides the format from the magic bytes at the start of a file. */
export function sniffImageFormat(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, PNG_SIGNATURE)) return { kind: 'image', format: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return { kind: 'unsupported', format: 'GIF' };
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return { kind: 'unsupported', format: 'WebP' };
  if (startsWith(bytes, 'BM')) return { kind: 'unsupported', format: 'BMP' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'unsupported', format: 'TIFF' };
  if (startsWith(bytes, 'ftyp', 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return { kind: 'unsupported', format: 'HEIC/HEIF' };
    if (/^avi[fs]$/.test(brand)) return { kind: 'unsupported', format: 'AVIF' };
  }
  if (startsWith(bytes, '%PDF')) return { kind: 'unsupported', format: 'PDF' };
  return { kind: 'unknown', looksLikeText: looksLikeText(bytes) };
}

/** True when the first bytes are printable text (ASCII or UTF-8), e.g. an SVG, CSV or a saved web page. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return false;
  for (const byte of head) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return false;
  }
  return true;
}

/** The size an image header declares. */
export interface DeclaredSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The size in a PNG's IHDR chunk (which must come first), or a reason why it
 * cannot be read. Reads 24 bytes; decodes nothing.
 */
export function pngDeclaredSize(bytes: Uint8Array): DeclaredSize | string {
  if (bytes.length < 24) return `truncated PNG: ${bytes.length} bytes, too short for the header`;
  if (!startsWith(bytes, 'IHDR', 12)) return 'corrupt PNG: the first chunk is not IHDR';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/** Samples per pixel of each PNG colour type: grey, RGB, palette index, grey and alpha, RGBA. */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The seven passes of an Adam7-interlaced PNG: first column, column step, first row, row step. */
const ADAM7_PASSES = [
  [0, 8, 0, 8], [4, 8, 0, 8], [0, 4, 4, 8], [2, 4, 0, 4], [0, 2, 2, 4], [1, 2, 0, 2], [0, 1, 1, 2],
] as const;

/** What a PNG's header says its compressed image data must inflate to. */
export interface PngDataSize {
  /** Bytes of filtered rows (a filter byte starts each row of each pass). */
  readonly inflatedBytes: number;
  readonly interlaced: boolean;
}

/**
 * The exact number of bytes a PNG's image data inflates to, computed from
 * its header (size, bit depth, colour type, interlacing), or a reason the
 * header is not valid. Decodes nothing.
 */
export function pngDataSize(bytes: Uint8Array): PngDataSize | string {
  const declared = pngDeclaredSize(bytes);
  if (typeof declared === 'string') return declared;
  if (bytes.length < 29) return `truncated PNG: ${bytes.length} bytes, too short for the header`;
  const [bitDepth, colourType, , , interlace] = bytes.subarray(24, 29);
  const channels = PNG_CHANNELS[colourType];
  if (channels === undefined) return `corrupt PNG: unknown colour type ${colourType}`;
  if (![1, 2, 4, 8, 16].includes(bitDepth)) return `corrupt PNG: unknown bit depth ${bitDepth}`;
  if (interlace > 1) return `corrupt PNG: unknown interlace method ${interlace}`;
  const rowBytes = (width: number) => (width === 0 ? 0 : 1 + Math.ceil((width * channels * bitDepth) / 8));
  const { width, height } = declared;
  if (interlace === 0) return { inflatedBytes: rowBytes(width) * height, interlaced: false };
  let inflatedBytes = 0;
  for (const [column, columnStep, row, rowStep] of ADAM7_PASSES) {
    const passWidth = Math.max(0, Math.ceil((width - column) / columnStep));
    const passHeight = Math.max(0, Math.ceil((height - row) / rowStep));
    inflatedBytes += rowBytes(passWidth) * passHeight;
  }
  return { inflatedBytes, interlaced: true };
}

/** The compressed image data of a PNG whose layout is sound: its IDAT chunks' contents, joined. */
export function pngCompressedData(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let offset = PNG_SIGNATURE.length; offset + 8 <= bytes.length; ) {
    const length = view.getUint32(offset, false);
    if (startsWith(bytes, 'IDAT', offset + 4)) parts.push(bytes.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/**
 * Checks that a PNG's chunks fit in the file and that it ends with IEND, so a
 * cut-off download is reported as such. Returns a reason, or undefined when
 * the layout is sound (the decoder still checks the data itself).
 */
export function pngLayoutProblem(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = PNG_SIGNATURE.length;
  let sawData = false;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset, false);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) return `truncated PNG: chunk ${JSON.stringify(type)} runs past the end of the file (${bytes.length} bytes)`;
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? undefined : 'corrupt PNG: no image data (IDAT) before the end';
    offset = end;
  }
  return `truncated PNG: the file (${bytes.length} bytes) stops before the end chunk (IEND)`;
}

/** Start-of-frame markers (SOF0-SOF15 without DHT 0xC4, JPG 0xC8 and DAC 0xCC): they hold the image size. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * The size in a JPEG's start-of-frame segment, found by walking the segments
 * from the start; or a reason why it cannot be found. Decodes nothing.
 */
export function jpegDeclaredSize(bytes: Uint8Array): DeclaredSize | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return `corrupt JPEG: expected a segment marker at byte ${offset}`;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return 'corrupt JPEG: no frame header (SOF) before the image data';
    const length = view.getUint16(offset + 2, false);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) break;
      return { height: view.getUint16(offset + 5, false), width: view.getUint16(offset + 7, false) };
    }
    offset += 2 + length;
  }
  return `truncated JPEG: the file (${bytes.length} bytes) stops before the frame header (SOF)`;
}

/**
 * Where a JPEG's image ends: the offset just past its end-of-image marker
 * (0xFFD9), found by walking the segments from the start and skipping the
 * entropy-coded data of each scan; undefined when the file stops first (a
 * cut-off file). Whatever follows the image is ignored: phones' "motion
 * photos" append a whole video after it, and an embedded thumbnail's own
 * marker is skipped with the segment that holds it.
 */
export function jpegImageEnd(bytes: Uint8Array): number | undefined {
  let offset = 2; // past the start-of-image marker
  for (;;) {
    // A marker is 0xFF and a code; anything else between segments is skipped, as tolerant decoders do.
    offset = bytes.indexOf(0xff, offset);
    if (offset < 0 || offset + 1 >= bytes.length) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xd9) return offset + 2;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0x00 || marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (offset + 4 > bytes.length) return undefined;
    offset += 2 + ((bytes[offset + 2] << 8) | bytes[offset + 3]);
    if (offset > bytes.length) return undefined;
    if (marker === 0xda) offset = skipEntropyCodedData(bytes, offset);
  }
}

/**
 * The offset of the marker that ends a scan's entropy-coded data, which
 * starts at `offset`: in that data 0xFF is followed by 0x00 (a stuffed byte),
 * a restart marker (0xD0-0xD7) or another 0xFF (fill); any other code is a
 * marker. Returns bytes.length when the file stops inside the data.
 */
function skipEntropyCodedData(bytes: Uint8Array, offset: number): number {
  for (;;) {
    offset = bytes.indexOf(0xff, offset);
    if (offset < 0 || offset + 1 >= bytes.length) return bytes.length;
    const next = bytes[offset + 1];
    if (next === 0xff) offset++;
    else if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) offset += 2;
    else return offset;
  }
}
