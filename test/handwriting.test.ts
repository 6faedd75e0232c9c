/** Reading pictures of handwritten digits and turning them into MNIST-style 28x28 images. */
import { execFileSync } from 'node:child_process';
import { promises as fsp, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { centreOfMass, centreOnCanvas } from '../lib/handwriting/centre';
import { cropImage, inkBox } from '../lib/handwriting/crop';
import { createGrayImage, type GrayImage, grayImageFrom } from '../lib/handwriting/gray-image';
import { sniffImageFormat } from '../lib/handwriting/image-format';
import { encodeSample, exifOrientationSegment, insertJpegSegment, SAMPLE_SPECS } from '../tools/samples/make-samples';
import { applyOrientation, jpegOrientation } from '../lib/handwriting/orientation';
import { guessBackground, inkOnDark } from '../lib/handwriting/polarity';
import { preprocessDigit, UNKNOWN_LABEL } from '../lib/handwriting/preprocess';
import { preprocessDigitFile } from '../lib/handwriting/preprocess-file';
import { decodeImage, MAX_IMAGE_SIDE, readImage } from '../lib/handwriting/read-image';
import { fitInBox, resizeImage } from '../lib/handwriting/resize';
import { listSamples, sampleDigit, samplesDir } from '../lib/handwriting/samples';
import { stepsFigure } from '../lib/handwriting/steps-figure';
import { strokeWidth, thickenStrokes } from '../lib/handwriting/strokes';
import { cleanBackground, otsuThreshold } from '../lib/handwriting/threshold';
import { SeededRandom } from '../lib/base/random';
import { expectFileError } from './support/file-error';
import { jpegBytes, pngBytes, pngHeaderOnly } from './support/image-files';
import { interlacedGreyPng, interlacedPngBytes } from './support/interlaced-png';

let dir: string;

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-handwriting-'));
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function put(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await fsp.writeFile(file, bytes);
  return file;
}

/** A picture: `paper` everywhere, `ink` inside the given rectangles [x, y, width, height]. */
function drawRects(width: number, height: number, paper: number, ink: number, rects: readonly (readonly [number, number, number, number])[]): GrayImage {
  const image = createGrayImage(width, height, paper);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) image.pixels[y * width + x] = ink;
  }
  return image;
}

/** An "L" of ink (a typical lopsided shape) at (x, y), 40 wide and 60 tall, strokes 10 thick. */
function lShape(x: number, y: number): (readonly [number, number, number, number])[] {
  return [
    [x, y, 10, 60],
    [x, y + 50, 40, 10],
  ];
}

function distanceFromCentre(pixels: Uint8Array): number {
  const centre = centreOfMass(grayImageFrom(28, 28, pixels));
  if (!centre) throw new Error('no ink in the result');
  return Math.hypot(centre.x - 14, centre.y - 14);
}

