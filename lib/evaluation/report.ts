/**
 * Evaluation results as notebooks show them: a per-class metrics table, the
 * confusion matrix as a heatmap, the mistakes as images, and one image's
 * class probabilities as bars (in probability-figure.ts).
 */
import type { Figure } from '../charts/figure';
import { heatmap } from '../charts/heatmap';
import { imageGrid } from '../charts/image-grid';
import type { DigitSet } from '../data/digit-set';
import { formatPercent, markdownTable } from '../base/format';
export { probabilityBarFigure, probabilityLabel, type ProbabilityFigureOptions } from './probability-figure';
import { type AveragedMetrics, type ClassificationMetrics, type CountMatrix, type Mistake, normaliseRows } from './metrics';


/**
 * Header and rows of the per-class table: digit, support, precision, recall
 * and F1 (percentages, 2 decimals), then the macro and weighted averages and
 * accuracy. Accuracy fills all three columns: with one label per image it is
 * the micro average of precision, of recall and of F1 alike.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function metricsTableRows(metrics: ClassificationMetrics): { header: string[]; rows: (string | number)[][] } {
  const row = (name: string, support: number, m: AveragedMetrics): (string | number)[] => [name, support, formatPercent(m.precision), formatPercent(m.recall), formatPercent(m.f1)];
  const accuracy = { precision: metrics.accuracy, recall: metrics.accuracy, f1: metrics.accuracy };
  return {
    header: ['digit', 'support', 'precision', 'recall', 'F1'],
    rows: [
      ...metrics.perClass.map((m) => row(String(m.digit), m.support, m)),
      row('macro average', metrics.total, metrics.macro),
      row('weighted average', metrics.total, metrics.weighted),
      row('accuracy', metrics.total, accuracy),
    ],
  };
}

/**
 * The per-class table as Markdown (see `metricsTableRows`).
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function classMetricsTable(metrics: ClassificationMetrics): string {
  const { header, rows } = metricsTableRows(metrics);
  return markdownTable(header, rows);
}


/** How `confusionMatrixFigure` draws. */
export interface ConfusionMatrixFigureOptions {
  /** Show each row as percentages of its true class instead of counts; default false. */
  readonly normalised?: boolean;
  readonly title?: string;
}

/**
 * A confusion matrix as an annotated heatmap: true digits down the side,
 * predicted digits along the bottom. Normalised, each cell shows the
 * percentage of the true digit's images (one decimal).
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function confusionMatrixFigure(matrix: CountMatrix, options: ConfusionMatrixFigureOptions = {}): Promise<Figure> {
  const normalised = options.normalised ?? false;
  const values = normalised ? normaliseRows(matrix).map((row) => row.map((share) => 100 * share)) : matrix;
  return heatmap(values, {
    title: options.title ?? (normalised ? 'Confusion matrix (% of each true digit)' : 'Confusion matrix'),
    xLabel: 'predicted digit',
    yLabel: 'true digit',
    format: normalised ? '.1f' : 'd',
  });
}

/** How many mistakes `mistakesFigure` draws, and its title. */
export interface MistakesFigureOptions {
  /** Default 30. */
  readonly count?: number;
  readonly title?: string;
}

/**
 * The first `count` mistakes (as `misclassified` orders them: most confident
 * first) as images captioned "true → predicted".
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function mistakesFigure(set: DigitSet, mistakes: readonly Mistake[], options: MistakesFigureOptions = {}): Promise<Figure> {
  const { count = 30, title } = options;
  const shown = mistakes.slice(0, Math.max(0, count));
  return imageGrid(
    set,
    {
      indices: shown.map((m) => m.index),
      labels: shown.map((m) => m.actual),
      predictions: shown.map((m) => m.predicted),
      confidences: shown.map((m) => m.confidence),
      columns: 10,
      title: title ?? `${shown.length} of ${mistakes.length} mistakes, most confident first (true \u2192 predicted, confidence)`,
    },
  );
}
