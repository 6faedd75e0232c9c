/**
 * Showing the library's results: figures, model summaries, metric tables and
 * model comparisons. Each core module returns data or a Figure; these are the
 * functions that put them in a notebook's output (or print them in a terminal).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Figure } from '../charts/figure';
import type { ClassificationMetrics } from '../evaluation/metrics';
import { classMetricsTable } from '../evaluation/report';
import { formatModelSummary, type ModelSummary, modelSummary, modelSummaryMarkdown } from '../models/summary';
import { comparisonTable } from '../reports/comparison';
import type { ModelResult } from '../reports/results';
import { inNotebook, type MimeBundle, notebookDisplay, pngBase64, showMarkdown } from './display';

/**
 * Shows a figure in the notebook's output (SVG, with a PNG beside it for
 * viewers that hide SVG); in a terminal prints a one-line note instead. Every figure function of lib returns a
 * `Promise<Figure>`, so the one way to show one is `show(await someFigure(...))`.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function show(figure: Figure): void {
  const display = notebookDisplay();
  if (display) display.show(figureBundle(figure));
  else console.log(`[figure: ${figure.title}, ${figure.width}x${figure.height} px]`);
}

/**
 * A figure as one output in three formats: SVG (sharp, shown where trusted),
 * PNG at its own size (shown everywhere, untrusted notebooks and GitHub
 * included) and its title as text.
 */
export function figureBundle(figure: Figure): MimeBundle {
  return { 'image/svg+xml': figure.svg, 'image/png': pngBase64(figure.toPNG(1)), 'text/plain': `[figure: ${figure.title}]` };
}

/**
 * Shows a model's summary: in a notebook a Markdown table (input first, then
 * the layers) and a totals line; in a terminal the text table of
 * `formatModelSummary`. Returns the summary.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function showModelSummary(model: tfl.LayersModel): ModelSummary {
  const summary = modelSummary(model);
  if (inNotebook()) showMarkdown(modelSummaryMarkdown(summary));
  else console.log(formatModelSummary(summary));
  return summary;
}

/**
 * Shows the per-class precision, recall and F1 table.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export function showClassMetrics(metrics: ClassificationMetrics): void {
  showMarkdown(classMetricsTable(metrics));
}

/**
 * Shows the comparison table of trained models.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function showComparison(results: readonly ModelResult[]): void {
  showMarkdown(comparisonTable(results));
}
