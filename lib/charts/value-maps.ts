import { Figure, escapeXml } from './figure';
import { grayRunPaths } from './gray-runs';
import { FONT_FAMILY, TEXT_COLOR } from './theme';

/** A grid of numbers to draw as gray squares: an image, a filter, a feature map. */
export interface ValueMap {
  /** The values row by row (`rows * cols` of them). */
  readonly values: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  /** Text under the map. */
  readonly caption?: string;
  /** Write each value in its cell; default the figure's `annotate` option. */
  readonly annotate?: boolean;
}

export interface ValueMapsOptions {
  readonly title?: string;
  /** Side in screen pixels of the drawn square each map is fitted into; default 84. */
  readonly tileSize?: number;
  /** Maps per row; default all in one row. */
  readonly columns?: number;
  /**
   * How values become grays. `positive`: 0 is black and each map's largest
   * value white (images, feature maps after ReLU). `signed`: 0 is mid-gray,
   * negative values darker, positive lighter, scaled by each map's largest
   * magnitude (filters, the output of an edge filter). Default, map by map:
   * `signed` for a map holding a negative value, else `positive`.
   */
  readonly shading?: 'positive' | 'signed';
  /** Write each value in its cell (for small maps such as a 3×3 filter), unless a map says otherwise; default false. */
  readonly annotate?: boolean;
  /** Digits after the decimal point of the written values; default 0 for whole numbers, else 2. */
  readonly digits?: number;
}

const GRAY_LEVELS = 64;

/** The gray level (0..GRAY_LEVELS-1) of every value of a map. */
function grayLevels(map: ValueMap, shading: 'positive' | 'signed'): Uint8Array {
  let largest = 0;
  for (let i = 0; i < map.values.length; i++) largest = Math.max(largest, Math.abs(map.values[i]));
  const scale = largest || 1;
  const top = GRAY_LEVELS - 1;
  return Uint8Array.from({ length: map.values.length }, (_, i) => {
    const v = map.values[i] / scale;
    const level = shading === 'signed' ? ((v + 1) / 2) * top : Math.max(0, v) * top;
    return Math.round(level);
  });
}

/** A value as written in its cell. */
function formatValue(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '\u2212');
}

/**
 * Draws grids of numbers (an input image, a filter, the feature maps a layer
 * makes) as gray squares side by side, each fitted into the same square tile
 * whatever its size, with a caption under each. Small maps can carry their
 * values written in the cells.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export async function valueMapsFigure(maps: readonly ValueMap[], options: ValueMapsOptions = {}): Promise<Figure> {
  if (maps.length === 0) throw new Error('valueMapsFigure: no maps to draw');
  for (const [i, map] of maps.entries()) {
    if (!(Number.isInteger(map.rows) && Number.isInteger(map.cols) && map.rows > 0 && map.cols > 0)) {
      throw new RangeError(`valueMapsFigure: map ${i} has ${map.rows}×${map.cols} cells`);
    }
    if (map.values.length !== map.rows * map.cols) {
      throw new RangeError(`valueMapsFigure: map ${i} is ${map.rows}×${map.cols} but has ${map.values.length} values`);
    }
    for (let v = 0; v < map.values.length; v++) {
      if (!Number.isFinite(map.values[v])) throw new RangeError(`valueMapsFigure: map ${i} holds ${map.values[v]}`);
    }
  }
  const shadingOf = (map: ValueMap) => options.shading ?? (Array.prototype.some.call(map.values, (v: number) => v < 0) ? 'signed' : 'positive');
  const tile = options.tileSize ?? 84;
  const columns = Math.min(options.columns ?? maps.length, maps.length);
  const gap = 8;
  const hasCaptions = maps.some((map) => map.caption);
  const captionHeight = hasCaptions ? 18 : 0;
  const titleHeight = options.title ? 26 : 0;
  const gridRows = Math.ceil(maps.length / columns);
  // Wide enough for the title too (bold 15px text: about 9 px a character).
  const width = Math.max(gap + columns * (tile + gap), options.title ? Math.ceil(options.title.length * 9) + 2 * gap : 0);
  const height = titleHeight + gap + gridRows * (tile + captionHeight + gap);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title) {
    parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold" fill="${TEXT_COLOR}">${escapeXml(options.title)}</text>`);
  }
  maps.forEach((map, position) => {
    const cell = tile / Math.max(map.rows, map.cols);
    const drawnW = cell * map.cols;
    const drawnH = cell * map.rows;
    const x = gap + (position % columns) * (tile + gap) + (tile - drawnW) / 2;
    const y = titleHeight + gap + Math.floor(position / columns) * (tile + captionHeight + gap) + (tile - drawnH) / 2;
    const levels = grayLevels(map, shadingOf(map));
    parts.push(`<g transform="translate(${x} ${y})">`);
    parts.push(`<g transform="scale(${cell})" shape-rendering="crispEdges">`, ...grayRunPaths(levels, map.rows, map.cols, GRAY_LEVELS), '</g>');
    parts.push(`<rect width="${drawnW}" height="${drawnH}" fill="none" stroke="#999999" stroke-width="1"/>`);
    if (map.annotate ?? options.annotate) {
      const digits = options.digits ?? (Array.prototype.every.call(map.values, (v: number) => Number.isInteger(v)) ? 0 : 2);
      const size = Math.max(8, Math.min(14, cell / 2.6));
      for (let r = 0; r < map.rows; r++) {
        for (let c = 0; c < map.cols; c++) {
          const light = levels[r * map.cols + c] > GRAY_LEVELS / 2;
          parts.push(
            `<text x="${(c + 0.5) * cell}" y="${(r + 0.5) * cell}" text-anchor="middle" dominant-baseline="central" font-size="${size}" fill="${light ? '#000000' : '#ffffff'}">${formatValue(map.values[r * map.cols + c], digits)}</text>`,
          );
        }
      }
    }
    if (map.caption) {
      parts.push(`<text x="${drawnW / 2}" y="${drawnH + (tile - drawnH) / 2 + 14}" text-anchor="middle" font-size="12" fill="${TEXT_COLOR}">${escapeXml(map.caption)}</text>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return new Figure(parts.join('\n'), width, height, options.title ?? 'value maps');
}
