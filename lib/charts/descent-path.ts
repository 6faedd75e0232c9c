import type { Figure } from './figure';
import type { LineSeries } from './line-chart';
import { PLOT_HEIGHT, PLOT_WIDTH } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

/**
 * Draws a one-parameter loss curve in gray and, on top of it, the points
 * gradient descent visited, joined in the order of its steps (not sorted by
 * x, so a run that overshoots is seen zigzagging across the valley). Each
 * path is one `LineSeries` whose points are [parameter, loss] step by step.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export async function descentPathFigure(curve: LineSeries, paths: readonly LineSeries[], options: ChartOptions = {}): Promise<Figure> {
  if (curve.points.length < 2) throw new Error('descentPathFigure: the curve needs at least two points');
  const names = paths.map((p) => p.name);
  if (new Set([curve.name, ...names]).size !== names.length + 1) throw new Error('descentPathFigure: the curve and the paths need different names');
  const x = { field: 'x', type: 'quantitative', title: axisTitle(options.xLabel) };
  const y = { field: 'y', type: 'quantitative', title: axisTitle(options.yLabel) };
  const stepRows = paths.flatMap((p) => p.points.map(([px, py], step) => ({ series: p.name, x: px, y: py, step })));
  return renderVegaLite(
    {
      title: options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      layer: [
        {
          data: { values: curve.points.map(([px, py]) => ({ x: px, y: py })) },
          mark: { type: 'line', color: '#999999', strokeWidth: 2 },
          encoding: { x, y },
        },
        {
          data: { values: stepRows },
          mark: { type: 'line', point: true, strokeWidth: 1.5 },
          encoding: {
            x,
            y,
            order: { field: 'step', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', sort: names, legend: { title: null, orient: 'bottom' } },
          },
        },
      ],
    },
    'gradient descent path',
  );
}
