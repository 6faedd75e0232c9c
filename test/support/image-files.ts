/** Image files for tests: PNG and JPEG bytes of grey images, and PNG headers declaring any size. */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type GrayImage, toBytes } from '../../lib/handwriting/gray-image';

export function pngBytes(image: GrayImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  const bytes = toBytes(image);
  for (let i = 0; i < bytes.length; i++) png.data.set([bytes[i], bytes[i], bytes[i], 255], i * 4);
  return PNG.sync.write(png, { colorType: 0 });
}

export function jpegBytes(image: GrayImage, quality = 90): Uint8Array {
  const bytes = toBytes(image);
  const data = new Uint8Array(bytes.length * 4);
  for (let i = 0; i < bytes.length; i++) data.set([bytes[i], bytes[i], bytes[i], 255], i * 4);
  return jpeg.encode({ width: image.width, height: image.height, data }, quality).data;
}

/** CRC-32 as PNG uses it (zlib.crc32 needs Node 20.15, and package.json allows 20.11). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** The start of a PNG whose header declares `width` x `height` 8-bit grey pixels (no pixel data follows). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)]);
}