describe('readImage', () => {
  test('reads PNG and JPEG by their magic bytes, whatever the extension says', async () => {
    const image = drawRects(30, 20, 250, 10, [[5, 5, 10, 10]]);
    const png = await readImage(await put('really-a-png.jpg', pngBytes(image)));
    expect(png).toMatchObject({ format: 'png', width: 30, height: 20 });
    expect(png.pixels[0]).toBeCloseTo(250, 5);
    expect(png.pixels[6 * 30 + 6]).toBeCloseTo(10, 5);
    const jpg = await readImage(await put('really-a-jpeg.png', jpegBytes(image)));
    expect(jpg).toMatchObject({ format: 'jpeg', width: 30, height: 20 });
    expect(Math.abs(jpg.pixels[0] - 250)).toBeLessThan(8);
    expect(jpg.pixels[10 * 30 + 10]).toBeLessThan(60);
  });

  test('colour becomes luminance 0.299 R + 0.587 G + 0.114 B', async () => {
    const png = new PNG({ width: 3, height: 1 });
    png.data.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
    const image = await readImage(await put('rgb.png', PNG.sync.write(png)));
    [76.245, 149.685, 29.07].forEach((expected, i) => expect(image.pixels[i]).toBeCloseTo(expected, 3));
  });

  test('a transparent background is laid over white paper: dark ink on white, and the digit is found', async () => {
    const png = new PNG({ width: 60, height: 60 });
    png.data.fill(0); // transparent black everywhere: composited over black it would hide the black ink
    for (let y = 10; y < 50; y++) {
      for (let x = 25; x < 33; x++) png.data.set([0, 0, 0, 255], (y * 60 + x) * 4);
    }
    const file = await put('transparent.png', PNG.sync.write(png, { colorType: 6 }));
    const image = await readImage(file);
    expect(image.pixels[0]).toBe(255);
    expect(image.pixels[30 * 60 + 28]).toBe(0);
    const result = await preprocessDigitFile(file);
    expect(result.inverted).toBe(true);
    expect(result.box).toEqual({ x: 25, y: 10, width: 8, height: 40 });
    expect(Math.max(...result.pixels)).toBe(255);
  });

  test('a JPEG with an EXIF orientation is turned upright', async () => {
    // Stored 40 wide and 20 tall with a mark at the top-left; orientation 6 means "turn right to show".
    const stored = drawRects(40, 20, 255, 0, [[0, 0, 8, 8]]);
    const file = await put('sideways.jpg', insertJpegSegment(jpegBytes(stored, 95), exifOrientationSegment(6)));
    expect(jpegOrientation(await fsp.readFile(file))).toBe(6);
    const image = await readImage(file);
    expect([image.width, image.height]).toEqual([20, 40]);
    // Turned right, the top-left corner goes to the top-right.
    expect(image.pixels[2 * 20 + 17]).toBeLessThan(60);
    expect(image.pixels[2 * 20 + 2]).toBeGreaterThan(200);
  });

  test('applyOrientation: every EXIF orientation of a 3x2 picture', () => {
    const image = grayImageFrom(3, 2, [1, 2, 3, 4, 5, 6]);
    const turned = (o: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8) => {
      const out = applyOrientation(image, o);
      return [out.width, out.height, ...out.pixels];
    };
    expect(turned(1)).toEqual([3, 2, 1, 2, 3, 4, 5, 6]);
    expect(turned(2)).toEqual([3, 2, 3, 2, 1, 6, 5, 4]);
    expect(turned(3)).toEqual([3, 2, 6, 5, 4, 3, 2, 1]);
    expect(turned(4)).toEqual([3, 2, 4, 5, 6, 1, 2, 3]);
    expect(turned(5)).toEqual([2, 3, 1, 4, 2, 5, 3, 6]);
    expect(turned(6)).toEqual([2, 3, 4, 1, 5, 2, 6, 3]);
    expect(turned(7)).toEqual([2, 3, 6, 3, 5, 2, 4, 1]);
    expect(turned(8)).toEqual([2, 3, 3, 6, 2, 5, 1, 4]);
  });

  test('a missing file', async () => {
    const file = path.join(dir, 'no-such-picture.png');
    await expectFileError(readImage(file), file, /file not found/);
    await expectFileError(preprocessDigitFile(file), file, /file not found/);
  });

  test('a text file, an empty file and a GIF are not PNG or JPEG', async () => {
    const text = await put('notes.png', 'this is not a picture of a digit\n');
    await expectFileError(readImage(text), text, /not a PNG or JPEG.*text/);
    const empty = await put('empty.jpg', new Uint8Array(0));
    await expectFileError(readImage(empty), empty, /empty file/);
    const gif = await put('digit.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    await expectFileError(readImage(gif), gif, /unsupported image format GIF/);
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toEqual({ kind: 'unsupported', format: 'WebP' });
  });

  test('a truncated PNG and a truncated JPEG', async () => {
    const image = drawRects(64, 64, 240, 20, [[10, 10, 30, 40]]);
    const png = pngBytes(image);
    const cutPng = await put('cut.png', png.subarray(0, Math.floor(png.length / 2)));
    await expectFileError(readImage(cutPng), cutPng, /truncated PNG/);
    const headerOnly = await put('header-only.png', png.subarray(0, 20));
    await expectFileError(readImage(headerOnly), headerOnly, /truncated PNG/);
    const jpg = jpegBytes(image);
    const cutJpeg = await put('cut.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.6)));
    await expectFileError(readImage(cutJpeg), cutJpeg, /truncated JPEG/);
  });

  test('a corrupt PNG: damaged compressed data', async () => {
    const png = Buffer.from(pngBytes(drawRects(64, 64, 240, 20, [[10, 10, 30, 40]])));
    const data = png.indexOf('IDAT', 0, 'latin1');
    for (let i = data + 8; i < data + 40; i++) png[i] ^= 0x5a;
    const file = await put('corrupt.png', png);
    await expectFileError(readImage(file), file, /corrupt PNG/);
  });

  test('an empty 0x0 image', async () => {
    const file = await put('zero.png', pngHeaderOnly(0, 0));
    await expectFileError(readImage(file), file, /empty image.*0x0/);
  });

  test('an image too large is refused from its header, before decoding', async () => {
    const file = await put('huge.png', pngHeaderOnly(50_000, 50_000));
    await expectFileError(readImage(file), file, /too large: 50000x50000/);
    const wide = await put('wide.png', pngHeaderOnly(MAX_IMAGE_SIDE + 1, 10));
    await expectFileError(readImage(wide), wide, /too large/);
    // A JPEG whose frame header declares 60000x60000.
    const jpg = Buffer.from(jpegBytes(drawRects(8, 8, 255, 0, [])));
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(60_000, sof + 5);
    jpg.writeUInt16BE(60_000, sof + 7);
    const hugeJpeg = await put('huge.jpg', jpg);
    await expectFileError(readImage(hugeJpeg), hugeJpeg, /too large: 60000x60000/);
  });

  test('decodeImage names the given source in errors', () => {
    expect(() => decodeImage(Buffer.from('hello'), 'upload #3')).toThrow('upload #3: not a PNG or JPEG image');
  });
});

describe('background and inversion', () => {
  test('dark ink on light paper is detected and inverted', () => {
    const paper = drawRects(80, 80, 235, 30, lShape(20, 10));
    expect(guessBackground(paper)).toEqual({ level: 235, light: true });
    const { image, inverted } = inkOnDark(paper);
    expect(inverted).toBe(true);
    expect(image.pixels[0]).toBe(20);
    expect(image.pixels[15 * 80 + 25]).toBe(225);
    expect(preprocessDigit(paper).inverted).toBe(true);
  });

  test('bright ink on a dark background is left alone', () => {
    const board = drawRects(80, 80, 25, 220, lShape(20, 10));
    expect(guessBackground(board).light).toBe(false);
    const { image, inverted } = inkOnDark(board);
    expect(inverted).toBe(false);
    expect(image).toBe(board);
    expect(preprocessDigit(board).inverted).toBe(false);
  });

  test('a dim photo (grey paper, darker ink) is still seen as light paper', () => {
    expect(guessBackground(drawRects(80, 80, 100, 40, lShape(20, 10))).light).toBe(true);
  });

  test('thresholding removes a lighting gradient and paper noise; the ink stays', () => {
    const random = new SeededRandom(7);
    const width = 160;
    const height = 120;
    const ink = lShape(60, 30);
    const picture = createGrayImage(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const lighting = 245 - (110 * x) / width - (30 * y) / height; // from 245 down to about 110
        const noise = (random.next() + random.next() + random.next() - 1.5) * 10;
        picture.pixels[y * width + x] = lighting + noise;
      }
    }
    for (const [x0, y0, w, h] of ink) {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) picture.pixels[y * width + x] = 35 + random.next() * 10;
    }
    const result = preprocessDigit(picture);
    const cleaned = result.steps.cleaned;
    const inInk = (x: number, y: number) => ink.some(([x0, y0, w, h]) => x >= x0 && x < x0 + w && y >= y0 && y < y0 + h);
    let inkKept = 0;
    let inkTotal = 0;
    let backgroundLeft = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = cleaned.pixels[y * width + x];
        if (inInk(x, y)) {
          inkTotal++;
          if (value > 0) inkKept++;
        } else if (value !== 0) {
          backgroundLeft++;
        }
      }
    }
    expect(backgroundLeft).toBe(0);
    expect(inkKept).toBe(inkTotal);
    expect(result.box).toEqual({ x: 60, y: 30, width: 40, height: 60 });
  });

  test('cleanBackground on a flat image with a faint mark keeps the mark and stretches it', () => {
    const dark = drawRects(50, 50, 10, 60, [[20, 10, 6, 30]]);
    const { image, threshold } = cleanBackground(dark);
    expect(threshold).toBeGreaterThanOrEqual(24);
    expect(image.pixels[0]).toBe(0);
    expect(image.pixels[20 * 50 + 22]).toBeCloseTo(255, 3);
  });

  test('otsuThreshold splits two levels between them', () => {
    const image = drawRects(20, 20, 40, 200, [[0, 0, 20, 5]]);
    const t = otsuThreshold(image);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(200);
  });

  test('a blank picture has no ink: DataFileError naming the file', async () => {
    const random = new SeededRandom(3);
    const blank = createGrayImage(100, 80);
    for (let i = 0; i < blank.pixels.length; i++) blank.pixels[i] = 230 + (random.next() - 0.5) * 12;
    const file = await put('blank.png', pngBytes(blank));
    await expectFileError(preprocessDigitFile(file), file, /no ink found/);
    const white = await put('white.jpg', jpegBytes(createGrayImage(40, 40, 255)));
    await expectFileError(preprocessDigitFile(white), white, /no ink found/);
  });
});

