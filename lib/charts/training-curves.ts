import type { EpochRecord } from '../types/training';
import type { Figure } from './figure';
import { PALETTE } from './theme';
import { renderVegaLite } from './vega-render';

const CURVE_WIDTH = 300;
const CURVE_HEIGHT = 200;

/** One panel of the curves: a metric per epoch for training and, when present, validation. */
function panel(history: readonly EpochRecord[], metric: 'loss' | 'accuracy', validationLabel: string): Record<string, unknown> {
  const validationKey = metric === 'loss' ? 'valLoss' : 'valAccuracy';
  const scale = metric === 'accuracy' ? 100 : 1;
  const rows = history.flatMap((record) => {
    const points = [{ epoch: record.epoch, series: 'training', value: record[metric] * scale }];
    const validation = record[validationKey];
    if (validation !== undefined) points.push({ epoch: record.epoch, series: validationLabel, value: validation * scale });
    return points;
  });
  const series = history.some((record) => record[validationKey] !== undefined) ? ['training', validationLabel] : ['training'];
  const epochs = history.map((record) => record.epoch);
  // One tick per epoch while they fit; whole numbers only in any case.
  const epochAxis = epochs.length <= 15 ? { values: epochs, format: 'd' } : { tickMinStep: 1, format: 'd' };
  return {
    width: CURVE_WIDTH,
    height: CURVE_HEIGHT,
    title: metric === 'loss' ? 'Loss' : 'Accuracy (%)',
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: epochAxis, scale: { zero: false } },
      y: { field: 'value', type: 'quantitative', title: metric === 'loss' ? 'cross-entropy' : 'accuracy (%)', scale: { zero: false } },
      color: {
        field: 'series', type: 'nominal', sort: series,
        scale: { domain: series, range: [PALETTE[0], PALETTE[1]].slice(0, series.length) },
        legend: { title: null, orient: 'bottom' },
      },
    },
  };
}

/** How `trainingCurves` labels its chart. */
export interface TrainingCurvesOptions {
  /** Default `Training curves`. */
  readonly title?: string;
  /** What the held-out images are called; default `validation` (`test` when the test set was only watched). */
  readonly validationLabel?: string;
}

/**
 * Training curves: loss and accuracy per epoch, training beside validation
 * (or what `validationLabel` names), as two panels side by side. The picture
 * to read overfitting from: training keeps improving while validation stalls
 * or gets worse.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function trainingCurves(history: readonly EpochRecord[], options: TrainingCurvesOptions = {}): Promise<Figure> {
  const { title = 'Training curves', validationLabel = 'validation' } = options;
  if (history.length === 0) throw new Error('trainingCurves: no epochs in the history');
  return renderVegaLite({ title, hconcat: [panel(history, 'loss', validationLabel), panel(history, 'accuracy', validationLabel)] }, title);
}
