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
 * True when a JPEG ends with its end-of-image marker (0xFFD9). Only the last
 * part of the file is searched (64 KB, at most half the file), which allows
 * padding after the marker but does not mistake the end of an embedded
 * thumbnail near the start for the end of a cut-off photo.
 */
export function jpegHasEnd(bytes: Uint8Array): boolean {
  const from = Math.max(2, bytes.length - Math.min(65536, Math.floor(bytes.length / 2)));
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}