describe('crop, scale and centre', () => {
  test('inkBox and cropImage', () => {
    const image = drawRects(100, 120, 0, 200, [
      [30, 50, 20, 40],
      [45, 20, 3, 3],
    ]);
    const box = inkBox(image);
    expect(box).toEqual({ x: 30, y: 20, width: 20, height: 70 });
    const cropped = cropImage(image, box!);
    expect([cropped.width, cropped.height]).toEqual([20, 70]);
    expect(cropped.pixels[0]).toBe(0);
    expect(cropped.pixels[15]).toBe(200);
    expect(inkBox(createGrayImage(5, 5))).toBeUndefined();
  });

  test('the crop box of a clean picture is the ink exactly', () => {
    const result = preprocessDigit(drawRects(150, 100, 250, 5, lShape(90, 20)));
    expect(result.box).toEqual({ x: 90, y: 20, width: 40, height: 60 });
    expect([result.steps.cropped.width, result.steps.cropped.height]).toEqual([40, 60]);
  });

  test('a tall thin rectangle stays tall: height 20, width in proportion', () => {
    const result = preprocessDigit(drawRects(200, 200, 245, 20, [[90, 30, 24, 120]]));
    const { scaled } = result.steps;
    expect(scaled.height).toBe(20);
    expect(Math.abs(scaled.width - (20 * 24) / 120)).toBeLessThanOrEqual(1);
    const box = inkBox(grayImageFrom(28, 28, result.pixels), 20)!;
    expect(box.height).toBeGreaterThanOrEqual(19);
    expect(box.width).toBeLessThanOrEqual(6);
  });

  test('a wide flat rectangle stays wide: width 20, height in proportion', () => {
    const { scaled } = preprocessDigit(drawRects(200, 100, 245, 20, [[20, 40, 150, 30]])).steps;
    expect(scaled.width).toBe(20);
    expect(Math.abs(scaled.height - (20 * 30) / 150)).toBeLessThanOrEqual(1);
  });

  test('shrinking averages areas, so a one-pixel line still leaves its ink', () => {
    const line = drawRects(100, 100, 0, 255, [[50, 0, 1, 100]]);
    const small = resizeImage(line, 20, 20);
    const total = small.pixels.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo((255 * 100) / 25, 1); // the same ink per area
    expect(Math.max(...small.pixels)).toBeCloseTo(255 / 5, 3);
    expect(fitInBox(createGrayImage(7, 3), 20)).toMatchObject({ width: 20, height: 9 });
  });

  test('thin strokes are thickened to MNIST pen width, thick ones are left alone', () => {
    const thin = drawRects(100, 100, 0, 255, [[10, 0, 3, 100], [10, 97, 90, 3]]);
    expect(strokeWidth(thin)).toBeGreaterThan(2);
    expect(strokeWidth(thin)).toBeLessThan(4.5);
    const thickened = thickenStrokes(thin);
    expect(strokeWidth(thickened.image) / Math.max(thickened.image.width, thickened.image.height)).toBeGreaterThan(0.09);
    expect(thickened.target).toBeCloseTo(12, 5);
    const thick = drawRects(100, 100, 0, 255, [[10, 0, 20, 100]]);
    expect(thickenStrokes(thick).image).toBe(thick);
  });

  test.each([
    ['top-left', 5, 5],
    ['bottom-right', 120, 80],
    ['right edge', 150, 30],
  ])('centre of mass at (14, 14) within half a pixel: L shape at the %s', (_where, x, y) => {
    const picture = drawRects(200, 150, 240, 15, lShape(x, y));
    const result = preprocessDigit(picture);
    expect(distanceFromCentre(result.pixels)).toBeLessThan(0.5);
    expect(Math.hypot(result.centre.x - 14, result.centre.y - 14)).toBeLessThan(0.01);
  });

  test('centreOnCanvas shifts by fractions of a pixel and keeps all the ink', () => {
    const image = drawRects(5, 4, 0, 100, [[0, 0, 2, 1], [4, 3, 1, 1]]);
    const placed = centreOnCanvas(image, 28);
    const before = image.pixels.reduce((a, b) => a + b, 0);
    expect(placed.pixels.reduce((a, b) => a + b, 0)).toBeCloseTo(before, 3);
    const centre = centreOfMass(placed)!;
    expect(centre.x).toBeCloseTo(14, 5);
    expect(centre.y).toBeCloseTo(14, 5);
  });

  test('the result: 784 bytes and a DigitSet of one unlabelled image (or the label given)', () => {
    const picture = drawRects(100, 100, 240, 20, lShape(30, 20));
    const result = preprocessDigit(picture);
    expect(result.pixels).toBeInstanceOf(Uint8Array);
    expect(result.pixels.length).toBe(784);
    expect(result.digitSet).toMatchObject({ count: 1, rows: 28, cols: 28 });
    expect(result.digitSet.images).toBe(result.pixels);
    expect(Array.from(result.digitSet.labels)).toEqual([UNKNOWN_LABEL]);
    expect(Array.from(preprocessDigit(picture, { label: 4 }).digitSet.labels)).toEqual([4]);
    // The 28x28 field keeps a border: nothing in the outer 2 pixels for a shape fitting 20x20.
    expect(inkBox(grayImageFrom(28, 28, result.pixels))!.x).toBeGreaterThanOrEqual(2);
  });

  test('stepsFigure shows every step with a caption', async () => {
    const figure = await stepsFigure(preprocessDigit(drawRects(100, 100, 240, 20, lShape(30, 20))), { title: 'an L' });
    for (const caption of ['grey', 'inverted', 'background', 'ink only', 'cropped', 'pen width', 'fit 20x20', '28x28']) {
      expect(figure.svg).toContain(`>${caption}</text>`);
    }
  });
});

