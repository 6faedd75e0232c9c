/**
 * The confidence of right and wrong answers side by side: for each bin of top
 * probability, the share of the right answers and the share of the wrong
 * ones that fall in it (each group adds up to 100%, however few mistakes there are).
 */
import type { Figure } from '../charts/figure';
import { PLOT_HEIGHT, PLOT_WIDTH, RIGHT_COLOR, WRONG_COLOR } from '../charts/theme';
import { renderVegaLite } from '../charts/vega-render';
import type { ConfidenceBin } from './confidence';

/**
 * Grouped bars: x the bins of top probability (as `confidenceByOutcome`
 * makes them), y the percentage of the right answers (green) and of the wrong
 * answers (orange) in each bin, each bar labelled with its count of images.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function confidenceFigure(bins: readonly ConfidenceBin[], options: { readonly title?: string } = {}): Promise<Figure> {
  const totalRight = bins.reduce((sum, bin) => sum + bin.right, 0);
  const totalWrong = bins.reduce((sum, bin) => sum + bin.wrong, 0);
  const rightName = `right answers (${totalRight.toLocaleString('en-US')})`;
  const wrongName = `wrong answers (${totalWrong.toLocaleString('en-US')})`;
  const share = (count: number, total: number): number => (total === 0 ? 0 : (100 * count) / total);
  const rows = bins.flatMap((bin) => [
    { bin: bin.label, outcome: rightName, percent: share(bin.right, totalRight), count: bin.right.toLocaleString('en-US') },
    { bin: bin.label, outcome: wrongName, percent: share(bin.wrong, totalWrong), count: bin.wrong.toLocaleString('en-US') },
  ]);
  const x = { field: 'bin', type: 'nominal', sort: bins.map((bin) => bin.label), title: 'probability of the predicted digit', axis: { labelAngle: 0 } };
  const xOffset = { field: 'outcome', type: 'nominal', sort: [rightName, wrongName] };
  const y = { field: 'percent', type: 'quantitative', title: '% of the answers of its kind', scale: { domain: [0, 100] } };
  return renderVegaLite(
    {
      title: options.title ?? 'How sure the network was, right answers against wrong ones',
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: { x, xOffset, y, color: { field: 'outcome', type: 'nominal', title: null, sort: [rightName, wrongName], scale: { range: [RIGHT_COLOR, WRONG_COLOR] }, legend: { orient: 'top', direction: 'horizontal', labelLimit: 320 } } },
        },
        { mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10 }, encoding: { x, xOffset, y, text: { field: 'count' } } },
      ],
    },
    'confidence of right and wrong answers',
  );
}
