/**
 * Makes the sample pictures of handwritten digits in data/samples/: each
 * digit is drawn as pen strokes (sample-strokes.ts), rendered with resvg,
 * laid on paper with lighting, grain and dirt (sample-paper.ts) and saved as
 * PNG or JPEG. Every sample tests a different part of the preprocessing.
 * Run `node lib/dist/handwriting/make-samples.js [folder]` to make them again;
 * the output is the same every time (all randomness is seeded).
 */
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { writeFileAtomic, defaultDataDir } from '@mnist-ts/lib';
import { inkOnPaper, type PaperOptions } from './sample-paper';
import { type DigitDesign, digitSvg, type HandOptions } from './sample-strokes';

/** How one sample picture is made. */
export interface SampleSpec {
  /** File name, `digit-<d>-<what>.png|jpg`: the true digit comes first. */
  readonly name: string;
  /** What the sample tests, for the README. */
  readonly tests: string;
  readonly design: DigitDesign;
  /** Canvas size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly hand: HandOptions;
  readonly paper: PaperOptions;
  /** PNG colour type (gray, rgb, or rgba for a transparent background), or JPEG with a quality 1-100. */
  readonly output: { readonly format: 'png'; readonly color: 'gray' | 'rgb' | 'rgba' } | { readonly format: 'jpeg'; readonly quality: number };
  /** Store the pixels turned a quarter to the left with EXIF orientation 6 ("turn right to show"), as phone cameras do. */
  readonly storedSideways?: boolean;
}

const WHITE_PAPER = [246, 245, 240] as const;
const CREAM_PAPER = [240, 232, 212] as const;
const BLACK_INK = [28, 28, 34] as const;
const BLUE_INK = [24, 44, 128] as const;