describe('the sample pictures in data/samples', () => {
  test('there are 10-12 samples covering all ten digits, each under 60 KB', async () => {
    const samples = await listSamples();
    expect(samples.length).toBeGreaterThanOrEqual(10);
    expect(samples.length).toBeLessThanOrEqual(12);
    expect(new Set(samples.map((s) => s.digit)).size).toBe(10);
    expect(samples.map((s) => path.basename(s.file)).sort()).toEqual(SAMPLE_SPECS.map((s) => s.name).sort());
    for (const { file } of samples) expect(statSync(file).size).toBeLessThan(60 * 1024);
    expect(sampleDigit(path.join(samplesDir(), 'digit-7-off-centre.jpg'))).toBe(7);
    expect(sampleDigit('photo.jpg')).toBeUndefined();
  });

  test('each sample preprocesses into an MNIST-style digit', async () => {
    const formats = new Set<string>();
    for (const { file, digit } of await listSamples()) {
      const image = await readImage(file);
      formats.add(image.format);
      const result = preprocessDigit(image, { source: file, label: digit });
      expect(result.inverted).toBe(!path.basename(file).includes('chalkboard'));
      expect(Math.max(...result.pixels)).toBe(255);
      const inkPixels = result.pixels.filter((v) => v > 0).length;
      expect(inkPixels).toBeGreaterThan(40);
      expect(inkPixels).toBeLessThan(400);
      expect(distanceFromCentre(result.pixels)).toBeLessThan(0.5);
      expect(Array.from(result.digitSet.labels)).toEqual([digit]);
      // Every sample is a digit taller than wide, so the 20-pixel box is filled from top to bottom.
      expect(result.steps.scaled.height).toBe(20);
    }
    expect([...formats].sort()).toEqual(['jpeg', 'png']);
  });

  test('the sideways phone photo is read upright', async () => {
    const image = await readImage(path.join(samplesDir(), 'digit-3-sideways-exif.jpg'));
    expect([image.width, image.height]).toEqual([240, 280]);
  });

  test('the generator is repeatable', () => {
    const spec = SAMPLE_SPECS.find((s) => s.name === 'digit-7-off-centre.jpg')!;
    expect(Buffer.compare(Buffer.from(encodeSample(spec)), Buffer.from(encodeSample(spec)))).toBe(0);
  });
});

