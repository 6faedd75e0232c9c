import { Figure, escapeXml } from '../charts/figure';
import { stackFigures } from '../charts/stack';
import { FONT_FAMILY, PALETTE, TEXT_COLOR } from '../charts/theme';
import { trainingCurves } from '../charts/training-curves';
import type { NotebookDisplay } from './display';
import { figureBundle } from './show';
import { formatBatchProgress, formatEpoch } from './terminal-progress';
import type { BatchProgress, EpochRecord, TrainingProgress, TrainingStart } from '../types/training';

const BAR_FIGURE_WIDTH = 640;
const BAR_FIGURE_HEIGHT = 46;
/** Milliseconds between redraws of the bar: often enough to look live, rarely enough to cost nothing. */
const REDRAW_INTERVAL = 250;

/** A progress bar with one line of text above it, as a small SVG figure. */
function progressBarFigure(fraction: number, text: string, width = BAR_FIGURE_WIDTH): Figure {
  const barWidth = width - 2;
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * barWidth);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${BAR_FIGURE_HEIGHT}" viewBox="0 0 ${width} ${BAR_FIGURE_HEIGHT}" font-family="${FONT_FAMILY}">` +
    `<text x="1" y="15" font-size="13" fill="${TEXT_COLOR}">${escapeXml(text)}</text>` +
    `<rect x="1" y="24" width="${barWidth}" height="14" rx="3" fill="#e8e8e8"/>` +
    `<rect x="1" y="24" width="${filled}" height="14" rx="3" fill="${PALETTE[0]}"/>` +
    `</svg>`;
  return new Figure(svg, width, BAR_FIGURE_HEIGHT, text);
}

/**
 * Live training progress in one notebook output, redrawn in place: a bar with
 * the epoch, batch, loss and accuracy, above the training curves (redrawn at
 * the end of every epoch). The output is SVG, so the last picture stays in
 * the saved notebook and renders on GitHub. The title and the name of the
 * held-out set come from the run (`onTrainBegin`) unless given here.
 */
export function notebookProgress(display: NotebookDisplay, title?: string, validationLabel?: string): TrainingProgress {
  let curves: Figure | undefined;
  let lastDraw = 0;
  let epochs = 0;
  let name = title ?? 'training';
  let heldOut = validationLabel ?? 'validation';
  const bar = (fraction: number, text: string) => progressBarFigure(fraction, text, Math.max(BAR_FIGURE_WIDTH, curves?.width ?? 0));
  // Redraws while training send SVG alone (cheap); at the end of each epoch and of training a PNG
  // goes beside it, so the output left in the saved notebook shows wherever it is opened.
  const draw = (figure: Figure, withPng = false) => {
    const stacked = stackFigures(curves ? [figure, curves] : [figure], { title: name });
    display.show(withPng ? figureBundle(stacked) : { 'image/svg+xml': stacked.svg });
  };
  return {
    onTrainBegin(start: TrainingStart) {
      name = title ?? start.title;
      heldOut = validationLabel ?? start.validationLabel;
      epochs = start.epochs;
    },
    onBatchEnd(progress: BatchProgress) {
      epochs = progress.epochs;
      const now = performance.now();
      if (now - lastDraw < REDRAW_INTERVAL) return;
      lastDraw = now;
      const done = (progress.epoch - 1 + progress.batch / progress.batches) / progress.epochs;
      draw(bar(done, `${name}: ${formatBatchProgress(progress)}`));
    },
    async onEpochEnd(record: EpochRecord, history: readonly EpochRecord[]) {
      curves = await trainingCurves(history, { title: name, validationLabel: heldOut });
      draw(bar(record.epoch / epochs, `${name}: ${formatEpoch(record, epochs)}`), true);
      lastDraw = performance.now();
    },
    onTrainEnd(summary: string) {
      draw(bar(1, `${name}: ${summary}`), true);
    },
  };
}
