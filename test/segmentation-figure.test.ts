/** Chapter 08's figures: a reading drawn over its picture, and the scores by gap kind. */
import { PNG } from 'pngjs';
import type { Figure } from '../lib/charts/figure';
import type { Box } from '../lib/handwriting/crop';
import { createGrayImage, type GrayImage } from '../lib/handwriting/gray-image';
import type { NumberReading, SegmentSplit } from '../lib/numbers/read-number';
import { numberScoresFigure } from '../lib/numbers/scores-figure';
import { findSegments, straightCut, type Cut, type Segmentation } from '../lib/numbers/segment';
import { grayImageToPng, segmentationFigure } from '../lib/numbers/segmentation-figure';
import { scoreNumbers } from '../lib/numbers/number-score';
import { expectPng, expectWellFormed, texts } from './support/svg-checks';

/** Light paper with dark strokes in the given boxes (ink 30 on paper 220). */
function picture(width: number, height: number, strokes: readonly Box[]): GrayImage {
  const image = createGrayImage(width, height, 220);
  for (const box of strokes) {
    for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) image.pixels[y * width + x] = 30;
  }
  return image;
}

/** Three "digits": a bar in two pieces, a ring, and two posts touching through a bridge. */
const STROKES: readonly Box[] = [
  // A digit in two pieces: a post and a short bar above it, apart.
  { x: 10, y: 14, width: 5, height: 30 }, { x: 8, y: 8, width: 10, height: 3 },
  // A ring.
  { x: 30, y: 10, width: 16, height: 4 }, { x: 30, y: 40, width: 16, height: 4 }, { x: 30, y: 10, width: 4, height: 34 }, { x: 42, y: 10, width: 4, height: 34 },
  // Two posts joined by a bridge: one piece of ink holding two digits.
  { x: 60, y: 10, width: 5, height: 34 }, { x: 76, y: 10, width: 5, height: 34 }, { x: 65, y: 25, width: 11, height: 3 },
];

const count = (svg: string, pattern: RegExp) => (svg.match(pattern) ?? []).length;

function expectRenders(figure: Figure): void {
  expect(figure.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expectWellFormed(figure.svg);
  expectPng(figure.toPNG(), figure, 2);
}

let segmentation: Segmentation;
beforeAll(() => {
  segmentation = findSegments(picture(100, 54, STROKES));
});

test('the pieces and segments of a segmentation, one box each, counted in the legend', async () => {
  expect(segmentation.components).toHaveLength(4);
  expect(segmentation.segments).toHaveLength(3);
  const figure = await segmentationFigure(segmentation, { title: 'Pieces and segments' });
  expectRenders(figure);
  expect(count(figure.svg, /<rect class="components"/g)).toBe(4);
  expect(count(figure.svg, /<rect class="segments"/g)).toBe(3);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Pieces and segments', 'ink pieces (4)', 'segments (3)']));
  // The picture is embedded once, as a PNG of the working image.
  const embedded = [...figure.svg.matchAll(/xlink:href="data:image\/png;base64,([^"]+)"/g)];
  expect(embedded).toHaveLength(1);
  const decoded = PNG.sync.read(Buffer.from(embedded[0][1], 'base64'));
  expect([decoded.width, decoded.height]).toEqual([100, 54]);
});

/** A reading made by hand over the segmentation: the touching segment cut once, a candidate left over. */
function handReading(): NumberReading {
  const pair = segmentation.segments[2];
  const bent: Cut = { start: 70, columns: Int32Array.from({ length: pair.box.height }, (_, row) => (row < pair.box.height / 2 ? 70 : 71)) };
  const splits: SegmentSplit[] = [
    { segment: segmentation.segments[0], candidates: [], cuts: [] },
    { segment: segmentation.segments[1], candidates: [straightCut(segmentation.segments[1], 38)], cuts: [] },
    { segment: pair, candidates: [straightCut(pair, 66), bent], cuts: [bent] },
  ];
  const digit = (value: number, box: readonly [number, number, number, number]) => ({
    digit: value, confidence: 0.9, probabilities: Array.from({ length: 10 }, (_, d) => (d === value ? 0.9 : 0.1 / 9)), box, prepared: undefined as never,
  });
  return {
    text: '1011', spaced: '1011', confidence: 0.9 ** 4,
    digits: [digit(1, [8, 8, 10, 36]), digit(0, [30, 10, 16, 34]), digit(1, [60, 10, 10, 34]), digit(1, [71, 10, 10, 34])],
    segmentation, splits,
  };
}

test('a reading: segments, candidate and chosen cuts, digits and true boxes in their own colours', async () => {
  const reading = handReading();
  const truth = [[8, 8, 10, 36], [30, 10, 16, 34], [60, 10, 5, 34], [76, 10, 5, 34]] as const;
  const figure = await segmentationFigure(reading, { truth, truthText: '1011', title: '1011' });
  expectRenders(figure);
  expect(count(figure.svg, /<rect class="segments"/g)).toBe(3);
  expect(count(figure.svg, /<polyline class="candidates"/g)).toBe(3);
  expect(count(figure.svg, /<polyline class="cuts"/g)).toBe(1);
  expect(count(figure.svg, /<rect class="digits"/g)).toBe(4);
  expect(count(figure.svg, /<rect class="truth"/g)).toBe(4);
  expect(count(figure.svg, /<rect class="components"/g)).toBe(0);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['segments (3)', 'candidate cuts (3)', 'chosen cuts (1)', 'digits read (4)', 'true digits (4)', '1 90%', '0 90%']));
  // Each layer has its own colour.
  const colours = ['segments', 'candidates', 'cuts', 'digits', 'truth'].map((layer) => new RegExp(`class="${layer}"[^>]*stroke="(#[0-9A-Fa-f]{6})"`).exec(figure.svg)![1]);
  expect(new Set(colours).size).toBe(5);
  // The bent cut steps one column to the right halfway down: its line has a corner.
  const cut = /<polyline class="cuts" points="([^"]+)"/.exec(figure.svg)![1].split(' ');
  expect(new Set(cut.map((point) => point.split(',')[0])).size).toBe(2);
  // Digits right where the reading has the truth's length: green captions; a wrong one is vermilion.
  const wrong = await segmentationFigure(reading, { truthText: '1017', layers: ['digits'] });
  expect(count(wrong.svg, /class="digit-label"[^>]*fill="#D55E00"/g)).toBe(1);
  expect(count(wrong.svg, /class="digit-label"[^>]*fill="#009E73"/g)).toBe(3);
});