describe('unusual and hostile image files', () => {
  const digit = () => drawRects(64, 48, 240, 20, lShape(12, 4));

  test('an interlaced PNG reads pixel for pixel like its plain twin', async () => {
    const image = digit();
    const plain = await readImage(await put('plain.png', pngBytes(image)));
    const interlaced = await readImage(await put('interlaced.png', interlacedPngBytes(image)));
    expect(interlaced).toMatchObject({ format: 'png', width: 64, height: 48 });
    expect(Array.from(interlaced.pixels)).toEqual(Array.from(plain.pixels));
  });

  test('an interlaced PNG whose data inflates far beyond its declared size is refused before pngjs decodes it', async () => {
    // 64x48 grey interlaced needs 3,162 bytes of rows (seven passes, a filter byte a row); this data inflates to 64 MB (a 62 KB file).
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const file = await put('bomb.png', interlacedGreyPng(64, 48, bomb));
    expect(statSync(file).size).toBeLessThan(100_000);
    await expectFileError(readImage(file), file, /^corrupt PNG: its image data inflates to more than the 3\.1 KB its header declares \(interlaced, 64x48 pixels\)$/);
    const damaged = await put('interlaced-damaged.png', interlacedGreyPng(64, 48, Buffer.from('not deflate data at all')));
    await expectFileError(readImage(damaged), damaged, /^corrupt PNG: damaged compressed data/);
  });

  test('a JPEG followed by a video (a "motion photo") reads like the JPEG alone', async () => {
    const photo = jpegBytes(digit());
    // An MP4 header and 200 KB of data after the image, none of it a JPEG marker.
    const video = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42', 'latin1'), Buffer.alloc(200 * 1024, 0x42)]);
    const alone = await readImage(await put('photo.jpg', photo));
    const motion = await readImage(await put('motion-photo.jpg', Buffer.concat([photo, video])));
    expect(Array.from(motion.pixels)).toEqual(Array.from(alone.pixels));
  });

  test('a cut-off JPEG is still truncated, even when an embedded thumbnail ends with its own end marker', async () => {
    const thumbnail = jpegBytes(drawRects(8, 8, 255, 0, []));
    const body = [...Buffer.from('Exif\0\0', 'latin1'), ...thumbnail];
    const app1 = Uint8Array.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
    const photo = insertJpegSegment(jpegBytes(digit()), app1);
    expect(await readImage(await put('with-thumbnail.jpg', photo))).toMatchObject({ width: 64, height: 48 });
    for (const share of [0.3, 0.9]) {
      const cut = await put(`cut-${share}.jpg`, photo.subarray(0, thumbnail.length + 30 + Math.floor((photo.length - thumbnail.length - 30) * share)));
      await expectFileError(readImage(cut), cut, /^truncated JPEG/);
    }
    const lastByteMissing = await put('no-end.jpg', photo.subarray(0, photo.length - 1));
    await expectFileError(readImage(lastByteMissing), lastByteMissing, /^truncated JPEG/);
  });

  test('a named pipe and /dev/zero are refused by name, without waiting or reading', async () => {
    const fifo = path.join(dir, 'digit-pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expectFileError(readImage(fifo), fifo, /is a named pipe \(FIFO\), not a regular file/);
    await expectFileError(readImage('/dev/zero'), '/dev/zero', /is a character device, not a regular file/);
    await expectFileError(readImage(dir), dir, /is a folder, not a regular file/);
  });
});
