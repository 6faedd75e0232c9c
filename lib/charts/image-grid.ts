import type { ImageSet } from '../data/digit-set';
import { Figure, escapeXml } from './figure';
import { grayRunPaths } from './gray-runs';
import { RIGHT_COLOR, TEXT_COLOR, WRONG_COLOR } from './theme';

export interface ImageGridOptions {
  /** Which images to draw (indices into `images`); defaults to the first `columns * 4`. */
  readonly indices?: readonly number[];
  /** Captions under the images, one per drawn image (e.g. their labels). */
  readonly captions?: readonly string[];
  /**
   * The true labels of the drawn images, one per drawn image. With `predictions`
   * they make the captions (and then `captions` must be left out); alone they
   * are the captions.
   */
  readonly labels?: readonly (string | number)[];
  /**
   * A model's predicted labels, one per drawn image (needs `labels`). A right
   * prediction is captioned with its label in green; a wrong one as
   * "true → predicted" in bold vermilion.
   */
  readonly predictions?: readonly (string | number)[];
  /**
   * With `predictions`: the probability the model gave each prediction (0 to
   * 1), shown after it, e.g. "4 → 9 (97%)", so a confident mistake reads as one.
   */
  readonly confidences?: readonly number[];
  /** Images per row; default 10. */
  readonly columns?: number;
  /** Screen pixels per image pixel; default 3. */
  readonly scale?: number;
  readonly title?: string;
}

const GRAY_LEVELS = 32;

/**
 * Draws grayscale images (MNIST digits) in a grid with an optional caption
 * under each, as a vector figure: white ink on black, as the data stores it.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function imageGrid(images: ImageSet, options: ImageGridOptions = {}): Promise<Figure> {
  const columns = options.columns ?? 10;
  const scale = options.scale ?? 3;
  const indices = options.indices ?? Array.from({ length: Math.min(images.count, columns * 4) }, (_, i) => i);
  const captions = gridCaptions(options, indices.length);
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= images.count) {
      throw new RangeError(`imageGrid: image index ${index} is outside 0..${images.count - 1}`);
    }
  }
  const gap = 6;
  const captionHeight = captions ? 16 : 0;
  // Captions with a confidence are longer: a point smaller keeps neighbours apart at the default scale.
  const captionSize = options.confidences ? 11 : 12;
  const titleHeight = options.title ? 26 : 0;
  const tileW = images.cols * scale;
  const tileH = images.rows * scale;
  const gridRows = Math.ceil(indices.length / columns);
  const width = gap + Math.min(columns, indices.length) * (tileW + gap);
  const height = titleHeight + gap + gridRows * (tileH + captionHeight + gap);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (options.title) {
    parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold" fill="#222222">${escapeXml(options.title)}</text>`);
  }
  indices.forEach((index, position) => {
    const x = gap + (position % columns) * (tileW + gap);
    const y = titleHeight + gap + Math.floor(position / columns) * (tileH + captionHeight + gap);
    parts.push(`<g transform="translate(${x} ${y})">`, `<rect width="${tileW}" height="${tileH}" fill="#000000"/>`);
    parts.push(`<g transform="scale(${scale})" shape-rendering="crispEdges">`);
    const offset = index * images.rows * images.cols;
    // Pixels grouped into GRAY_LEVELS shades; black (level 0) is the tile's background.
    const levels = images.images.subarray(offset, offset + images.rows * images.cols).map((pixel) => Math.round((pixel * (GRAY_LEVELS - 1)) / 255));
    parts.push(...grayRunPaths(levels, images.rows, images.cols, GRAY_LEVELS, 1));
    parts.push('</g>');
    if (captions) {
      const { text, color, bold } = captions[position];
      const weight = bold ? ' font-weight="bold"' : '';
      parts.push(`<text x="${tileW / 2}" y="${tileH + 13}" text-anchor="middle" font-size="${captionSize}"${weight} fill="${color}">${escapeXml(text)}</text>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return new Figure(parts.join('\n'), width, height, options.title ?? 'image grid');
}

interface Caption {
  readonly text: string;
  readonly color: string;
  readonly bold: boolean;
}

/** The caption of each drawn image from the options, or undefined when there are none. */
function gridCaptions(options: ImageGridOptions, count: number): Caption[] | undefined {
  const check = (list: readonly unknown[] | undefined, what: string): void => {
    if (list && list.length !== count) throw new Error(`imageGrid: ${count} images but ${list.length} ${what}`);
  };
  check(options.captions, 'captions');
  check(options.labels, 'labels');
  check(options.predictions, 'predictions');
  check(options.confidences, 'confidences');
  if (options.predictions) {
    if (!options.labels) throw new Error('imageGrid: predictions need the true labels as well');
    if (options.captions) throw new Error('imageGrid: give captions or labels with predictions, not both');
    const predictions = options.predictions;
    const confidences = options.confidences;
    // Rounded down, so a mistake made with 99.7% is not shown as a certain 100%.
    const percent = (i: number) => (confidences ? ` (${Math.floor(100 * confidences[i])}%)` : '');
    return options.labels.map((label, i) => {
      const predicted = predictions[i];
      return String(label) === String(predicted)
        ? { text: `${label}${percent(i)}`, color: RIGHT_COLOR, bold: false }
        : { text: `${label} \u2192 ${predicted}${percent(i)}`, color: WRONG_COLOR, bold: true };
    });
  }
  const texts = options.captions ?? options.labels?.map(String);
  return texts?.map((text) => ({ text, color: TEXT_COLOR, bold: false }));
}
