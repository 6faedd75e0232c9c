/**
 * Comparing trained models: one table and one chart of parameters, seconds
 * per epoch and test accuracy, beside what the source tutorials report.
 */
import type { Figure } from '../charts/figure';
import { PALETTE } from '../charts/theme';
import { renderVegaLite } from '../charts/vega-render';
import { formatPercent, markdownTable } from '../base/format';
import type { ModelResult } from './results';
import { REPORTED_TEST_ACCURACY } from './seed-results';


/**
 * Header and rows of the comparison table (one row per model, in the order given).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function comparisonRows(results: readonly ModelResult[]): { header: string[]; rows: string[][] } {
  return {
    header: ['model', 'parameters', 'epochs (kept)', 's / epoch', 'backend', 'test accuracy', 'tutorial reports'],
    rows: results.map((r) => [
      r.name,
      r.parameters.toLocaleString('en-US'),
      r.keptEpoch === undefined ? String(r.epochs) : `${r.epochs} (${r.keptEpoch})`,
      r.secondsPerEpoch.toFixed(1),
      r.backend,
      formatPercent(r.testAccuracy),
      REPORTED_TEST_ACCURACY[r.name] ? formatPercent(REPORTED_TEST_ACCURACY[r.name].accuracy) : '—',
    ]),
  };
}

/**
 * The comparison as a Markdown table (for READMEs and notebooks).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function comparisonTable(results: readonly ModelResult[]): string {
  const { header, rows } = comparisonRows(results);
  return markdownTable(header, rows);
}

/** The two kinds of point in the comparison, in legend order. */
const SOURCES = ['this series', 'tutorial reports'];

/**
 * Two panels side by side: test error per model (with the tutorial's figure
 * where it reports one) and seconds per training epoch. Error rather than
 * accuracy, on an axis from zero, so that 0.9% against 1.8% looks like the
 * halving it is and a 0.3-point gap stays small.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function comparisonFigure(results: readonly ModelResult[], options: { readonly title?: string } = {}): Promise<Figure> {
  const { title = 'Models compared' } = options;
  if (results.length === 0) throw new Error('comparisonFigure: no results');
  const names = results.map((r) => r.name);
  const accuracy = results.flatMap((r) => {
    const points = [{ model: r.name, source: 'this series', error: 100 * (1 - r.testAccuracy) }];
    const reported = REPORTED_TEST_ACCURACY[r.name];
    if (reported) points.push({ model: r.name, source: 'tutorial reports', error: 100 * (1 - reported.accuracy) });
    return points;
  });
  const height = Math.max(120, 28 * results.length);
  return renderVegaLite(
    {
      title,
      hconcat: [
        {
          width: 280,
          height,
          title: 'Test error (%)',
          data: { values: accuracy },
          mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            y: { field: 'model', type: 'nominal', sort: names, title: null },
            x: { field: 'error', type: 'quantitative', title: 'test error (%, lower is better)', scale: { zero: true } },
            // Colour and shape encode the same thing with the same scale domain, so vega-lite draws one legend.
            color: { field: 'source', type: 'nominal', scale: { domain: SOURCES, range: [PALETTE[0], PALETTE[1]] }, legend: { title: null, orient: 'bottom' } },
            shape: { field: 'source', type: 'nominal', scale: { domain: SOURCES, range: ['circle', 'square'] }, legend: { title: null, orient: 'bottom' } },
          },
        },
        {
          width: 220,
          height,
          title: 'Seconds per epoch',
          data: { values: results.map((r) => ({ model: r.name, seconds: r.secondsPerEpoch })) },
          mark: { type: 'bar', color: PALETTE[2] },
          encoding: {
            y: { field: 'model', type: 'nominal', sort: names, title: null },
            x: { field: 'seconds', type: 'quantitative', title: `seconds per epoch (${results[0].backend})` },
          },
        },
      ],
    },
    title,
  );
}
