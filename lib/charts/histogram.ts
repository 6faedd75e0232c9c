import { Figure } from './figure';
import { PALETTE, PLOT_HEIGHT, PLOT_WIDTH } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

/** One bar of a histogram: the values in [start, end) (the last bin includes its end). */
export interface HistogramBin {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** One bin drawn in a second colour and named in a legend, e.g. the background pixels at 0. */
export interface HistogramHighlight {
  /** Index of the bin in the list of bins. */
  readonly bin: number;
  /** Legend entry for that bin. */
  readonly label: string;
  /** Legend entry for every other bin. */
  readonly othersLabel: string;
}

export interface HistogramOptions extends ChartOptions {
  /** Lines under the title, e.g. to say how the axes are drawn. */
  readonly subtitle?: string | readonly string[];
  /** Number of equal-width bins when raw values are given; default 30. */
  readonly bins?: number;
  /**
   * Logarithmic count axis, for counts that span orders of magnitude. Empty
   * bins are left out, and bars rise from `logFloor(bins)`, below the
   * smallest count, so a bin that holds a single value still shows.
   */
  readonly logScale?: boolean;
  /** A bin to set apart in its own colour. */
  readonly highlight?: HistogramHighlight;
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
 * Where the bars of a log-scale histogram start: half the largest power of
 * ten not above the smallest non-zero count (0.5 when some bin holds a single
 * value, 5,000 when the smallest holds 13,000). A log axis has no zero, and
 * bars drawn up from a floor of 1 would leave a count of 1 with no height.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export function logFloor(bins: readonly HistogramBin[]): number {
  const smallest = Math.min(...bins.filter((bin) => bin.count > 0).map((bin) => bin.count));
  if (!Number.isFinite(smallest)) throw new RangeError('histogram: a log scale needs at least one non-empty bin');
  return 10 ** Math.floor(Math.log10(smallest)) / 2;
}

/**
 * Draws the distribution of numbers as a histogram of solid, touching bars.
 * Pass raw values (binned here into equal-width bins) or bins already
 * counted, e.g. one per pixel value. The value axis leaves a little room at
 * both ends, so the first and last bars stand clear of the axes.
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export async function histogram(data: ArrayLike<number> | readonly HistogramBin[], options: HistogramOptions = {}): Promise<Figure> {
  const bins = isBinList(data) ? data : binValues(data, options.bins ?? 30);
  const { highlight, logScale = false } = options;
  if (highlight && !(Number.isInteger(highlight.bin) && highlight.bin >= 0 && highlight.bin < bins.length)) {
    throw new RangeError(`histogram: highlighted bin ${highlight.bin} is outside 0..${bins.length - 1}`);
  }
  const floor = logScale ? logFloor(bins) : 0;
  const rows = bins
    .map((bin, i) => ({ start: bin.start, end: bin.end, count: bin.count, floor, kind: i === highlight?.bin ? highlight.label : highlight?.othersLabel ?? '' }))
    .filter((row) => !logScale || row.count > 0);
  const low = Math.min(...bins.map((bin) => bin.start));
  const high = Math.max(...bins.map((bin) => bin.end));
  const margin = (high - low) * 0.015;
  const colour = highlight
    ? { field: 'kind', type: 'nominal', scale: { domain: [highlight.label, highlight.othersLabel], range: [PALETTE[3], PALETTE[0]] }, legend: { title: null, orient: 'top-right', labelLimit: 0 } }
    : { value: PALETTE[0] };
  const figure = await renderVegaLite(
    {
      title: options.subtitle ? { text: options.title ?? '', subtitle: options.subtitle } : options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: rows },
      // No gap and no outline between bars: at 256 bins a 1-pixel gap or a white edge leaves hairlines.
      mark: { type: 'bar', binSpacing: 0, strokeWidth: 0 },
      encoding: {
        x: {
          field: 'start',
          type: 'quantitative',
          bin: { binned: true },
          title: axisTitle(options.xLabel),
          scale: { domain: [low - margin, high + margin], nice: false, zero: false },
        },
        x2: { field: 'end' },
        y: {
          field: 'count',
          type: 'quantitative',
          title: axisTitle(options.yLabel ?? 'count'),
          // The top of a log axis at the next power of ten, so it ends on a labelled line.
          ...(logScale ? { stack: null, scale: { type: 'log', domain: [floor, 10 ** Math.ceil(Math.log10(Math.max(...rows.map((row) => row.count))))], nice: false } } : {}),
        },
        ...(logScale ? { y2: { field: 'floor' } } : {}),
        color: colour,
      },
    },
    'histogram',
  );
  // renderVegaLite takes its plain-text title from a string title only.
  return options.subtitle && options.title ? new Figure(figure.svg, figure.width, figure.height, options.title) : figure;
}

function isBinList(data: ArrayLike<number> | readonly HistogramBin[]): data is readonly HistogramBin[] {
  return data.length > 0 && typeof data[0] === 'object';
}
