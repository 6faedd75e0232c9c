/**
 * How well whole numbers were read, group by group (chapter 08): the share
 * of digits and the share of whole strings read right, side by side.
 */
import type { Figure } from '../charts/figure';
import { PALETTE, PLOT_HEIGHT, PLOT_WIDTH } from '../charts/theme';
import { axisTitle, renderVegaLite, type ChartOptions } from '../charts/vega-render';
import type { NumberScore } from './number-score';

/** One group of readings (a gap kind, say) and its score. */
export interface NamedNumberScore {
  readonly name: string;
  readonly score: NumberScore;
}

const MEASURES = ['digits right', 'strings right'] as const;

/**
 * One pair of bars per group: the per-digit accuracy and the whole-string
 * accuracy of scoreNumbers, in percent, each bar labelled with its value
 * (one decimal), groups in the order given.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function numberScoresFigure(groups: readonly NamedNumberScore[], options: ChartOptions = {}): Promise<Figure> {
  if (groups.length === 0) throw new Error('numberScoresFigure: no groups');
  const names = groups.map((group) => group.name);
  if (new Set(names).size !== names.length) throw new Error('numberScoresFigure: group names must be different from each other');
  const rows = groups.flatMap(({ name, score }) => [
    { group: name, measure: MEASURES[0], percent: 100 * score.digitAccuracy },
    { group: name, measure: MEASURES[1], percent: 100 * score.stringAccuracy },
  ]).map((row) => ({ ...row, label: row.percent.toFixed(1) }));
  const x = { field: 'group', type: 'nominal', sort: names, title: axisTitle(options.xLabel), axis: { labelAngle: 0 } };
  return renderVegaLite(
    {
      title: options.title,
      width: PLOT_WIDTH,
      height: PLOT_HEIGHT,
      data: { values: rows },
      encoding: {
        x,
        xOffset: { field: 'measure', type: 'nominal', sort: [...MEASURES] },
        y: { field: 'percent', type: 'quantitative', title: axisTitle(options.yLabel ?? 'read right (%)'), scale: { domain: [0, 100] } },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: { color: { field: 'measure', type: 'nominal', sort: [...MEASURES], scale: { range: [PALETTE[0], PALETTE[1]] }, legend: { title: null, orient: 'bottom' } } },
        },
        { mark: { type: 'text', dy: -7, fontSize: 11 }, encoding: { text: { field: 'label' } } },
      ],
    },
    'number scores',
  );
}