/** The samples: all ten digits, each picture with its own difficulty. */
export const SAMPLE_SPECS: readonly SampleSpec[] = [
  {
    name: 'digit-0-thin.png',
    tests: 'thin pen strokes (3% of the height): shrinking must keep them, and they are widened to MNIST\'s pen width',
    design: '0',
    width: 220,
    height: 240,
    hand: { centreX: 112, centreY: 122, height: 150, penWidth: 0.03, slant: 0.1, seed: 10 },
    paper: { paper: WHITE_PAPER, ink: BLACK_INK, noise: 3, seed: 11 },
    output: { format: 'png', color: 'gray' },
  },
  {
    name: 'digit-1-tall-canvas.jpg',
    tests: 'a single slanted stroke on a tall, narrow picture in blue ink: the aspect ratio must be kept (a 1 stays thin)',
    design: '1',
    width: 150,
    height: 300,
    hand: { centreX: 72, centreY: 150, height: 200, penWidth: 0.07, slant: 0.12, seed: 20 },
    paper: { paper: WHITE_PAPER, ink: BLUE_INK, noise: 2, seed: 21 },
    output: { format: 'jpeg', quality: 85 },
  },
  {
    name: 'digit-2-uneven-light.png',
    tests: 'strong uneven lighting (the paper darkens by half from one corner to the other)',
    design: '2',
    width: 240,
    height: 240,
    hand: { centreX: 118, centreY: 124, height: 160, penWidth: 0.08, slant: 0.12, seed: 30 },
    paper: { paper: WHITE_PAPER, ink: BLACK_INK, lighting: { strength: 0.5, angle: 35 }, noise: 3, seed: 31 },
    output: { format: 'png', color: 'gray' },
  },
  {
    name: 'digit-3-thick.png',
    tests: 'thick marker strokes (14% of the height)',
    design: '3',
    width: 200,
    height: 200,
    hand: { centreX: 100, centreY: 100, height: 140, penWidth: 0.14, slant: 0.08, seed: 40 },
    paper: { paper: WHITE_PAPER, ink: BLACK_INK, noise: 2, seed: 41 },
    output: { format: 'png', color: 'gray' },
  },
  {
    name: 'digit-3-sideways-exif.jpg',
    tests: 'a phone photo stored sideways with an EXIF orientation tag: it must be turned upright',
    design: '3',
    width: 240,
    height: 280,
    hand: { centreX: 122, centreY: 138, height: 170, penWidth: 0.08, slant: 0.15, rotation: 4, seed: 45 },
    paper: { paper: CREAM_PAPER, ink: BLUE_INK, lighting: { strength: 0.15, angle: 120 }, noise: 3, seed: 46 },
    output: { format: 'jpeg', quality: 85 },
    storedSideways: true,
  },
  {
    name: 'digit-4-open-top.jpg',
    tests: 'a 4 with an open top in two strokes, on a wide picture of cream paper',
    design: '4-open',
    width: 340,
    height: 220,
    hand: { centreX: 170, centreY: 108, height: 150, penWidth: 0.08, slant: 0.1, seed: 50 },
    paper: { paper: CREAM_PAPER, ink: BLACK_INK, lighting: { strength: 0.2, angle: 0 }, noise: 3, seed: 51 },
    output: { format: 'jpeg', quality: 85 },
  },
  {
    name: 'digit-4-chalkboard.png',
    tests: 'light chalk on a dark board: the background is dark, so nothing must be inverted; a closed-top 4',
    design: '4-closed',
    width: 220,
    height: 220,
    hand: { centreX: 108, centreY: 112, height: 150, penWidth: 0.1, slant: 0.1, seed: 60 },
    paper: { paper: [46, 58, 52], ink: [232, 232, 222], inkStrength: 0.85, lighting: { strength: 0.2, angle: 200 }, noise: 5, seed: 61 },
    output: { format: 'png', color: 'gray' },
  },
  {
    name: 'digit-5-small.jpg',
    tests: 'a small digit (a sixth of the picture\'s height) away from the centre: it must be cropped and enlarged',
    design: '5',
    width: 400,
    height: 300,
    hand: { centreX: 250, centreY: 120, height: 56, penWidth: 0.1, slant: 0.15, seed: 70 },
    paper: { paper: WHITE_PAPER, ink: BLUE_INK, noise: 3, seed: 71 },
    output: { format: 'jpeg', quality: 85 },
  },
  {
    name: 'digit-6-grainy.png',
    tests: 'grainy paper with specks of dust: noise and specks must be removed',
    design: '6',
    width: 200,
    height: 200,
    hand: { centreX: 100, centreY: 102, height: 140, penWidth: 0.09, slant: 0.12, seed: 80 },
    paper: { paper: CREAM_PAPER, ink: BLACK_INK, noise: 10, specks: 25, seed: 81 },
    output: { format: 'png', color: 'gray' },
  },
  {
    name: 'digit-7-off-centre.jpg',
    tests: 'a 7 without a crossbar, far off-centre in a landscape picture: the centre of mass must end at (14, 14)',
    design: '7',
    width: 320,
    height: 240,
    hand: { centreX: 90, centreY: 92, height: 130, penWidth: 0.09, slant: 0.05, rotation: -3, seed: 90 },
    paper: { paper: WHITE_PAPER, ink: BLACK_INK, lighting: { strength: 0.25, angle: 90 }, noise: 3, seed: 91 },
    output: { format: 'jpeg', quality: 85 },
  },
  {
    name: 'digit-8-transparent.png',
    tests: 'dark ink on a transparent background: it must be laid over white paper, not black',
    design: '8',
    width: 200,
    height: 220,
    hand: { centreX: 100, centreY: 110, height: 160, penWidth: 0.08, slant: 0.12, seed: 100 },
    paper: { paper: WHITE_PAPER, ink: BLACK_INK, transparent: true, seed: 101 },
    output: { format: 'png', color: 'rgba' },
  },
  {
    name: 'digit-9-pencil.jpg',
    tests: 'faint grey pencil on dim paper (low contrast): the ink must be found and stretched to full strength',
    design: '9',
    width: 240,
    height: 260,
    hand: { centreX: 120, centreY: 130, height: 170, penWidth: 0.06, slant: 0.18, seed: 110 },
    paper: { paper: [178, 176, 170], ink: [96, 96, 100], inkStrength: 0.8, lighting: { strength: 0.15, angle: 160 }, noise: 4, seed: 111 },
    output: { format: 'jpeg', quality: 85 },
  },
];

