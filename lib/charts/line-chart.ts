import type { Figure } from './figure';
import { PLOT_HEIGHT, PLOT_WIDTH } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

/** One named line: its points as [x, y] pairs. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/**
 * Draws one or more lines on shared axes with a legend naming them, e.g.
 * training and validation loss per epoch.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function lineChart(series: readonly LineSeries[], options: ChartOptions = {}): Promise<Figure> {
  if (series.length === 0) throw new Error('lineChart: no series');
  const names = series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new Error('lineChart: series names must be different from each other');
  const rows = series.flatMap((s) => s.points.map(([x, y]) => ({ series: s.name, x, y })));
  return renderVegaLite(
    {
      title: options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: rows },
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: axisTitle(options.xLabel), scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: axisTitle(options.yLabel), scale: { zero: false } },
        color: { field: 'series', type: 'nominal', sort: names, legend: { title: null, orient: 'bottom' } },
      },
    },
    'line chart',
  );
}
