/** The vega-lite charts and the image grid: SVG content, PNG rendering and saving. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { barChart } from '../lib/charts/bar-chart';
import type { Figure } from '../lib/charts/figure';
import { heatmap } from '../lib/charts/heatmap';
import { binValues, histogram, logFloor } from '../lib/charts/histogram';
import { imageGrid } from '../lib/charts/image-grid';
import { lineChart } from '../lib/charts/line-chart';
import { PALETTE, RIGHT_COLOR, WRONG_COLOR } from '../lib/charts/theme';
import { stackFigures } from '../lib/charts/stack';
import { trainingCurves } from '../lib/charts/training-curves';
import { comparisonFigure, comparisonTable } from '../lib/reports/comparison';
import type { ModelResult } from '../lib/reports/results';
import type { EpochRecord } from '../lib/types/training';
import { expectPng, expectWellFormed, texts } from './support/svg-checks';


function expectRenders(figure: Figure): void {
  expect(figure.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(figure.width).toBeGreaterThan(0);
  expect(figure.height).toBeGreaterThan(0);
  expectWellFormed(figure.svg);
  expectPng(figure.toPNG(), figure, 2);
  expectPng(figure.toPNG(1), figure, 1);
}

test('histogram of raw values: title, axis labels, one bar per bin', async () => {
  const values = Float32Array.from({ length: 500 }, (_, i) => (i % 50) / 10);
  const figure = await histogram(values, { title: 'Ink per image', xLabel: 'ink', yLabel: 'images', bins: 10 });
  expectRenders(figure);
  expect(figure.title).toBe('Ink per image');
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Ink per image', 'ink', 'images']));
  const bars = figure.svg.match(/<path [^>]*aria-roledescription="bar"/g) ?? [];
  expect(bars).toHaveLength(10);
  expect(figure.width).toBeGreaterThanOrEqual(480);
  expect(figure.width).toBeLessThanOrEqual(700);
});

/** The bars of a vega figure as rectangles, in drawing order. */
function barRects(svg: string): { x: number; y: number; width: number; height: number; fill: string }[] {
  return [...svg.matchAll(/<path [^>]*aria-roledescription="bar" d="M([\d.e-]+),([\d.e-]+)h([\d.e-]+)v([\d.e-]+)h[^"]*"[^>]*fill="([^"]+)"/g)].map(
    ([, x, y, width, height, fill]) => ({ x: Number(x), y: Number(y), width: Number(width), height: Number(height), fill }),
  );
}

test('histogram of precomputed bins on a log scale leaves out empty bins and still shows a count of 1', async () => {
  const bins = [
    { start: 0, end: 1, count: 1000 },
    { start: 1, end: 2, count: 0 },
    { start: 2, end: 3, count: 1 },
  ];
  const figure = await histogram(bins, { title: 'Pixels', xLabel: 'value', logScale: true });
  expectRenders(figure);
  expect(figure.svg.match(/aria-roledescription="bar"/g)).toHaveLength(2);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Pixels', 'value', 'count', '1,000']));
  // A log axis has no zero: bars rise from 0.5, so the single count has a height of its own.
  const [, single] = barRects(figure.svg);
  expect(single.height).toBeGreaterThan(10);
});

test('logFloor is half a power of ten below the smallest non-empty count', () => {
  expect(logFloor([{ start: 0, end: 1, count: 1 }, { start: 1, end: 2, count: 40 }])).toBe(0.5);
  expect(logFloor([{ start: 0, end: 1, count: 0 }, { start: 1, end: 2, count: 13_000 }])).toBe(5000);
  expect(() => logFloor([{ start: 0, end: 1, count: 0 }])).toThrow('at least one non-empty bin');
});

test('histogram bars touch, stand clear of the axis, and a highlighted bin has its own colour and legend entry', async () => {
  const bins = Array.from({ length: 256 }, (_, v) => ({ start: v - 0.5, end: v + 0.5, count: v === 0 ? 5000 : 1 + (v % 7) }));
  const figure = await histogram(bins, {
    title: 'Every value', subtitle: ['first line', 'second line'], logScale: true,
    highlight: { bin: 0, label: 'background', othersLabel: 'ink' },
  });
  expectRenders(figure);
  expect(figure.title).toBe('Every value');
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Every value', 'background', 'ink']));
  // A subtitle of several lines is drawn as one text of tspans.
  expect(figure.svg).toMatch(/<tspan>first line<\/tspan><tspan [^>]*>second line<\/tspan>/);
  const bars = barRects(figure.svg);
  expect(bars).toHaveLength(256);
  expect(bars[0].fill).toBe(PALETTE[3]);
  expect(new Set(bars.slice(1).map((bar) => bar.fill))).toEqual(new Set([PALETTE[0]]));
  // The zero bar starts right of the value axis, not on it.
  expect(bars[0].x).toBeGreaterThan(2);
  // No gaps: each bar starts where the one before it ends.
  for (let i = 1; i < bars.length; i++) expect(bars[i].x).toBeCloseTo(bars[i - 1].x + bars[i - 1].width, 3);
  expect(figure.svg).not.toMatch(/aria-roledescription="bar"[^>]*stroke="#ffffff"/);
  await expect(histogram(bins, { highlight: { bin: 256, label: 'a', othersLabel: 'b' } })).rejects.toThrow('highlighted bin 256 is outside 0..255');
});

test('binValues counts into equal-width bins, the maximum in the last one', () => {
  expect(binValues([0, 1, 2, 3, 4], 2)).toEqual([
    { start: 0, end: 2, count: 2 },
    { start: 2, end: 4, count: 3 },
  ]);
  expect(binValues([5, 5], 3)).toEqual([{ start: 4.5, end: 5.5, count: 2 }]);
  expect(() => binValues([], 3)).toThrow('no values');
  expect(() => binValues([1, NaN], 3)).toThrow('not a finite number');
});

test('barChart draws one bar per category in the given order', async () => {
  const figure = await barChart(['zero', 'one', 'two & more'], [5, 7, 3], { title: 'Images per digit', xLabel: 'digit', yLabel: 'images' });
  expectRenders(figure);
  const all = texts(figure.svg);
  expect(all).toEqual(expect.arrayContaining(['Images per digit', 'digit', 'images', 'zero', 'one', 'two & more']));
  expect(all.indexOf('zero')).toBeLessThan(all.indexOf('one'));
  expect(all.indexOf('one')).toBeLessThan(all.indexOf('two & more'));
  expect(figure.svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
  expect(figure.svg).toContain(`fill="${PALETTE[0]}"`);
  await expect(barChart(['a'], [1, 2])).rejects.toThrow('1 categories but 2 values');
});

test('lineChart draws each series in its own palette colour with a legend', async () => {
  const figure = await lineChart(
    [
      { name: 'training', points: [[1, 0.5], [2, 0.3], [3, 0.2]] },
      { name: 'validation', points: [[1, 0.6], [2, 0.45], [3, 0.4]] },
    ],
    { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss' },
  );
  expectRenders(figure);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Loss per epoch', 'epoch', 'loss', 'training', 'validation']));
  expect(figure.svg.match(/aria-roledescription="line mark"/g)).toHaveLength(2);
  expect(figure.svg).toContain(`stroke="${PALETTE[0]}"`);
  expect(figure.svg).toContain(`stroke="${PALETTE[1]}"`);
  await expect(lineChart([])).rejects.toThrow('no series');
});

test('heatmap annotates every cell, white on dark cells and dark on light ones', async () => {
  const figure = await heatmap(
    [
      [50, 2],
      [3, 40],
    ],
    { title: 'Confusion matrix', xLabel: 'predicted', yLabel: 'true digit', rowLabels: ['cat', 'dog'], columnLabels: ['CAT', 'DOG'] },
  );
  expectRenders(figure);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Confusion matrix', 'predicted', 'true digit', 'cat', 'dog', 'CAT', 'DOG', '50', '2', '3', '40']));
  expect(figure.svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(4);
  expect(figure.svg.match(/aria-roledescription="text mark"/g)).toHaveLength(4);
  const cellText = (value: string) => new RegExp(`<text [^>]*fill="([^"]+)"[^>]*>${value}</text>`).exec(figure.svg)?.[1];
  expect(cellText('50')).toBe('#ffffff');
  expect(cellText('40')).toBe('#ffffff');
  expect(cellText('2')).toBe('#222222');
  expect(cellText('3')).toBe('#222222');

  const plain = await heatmap([[0.25, 0.5]], { annotate: false });
  expect(texts(plain.svg)).not.toContain('0.25');
  const formatted = await heatmap([[0.25, 0.5]]);
  expect(texts(formatted.svg)).toEqual(expect.arrayContaining(['0.25', '0.50']));
  await expect(heatmap([[1, 2], [3]])).rejects.toThrow('row 1 has 1 values');
});

test('imageGrid marks predictions right (green) or wrong ("true → predicted", red)', async () => {
  const images = { images: new Uint8Array(3 * 4).fill(200), count: 3, rows: 2, cols: 2 };
  const figure = await imageGrid(images, { indices: [0, 1, 2], labels: [7, 3, 1], predictions: [7, 8, 1], columns: 3 });
  expectRenders(figure);
  expect(figure.svg).toContain(`fill="${RIGHT_COLOR}">7</text>`);
  expect(figure.svg).toContain(`font-weight="bold" fill="${WRONG_COLOR}">3 \u2192 8</text>`);
  expect(figure.svg).toContain(`fill="${RIGHT_COLOR}">1</text>`);
  expect((await imageGrid(images, { indices: [0], labels: ['5'] })).svg).toContain('fill="#222222">5</text>');
  await expect(imageGrid(images, { indices: [0], predictions: [1] })).rejects.toThrow('need the true labels');
  await expect(imageGrid(images, { indices: [0], labels: [1], predictions: [1], captions: ['x'] })).rejects.toThrow('not both');
  await expect(imageGrid(images, { indices: [0, 1], labels: [1, 2], predictions: [1] })).rejects.toThrow('2 images but 1 predictions');
});

test('figures save as SVG and PNG and read back', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charts-'));
  try {
    const figure = await barChart(['a', 'b'], [1, 2], { title: 'Saved' });
    const svgFile = path.join(dir, 'out', 'chart.svg');
    const pngFile = path.join(dir, 'out', 'chart.PNG');
    expect(await figure.save(svgFile)).toBe(svgFile);
    expect(await figure.save(pngFile)).toBe(pngFile);
    expect(await fs.readFile(svgFile, 'utf8')).toBe(figure.svg);
    expectPng(new Uint8Array(await fs.readFile(pngFile)), figure, 2);
    await expect(figure.save(path.join(dir, 'chart.jpg'))).rejects.toThrow('figures save as .svg or .png');
    expect((await fs.readdir(path.join(dir, 'out'))).sort()).toEqual(['chart.PNG', 'chart.svg']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('toPNG refuses a scale that is not positive', async () => {
  const figure = await imageGrid({ images: new Uint8Array(4), count: 1, rows: 2, cols: 2 });
  expect(() => figure.toPNG(0)).toThrow('scale must be a positive number');
});

const HISTORY: EpochRecord[] = [
  { epoch: 1, loss: 0.5, accuracy: 0.85, valLoss: 0.3, valAccuracy: 0.9, seconds: 2 },
  { epoch: 2, loss: 0.2, accuracy: 0.94, valLoss: 0.25, valAccuracy: 0.93, seconds: 2 },
  { epoch: 3, loss: 0.1, accuracy: 0.97, valLoss: 0.27, valAccuracy: 0.925, seconds: 2 },
];

test('trainingCurves: loss and accuracy panels, training beside validation', async () => {
  const figure = await trainingCurves(HISTORY, { title: 'mlp: curves' });
  expectRenders(figure);
  const labels = texts(figure.svg);
  for (const label of ['mlp: curves', 'Loss', 'Accuracy (%)', 'epoch', 'cross-entropy', 'training', 'validation']) expect(labels).toContain(label);
  // Two panels with two lines each: training and validation.
  expect(figure.svg.match(/aria-roledescription="line mark"/g)).toHaveLength(4);
  // One tick per epoch, each once per panel.
  expect(labels.filter((label) => label === '2')).toHaveLength(2);
  const withoutValidation = await trainingCurves(HISTORY.map(({ epoch, loss, accuracy, seconds }) => ({ epoch, loss, accuracy, seconds })));
  expect(texts(withoutValidation.svg)).not.toContain('validation');
  await expect(trainingCurves([])).rejects.toThrow('no epochs');
});

test('stackFigures puts figures under each other in one SVG document', async () => {
  const top = await imageGrid({ images: new Uint8Array(784).fill(200), count: 1, rows: 28, cols: 28 }, { captions: ['a'], columns: 1 });
  const bottom = await trainingCurves(HISTORY);
  const stacked = stackFigures([top, bottom], { gap: 10 });
  expect(stacked.width).toBe(Math.max(top.width, bottom.width));
  expect(stacked.height).toBe(top.height + 10 + bottom.height);
  expect(stacked.svg).toContain(`y="${top.height + 10}"`);
  expectRenders(stacked);
  expect(texts(stacked.svg)).toEqual(expect.arrayContaining(['a', 'Loss']));
});

const RESULTS: ModelResult[] = [
  { name: 'mlp-784', description: 'MLP', parameters: 623290, epochs: 10, keptEpoch: 9, batchSize: 200, backend: 'wasm', profile: 'full', trainImages: 54000, trainingSeconds: 80, secondsPerEpoch: 8, testAccuracy: 0.9824, testLoss: 0.06, finishedAt: '' },
  { name: 'mlp-512-512', description: 'MLP', parameters: 669706, epochs: 10, batchSize: 64, backend: 'wasm', profile: 'full', trainImages: 54000, trainingSeconds: 140, secondsPerEpoch: 14, testAccuracy: 0.981, testLoss: 0.08, finishedAt: '' },
];

test('comparison: a table and a chart of parameters, time and accuracy beside the tutorials\' figures', async () => {
  const table = comparisonTable(RESULTS);
  expect(table).toContain('| mlp-784 | 623,290 | 10 (9) | 8.0 | wasm | 98.24% | 98.29% |');
  expect(table).toContain('| mlp-512-512 | 669,706 | 10 | 14.0 | wasm | 98.10% | — |');
  const figure = await comparisonFigure(RESULTS);
  expectRenders(figure);
  const labels = texts(figure.svg);
  for (const label of ['Models compared', 'Test error (%)', 'Seconds per epoch', 'mlp-784', 'mlp-512-512']) expect(labels).toContain(label);
  // One legend for colour and shape, and an error axis that starts at zero.
  expect(labels.filter((label) => label === 'this series')).toHaveLength(1);
  expect(labels.filter((label) => label === 'tutorial reports')).toHaveLength(1);
  expect(labels).toContain('0.0');
});
