/** Interlaced (Adam7) PNG files for tests, written chunk by chunk: pngjs writes only plain ones. */
import { deflateSync } from 'node:zlib';
import { type GrayImage, toBytes } from '../../lib/handwriting/gray-image';
import { pngChunk } from './image-files';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ADAM7 = [[0, 8, 0, 8], [4, 8, 0, 8], [0, 4, 4, 8], [2, 4, 0, 4], [0, 2, 2, 4], [1, 2, 0, 2], [0, 1, 1, 2]];

/** An 8-bit grey, interlaced PNG whose IDAT chunk holds `compressed` as it is. */
export function interlacedGreyPng(width: number, height: number, compressed: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  ihdr[12] = 1; // Adam7
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', compressed), pngChunk('IEND', new Uint8Array(0))]);
}

/** A grey image as a correct interlaced PNG: each pass's rows, filter type 0, deflated. */
export function interlacedPngBytes(image: GrayImage): Uint8Array {
  const pixels = toBytes(image);
  const rows: number[] = [];
  for (const [x0, dx, y0, dy] of ADAM7) {
    if (x0 >= image.width || y0 >= image.height) continue;
    for (let y = y0; y < image.height; y += dy) {
      rows.push(0);
      for (let x = x0; x < image.width; x += dx) rows.push(pixels[y * image.width + x]);
    }
  }
  return interlacedGreyPng(image.width, image.height, deflateSync(Uint8Array.from(rows)));
}