test('a region zooms in, the picture alone has no overlays, and layers without data are refused', async () => {
  const reading = handReading();
  const pair = segmentation.segments[2].box;
  const zoomed = await segmentationFigure(reading, { region: { x: pair.x - 4, y: pair.y - 4, width: pair.width + 8, height: pair.height + 8 }, scale: 4, background: 'ink' });
  expectRenders(zoomed);
  expect(zoomed.svg).toMatch(/<image [^>]*width="116" height="168"/);
  // Only the overlays that reach into the region: the pair's segment, its two candidates and its cut, its two digits.
  expect(count(zoomed.svg, /<rect class="segments"/g)).toBe(1);
  expect(count(zoomed.svg, /<polyline class="candidates"/g)).toBe(2);
  expect(count(zoomed.svg, /<rect class="digits"/g)).toBe(2);
  expect(texts(zoomed.svg)).toEqual(expect.arrayContaining(['segments (1)', 'candidate cuts (2)', 'chosen cuts (1)', 'digits read (2)']));
  const bare = await segmentationFigure(segmentation, { layers: [], legend: false });
  expect(count(bare.svg, /class="(components|segments|candidates|cuts|digits|truth)"/g)).toBe(0);
  expect(texts(bare.svg)).toEqual([]);
  await expect(segmentationFigure(segmentation, { layers: ['digits'] })).rejects.toThrow(/needs a reading/);
  await expect(segmentationFigure(segmentation, { layers: ['cuts'] })).rejects.toThrow(/needs splits/);
  await expect(segmentationFigure(reading, { layers: ['truth'] })).rejects.toThrow(/options.truth/);
  await expect(segmentationFigure(reading, { region: { x: 500, y: 0, width: 10, height: 10 } })).rejects.toThrow(/outside/);
  // Two figures of different regions do not share a clip path id (a notebook page shows them together).
  const ids = [zoomed, await segmentationFigure(reading)].map((figure) => /<clipPath id="([^"]+)"/.exec(figure.svg)![1]);
  expect(ids[0]).not.toBe(ids[1]);
});

test('grayImageToPng writes 8-bit grey pixels, rounded and clamped', () => {
  const image = createGrayImage(3, 2);
  image.pixels.set([0, 127.6, 300, -5, 64, 255]);
  const decoded = PNG.sync.read(Buffer.from(grayImageToPng(image)));
  expect([decoded.width, decoded.height]).toEqual([3, 2]);
  expect(Array.from({ length: 6 }, (_, i) => decoded.data[4 * i])).toEqual([0, 128, 255, 0, 64, 255]);
  expect(() => grayImageToPng(createGrayImage(0, 4))).toThrow(/empty/);
});

test('the scores by gap kind: two bars per kind, each labelled with its percentage', async () => {
  const groups = [
    { name: 'wide', score: scoreNumbers([{ truth: '123', read: '123' }, { truth: '45', read: '45' }]) },
    { name: 'touching', score: scoreNumbers([{ truth: '1234', read: '124' }, { truth: '56', read: '56' }]) },
  ];
  const figure = await numberScoresFigure(groups, { title: 'By kind' });
  expectRenders(figure);
  expect(count(figure.svg, /aria-roledescription="bar"/g)).toBe(4);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['By kind', 'wide', 'touching', 'digits right', 'strings right', '100.0', '83.3', '50.0']));
  await expect(numberScoresFigure([])).rejects.toThrow(/no groups/);
  await expect(numberScoresFigure([groups[0], groups[0]])).rejects.toThrow(/different/);
});