/** Renders one sample: strokes drawn by resvg, laid on paper; returns RGBA bytes. */
export function renderSample(spec: SampleSpec): Uint8Array {
  const svg = digitSvg(spec.design, spec.width, spec.height, spec.hand);
  const rendered = new Resvg(svg, { logLevel: 'off' }).render();
  if (rendered.width !== spec.width || rendered.height !== spec.height) {
    throw new Error(`${spec.name}: rendered ${rendered.width}x${rendered.height}, expected ${spec.width}x${spec.height}`);
  }
  const rgba = rendered.pixels;
  const coverage = new Float32Array(spec.width * spec.height);
  for (let i = 0; i < coverage.length; i++) coverage[i] = rgba[i * 4 + 3] / 255;
  return inkOnPaper(coverage, spec.width, spec.height, spec.paper);
}

/** RGBA pixels turned a quarter turn to the left (counter-clockwise): the result is `height` wide and `width` tall. */
export function turnLeft(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgba.length);
  // Output pixel (x, y) of the height x width result shows input pixel (width - 1 - y, x).
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) {
      const from = (x * width + (width - 1 - y)) * 4;
      out.set(rgba.subarray(from, from + 4), (y * height + x) * 4);
    }
  }
  return out;
}

/** An EXIF block (APP1 segment) holding only an orientation tag. */
export function exifOrientationSegment(orientation: number): Uint8Array {
  const tiff = [
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, first directory at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT, 1 value
    0x00, 0x00, 0x00, 0x00, // no next directory
  ];
  const body = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

/** A JPEG with `segment` inserted after its start marker and JFIF header (APP0) if it has one. */
export function insertJpegSegment(jpegBytes: Uint8Array, segment: Uint8Array): Uint8Array {
  let at = 2;
  if (jpegBytes[2] === 0xff && jpegBytes[3] === 0xe0) at = 4 + ((jpegBytes[4] << 8) | jpegBytes[5]);
  return Buffer.concat([jpegBytes.subarray(0, at), segment, jpegBytes.subarray(at)]);
}

/** The file bytes of one sample, in its format. */
export function encodeSample(spec: SampleSpec): Uint8Array {
  let rgba = renderSample(spec);
  let { width, height } = spec;
  if (spec.storedSideways) {
    rgba = turnLeft(rgba, width, height);
    [width, height] = [height, width];
  }
  if (spec.output.format === 'jpeg') {
    const encoded = jpeg.encode({ width, height, data: rgba }, spec.output.quality).data;
    const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    return spec.storedSideways ? insertJpegSegment(bytes, exifOrientationSegment(6)) : bytes;
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const colorType = { gray: 0, rgb: 2, rgba: 6 } as const;
  return PNG.sync.write(png, { colorType: colorType[spec.output.color], inputColorType: 6, inputHasAlpha: true, deflateLevel: 9 });
}

/** The README of the samples folder: what the pictures are, how they were made, and what each one tests. */
export function samplesReadme(specs: readonly SampleSpec[] = SAMPLE_SPECS): string {
  return [
    '# data/samples/',
    '',
    'Pictures of handwritten-style digits for trying the preprocessing of chapter 07 (`preprocessDigitFile`).',
    'They are made by the project, not collected: `lib/handwriting/make-samples.ts` draws each digit as',
    'hand-designed pen strokes with a little random wobble and slant, renders them with resvg, and lays the',
    'ink on paper with uneven lighting, grain and dust, saved as PNG or JPEG. Run',
    '`node lib/dist/handwriting/make-samples.js` to make them again (the result is always the same).',
    'Each file name starts with the true digit: `digit-<d>-<what>.<ext>`.',
    '',
    '| File | What it tests |',
    '| --- | --- |',
    ...specs.map((spec) => `| \`${spec.name}\` | ${spec.tests} |`),
    '',
  ].join('\n');
}

/** Writes every sample (and the folder's README.md) into `dir`; returns the paths of the pictures written. */
export async function makeSamples(dir = path.join(defaultDataDir(), 'samples'), specs: readonly SampleSpec[] = SAMPLE_SPECS): Promise<string[]> {
  const written: string[] = [];
  for (const spec of specs) {
    const file = path.join(dir, spec.name);
    await writeFileAtomic(file, encodeSample(spec));
    written.push(file);
  }
  await writeFileAtomic(path.join(dir, 'README.md'), samplesReadme(specs));
  return written;
}
