/**
 * One image's ten class probabilities as a chart that stays informative when
 * the network is sure: bars on a 0-100% axis, each labelled with its value,
 * over the same probabilities as points on a log axis, where the runners-up
 * that a linear axis flattens to nothing are told apart.
 */
import type { Figure } from '../charts/figure';
import { PALETTE, PLOT_WIDTH, WRONG_COLOR } from '../charts/theme';
import { renderVegaLite } from '../charts/vega-render';
import { rowArgmax } from '../base/argmax';

/** How `probabilityBarFigure` draws. */
export interface ProbabilityFigureOptions {
  readonly title?: string;
  /** The image's true digit, when known: its bar is coloured apart from the prediction's. */
  readonly trueDigit?: number;
}

/** Probabilities below this are drawn at it on the log axis (float32 softmax outputs can be 0). */
const LOG_FLOOR = 1e-12;

/**
 * A probability as a bar label: two decimals of a percent, `<0.01%` below
 * that and `>99.99%` for a value that is not 1 but would round to 100.00%.
 */
export function probabilityLabel(p: number): string {
  if (p >= 1) return '100%';
  if (p > 0.9999) return '>99.99%';
  if (p < 0.0001) return p <= 0 ? '0%' : '<0.01%';
  return `${(100 * p).toFixed(2)}%`;
}

/** The log axis's lower end: the power of ten at or below the smallest probability, no lower than LOG_FLOOR. */
function logAxisFloor(values: readonly number[]): number {
  const smallest = Math.max(LOG_FLOOR, Math.min(...values));
  return Math.min(0.1, 10 ** Math.floor(Math.log10(smallest)));
}

/**
 * One image's class probabilities, one bar per digit on a 0-100% axis with
 * every bar's value written above it, and below them the same probabilities
 * as points on a log axis (1 down to the power of ten under the smallest;
 * values under 1e-12 are drawn at 1e-12). The predicted digit is blue; with
 * `trueDigit` given and different, the true digit is orange.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function probabilityBarFigure(probabilities: ArrayLike<number>, options: ProbabilityFigureOptions = {}): Promise<Figure> {
  const { title = 'Predicted probability of each digit', trueDigit } = options;
  const values = Array.from(probabilities);
  if (values.length === 0) throw new RangeError('probabilityBarFigure: no probabilities');
  const predicted = rowArgmax(values, 0, values.length);
  const role = (digit: number): string => (digit === predicted ? 'prediction' : digit === trueDigit ? 'true digit' : 'other digits');
  const floor = logAxisFloor(values);
  const rows = values.map((p, digit) => ({
    digit: String(digit), percent: 100 * p, label: probabilityLabel(p), onLog: Math.max(p, floor), role: role(digit),
  }));
  const digits = rows.map((row) => row.digit);
  const roles = ['prediction', ...(trueDigit !== undefined && trueDigit !== predicted ? ['true digit'] : []), 'other digits'];
  const color = {
    field: 'role', type: 'nominal', title: null,
    scale: { domain: roles, range: roles.map((r) => (r === 'prediction' ? PALETTE[0] : r === 'true digit' ? WRONG_COLOR : PALETTE[7])) },
  };
  const x = { field: 'digit', type: 'nominal', sort: digits, title: 'digit', axis: { labelAngle: 0 } };
  return renderVegaLite(
    {
      title,
      data: { values: rows },
      vconcat: [
        {
          width: PLOT_WIDTH, height: 220,
          layer: [
            { mark: { type: 'bar' }, encoding: { x, y: { field: 'percent', type: 'quantitative', title: 'probability (%)', scale: { domain: [0, 100] } }, color } },
            { mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10 }, encoding: { x, y: { field: 'percent', type: 'quantitative' }, text: { field: 'label' } } },
          ],
        },
        {
          width: PLOT_WIDTH, height: 160,
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            x,
            y: { field: 'onLog', type: 'quantitative', title: 'probability, log scale', scale: { type: 'log', domain: [floor, 1] }, axis: { format: '~e', tickCount: 6 } },
            color,
          },
        },
      ],
    },
    'probabilities',
  );
}
