/** The image grid figure, the pixel histograms of chapter 02, and notebook/terminal output helpers. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageGrid } from '../lib/charts/image-grid';
import { markdownTable } from '../lib/base/format';
import { describeProfile, epochsFor, profileByName } from '../lib/base/profile';
import { type DigitSet, firstImages, imageAt } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { pixelValueCounts } from '../lib/data/pixel-stats';
import { oneImageHistogramFigure, pixelHistogramFigure, scaledHistogramFigure, standardisedHistogramFigure } from '../lib/reports/series-figures';

/** Two 2x3 images: the first all background, the second with one full-ink and one grey pixel. */
const images = { images: Uint8Array.from([0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128, 0]), count: 2, rows: 2, cols: 3 };

test('imageGrid draws each image with its caption and only the inked pixels', async () => {
  const figure = await imageGrid(images, { indices: [0, 1], captions: ['zero', 'a & b'], columns: 2, scale: 10, title: 'Two <images>' });
  expect(figure.svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
  expect(figure.svg).toContain('>zero</text>');
  expect(figure.svg).toContain('>a &#38; b</text>');
  expect(figure.svg).toContain('>Two &#60;images&#62;</text>');
  // Image 0 has no ink, image 1 has a white and a grey run: two paths in all.
  const paths = figure.svg.match(/<path fill="rgb\((\d+),\1,\1\)" d="[^"]+"\/>/g) ?? [];
  expect(paths).toHaveLength(2);
  expect(figure.svg).toContain('<path fill="rgb(255,255,255)" d="M0 0h1v1h-1z"/>');
  const grey = /<path fill="rgb\((\d+),\1,\1\)" d="M1 1h1v1h-1z"\/>/.exec(figure.svg);
  // Shades are quantised to 32 levels: 128 may be drawn up to 4 levels of 255 away.
  expect(Math.abs(Number(grey?.[1]) - 128)).toBeLessThanOrEqual(4);
  expect(figure.width).toBe(6 + 2 * (30 + 6));
});

test('imageGrid refuses bad indices and mismatched captions', async () => {
  await expect(imageGrid(images, { indices: [2] })).rejects.toThrow('image index 2 is outside 0..1');
  await expect(imageGrid(images, { indices: [0, 1], captions: ['one'] })).rejects.toThrow('2 images but 1 captions');
});

test('a figure saves as SVG atomically and refuses other extensions', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'figure-'));
  const figure = await imageGrid(images);
  const file = path.join(dir, 'nested', 'grid.svg');
  await figure.save(file);
  expect(await fs.readFile(file, 'utf8')).toBe(figure.svg);
  await expect(figure.save(path.join(dir, 'grid.pdf'))).rejects.toThrow('figures save as .svg or .png');
  expect((await fs.readdir(path.join(dir, 'nested'))).sort()).toEqual(['grid.svg']);
  await fs.rm(dir, { recursive: true, force: true });
});

test('markdownTable right-aligns numeric columns, separates thousands and escapes pipes', () => {
  expect(markdownTable(['digit', 'count', 'share', 'note'], [['a|b', 3, '98.24%', '1'], ['c', 12345, '—', 'x']])).toBe(
    ['| digit | count | share | note |', '| --- | ---: | ---: | --- |', '| a\\|b | 3 | 98.24% | 1 |', '| c | 12,345 | — | x |'].join('\n'),
  );
});

test('profiles: names, descriptions and epoch caps', () => {
  expect(profileByName('QUICK').trainSize).toBe(2000);
  expect(() => profileByName('fast')).toThrow('unknown profile "fast"');
  expect(describeProfile(profileByName('quick'))).toContain('Profile **quick**');
  expect(epochsFor(10, profileByName('quick'))).toBe(1);
  expect(epochsFor(10, profileByName('full'))).toBe(10);
});

describe('the pixel histograms of chapter 02, on real MNIST', () => {
  let train: DigitSet;
  beforeAll(async () => {
    train = firstImages((await loadMnist()).train, 2000);
  });

  /** The bars of a figure: position and size (to 0.01 pixel) and colour. */
  const bars = (svg: string) =>
    [...svg.matchAll(/<path [^>]*aria-roledescription="bar" d="([^"]+)"[^>]*fill="([^"]+)"/g)].map(
      ([, d, fill]) => `${d.replace(/-?[\d.]+(e-?\d+)?/g, (n) => Number(n).toFixed(2))} ${fill}`,
    );

  test('one bar per pixel value that occurs, the background bar set apart', async () => {
    const figure = await pixelHistogramFigure(train);
    const occurring = pixelValueCounts(train.images).filter((count) => count > 0).length;
    expect(bars(figure.svg)).toHaveLength(occurring);
    expect(bars(figure.svg)[0]).toMatch(/#D55E00$/);
    expect(figure.title).toBe('Pixel values of all 2,000 training images');
    expect(figure.svg).toContain('256 bins');
  });

  test('dividing by 255 or standardising moves only the axis: the same bars, under a title that says so', async () => {
    const raw = await pixelHistogramFigure(train);
    const scaled = await scaledHistogramFigure(train);
    const standardised = await standardisedHistogramFigure(train);
    expect(scaled.title).toBe('Scaled pixels (÷ 255) of all 2,000 training images');
    expect(scaled.title).not.toBe(raw.title);
    expect(bars(scaled.svg)).toEqual(bars(raw.svg));
    expect(bars(standardised.svg)).toEqual(bars(raw.svg));
  });

  test('one image, raw and scaled: a single pixel at a value still draws a bar', async () => {
    const raw = await oneImageHistogramFigure(train, 3);
    const scaled = await oneImageHistogramFigure(train, 3, { scaled: true });
    expect(raw.title).toBe('Pixel values of image 3 (label 1)');
    expect(scaled.title).toBe('Scaled pixels (÷ 255) of image 3 (label 1)');
    expect(bars(scaled.svg)).toEqual(bars(raw.svg));
    const counts = pixelValueCounts(imageAt(train, 3));
    expect(counts.filter((count) => count === 1).length).toBeGreaterThan(0);
    const heights = bars(raw.svg).map((bar) => Number(/v([\d.]+)/.exec(bar)![1]));
    expect(Math.min(...heights)).toBeGreaterThan(5);
  });
});
