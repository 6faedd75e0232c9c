/**
 * Phone cameras often store a photo sideways and add an EXIF "Orientation"
 * tag saying how to turn it for display. These functions read that tag from
 * a JPEG and turn the pixels accordingly, so a digit photographed upright is
 * upright here too.
 */
import { createGrayImage, type GrayImage } from './gray-image';

/** EXIF orientation: 1 upright, 2 mirrored, 3 upside down, 4 flipped, 5-8 the same with a quarter turn. */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;

/** The orientation in a JPEG's EXIF block (APP1), or 1 when there is none or it cannot be read. */
export function jpegOrientation(bytes: Uint8Array): ExifOrientation {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no EXIF before it
    const length = view.getUint16(offset + 2, false);
    const body = offset + 4;
    if (marker === 0xe1 && body + 6 <= bytes.length && String.fromCharCode(...bytes.subarray(body, body + 6)) === 'Exif\0\0') {
      return tiffOrientation(view, body + 6, Math.min(bytes.length, offset + 2 + length));
    }
    offset += 2 + length;
  }
  return 1;
}

/** Reads the orientation tag from the first directory (IFD0) of the TIFF structure at `start`. */
function tiffOrientation(view: DataView, start: number, end: number): ExifOrientation {
  if (start + 8 > end) return 1;
  const order = view.getUint16(start, false);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  const directory = start + view.getUint32(start + 4, little);
  if (directory + 2 > end) return 1;
  const entries = view.getUint16(directory, little);
  for (let i = 0; i < entries; i++) {
    const entry = directory + 2 + 12 * i;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) === ORIENTATION_TAG) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? (value as ExifOrientation) : 1;
    }
  }
  return 1;
}

/** The image turned and/or mirrored as an EXIF orientation asks, so it shows upright. */
export function applyOrientation(image: GrayImage, orientation: ExifOrientation): GrayImage {
  if (orientation === 1) return image;
  const { width: w, height: h, pixels } = image;
  const swap = orientation >= 5;
  const out = createGrayImage(swap ? h : w, swap ? w : h);
  // For each output pixel (x, y): where it comes from in the stored image.
  const source: Record<Exclude<ExifOrientation, 1>, (x: number, y: number) => number> = {
    2: (x, y) => y * w + (w - 1 - x),
    3: (x, y) => (h - 1 - y) * w + (w - 1 - x),
    4: (x, y) => (h - 1 - y) * w + x,
    5: (x, y) => x * w + y,
    6: (x, y) => (h - 1 - x) * w + y,
    7: (x, y) => (h - 1 - x) * w + (w - 1 - y),
    8: (x, y) => x * w + (w - 1 - y),
  };
  const from = source[orientation];
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) out.pixels[y * out.width + x] = pixels[from(x, y)];
  }
  return out;
}
