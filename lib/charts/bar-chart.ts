import type { Figure } from './figure';
import { PLOT_HEIGHT, PLOT_WIDTH } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

/**
 * Draws one bar per category, in the order given (e.g. how many images of
 * each digit a data set holds).
 *
 * Introduced in chapter 02 (Histograms and normalisation, notebooks/02-histograms-and-normalisation.ipynb).
 */
export async function barChart(categories: readonly (string | number)[], values: readonly number[], options: ChartOptions = {}): Promise<Figure> {
  if (categories.length !== values.length) {
    throw new Error(`barChart: ${categories.length} categories but ${values.length} values`);
  }
  const names = categories.map(String);
  if (new Set(names).size !== names.length) throw new Error('barChart: category names must be different from each other');
  return renderVegaLite(
    {
      title: options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: names.map((category, i) => ({ category, value: values[i] })) },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'category', type: 'nominal', sort: names, title: axisTitle(options.xLabel), axis: { labelAngle: 0 } },
        y: { field: 'value', type: 'quantitative', title: axisTitle(options.yLabel) },
      },
    },
    'bar chart',
  );
}
