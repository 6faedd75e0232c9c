import type { Figure } from './figure';
import { PLOT_HEIGHT, PLOT_WIDTH } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

/** One bar of a histogram: the values in [start, end) (the last bin includes its end). */
export interface HistogramBin {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins when raw values are given; default 30. */
  readonly bins?: number;
  /** Logarithmic count axis, for counts that span orders of magnitude (empty bins are left out). */
  readonly logScale?: boolean;
}

/**
 * Counts values into `count` equal-width bins between their minimum and maximum.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function binValues(values: ArrayLike<number>, count = 30): HistogramBin[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`histogram: bins must be a positive integer, not ${count}`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`histogram: value ${v} at index ${i} is not a finite number`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) throw new RangeError('histogram: no values');
  if (min === max) return [{ start: min - 0.5, end: max + 0.5, count: values.length }];
  const width = (max - min) / count;
  const counts = new Array<number>(count).fill(0);
  for (let i = 0; i < values.length; i++) {
    counts[Math.min(count - 1, Math.floor((values[i] - min) / width))]++;
  }
  return counts.map((n, i) => ({ start: min + i * width, end: i === count - 1 ? max : min + (i + 1) * width, count: n }));
}

/**
 * Draws the distribution of numbers as a histogram. Pass raw values (binned
 * here into equal-width bins) or bins already counted, e.g. from a data set summary.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export async function histogram(data: ArrayLike<number> | readonly HistogramBin[], options: HistogramOptions = {}): Promise<Figure> {
  const bins = isBinList(data) ? data : binValues(data, options.bins ?? 30);
  const rows = bins.filter((bin) => !options.logScale || bin.count > 0).map((bin) => ({ start: bin.start, end: bin.end, count: bin.count }));
  return renderVegaLite(
    {
      title: options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: rows },
      mark: { type: 'bar', stroke: '#ffffff', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: axisTitle(options.xLabel) },
        x2: { field: 'end' },
        y: {
          field: 'count',
          type: 'quantitative',
          title: axisTitle(options.yLabel ?? 'count'),
          ...(options.logScale ? { stack: null, scale: { type: 'log' } } : {}),
        },
      },
    },
    'histogram',
  );
}

function isBinList(data: ArrayLike<number> | readonly HistogramBin[]): data is readonly HistogramBin[] {
  return data.length > 0 && typeof data[0] === 'object';
}
