import type * as tfl from '@tensorflow/tfjs-layers';
import { markdownTable } from '../base/format';

/** One row of a model summary: an input or a layer. */
export interface SummaryRow {
  /** Layer name, e.g. `conv_1` (for the input row, the name tfjs gave the input layer). */
  readonly name: string;
  /** Layer class as saved in model.json, e.g. `Conv2D`, `Dropout`; `InputLayer` for the input row. */
  readonly type: string;
  /** Shape of one example's output, batch dimension left out, e.g. `24×24×6` or `120`; `?` for an unknown size. */
  readonly outputShape: string;
  /** Weights of the layer (kernel and bias), 0 for layers without any. */
  readonly parameters: number;
}

/** What a model is made of: its input and layers in order, and its weight counts. */
export interface ModelSummary {
  /** The model's name. */
  readonly name: string;
  /** The input (first row, 0 parameters), then one row per layer. */
  readonly rows: readonly SummaryRow[];
  /** All weights; equals `model.countParams()`. */
  readonly totalParameters: number;
  /** Weights the optimiser updates. */
  readonly trainableParameters: number;
  /** Weights it leaves alone (frozen layers, batch-norm statistics). */
  readonly nonTrainableParameters: number;
}

/** A shape without its batch dimension, as `24×24×6` (unknown sizes as `?`; a scalar per example as `1`). */
export function formatShape(shape: readonly (number | null)[]): string {
  const perExample = shape.slice(1);
  return perExample.length === 0 ? '1' : perExample.map((size) => (size == null ? '?' : String(size))).join('×');
}

function formatOutputShape(shape: tfl.Shape | tfl.Shape[]): string {
  const shapes = shape.length > 0 && Array.isArray(shape[0]) ? (shape as tfl.Shape[]) : [shape as tfl.Shape];
  return shapes.map(formatShape).join(', ');
}

function weightCount(weights: readonly tfl.LayerVariable[]): number {
  let count = 0;
  for (const weight of new Set(weights)) count += weight.shape.reduce((product: number, size) => product * (size ?? 0), 1);
  return count;
}

/**
 * The layers of a model with their output shapes and parameter counts, and
 * the total, trainable and non-trainable parameter counts: what Keras's
 * `model.summary()` prints, as data.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function modelSummary(model: tfl.LayersModel): ModelSummary {
  const inputs: SummaryRow[] = model.inputs.map((input) => ({
    name: input.sourceLayer.name,
    type: 'InputLayer',
    outputShape: formatShape(input.shape),
    parameters: 0,
  }));
  const layers: SummaryRow[] = model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => ({
      name: layer.name,
      type: layer.getClassName(),
      outputShape: formatOutputShape(layer.outputShape),
      parameters: layer.countParams(),
    }));
  const trainableParameters = weightCount(model.trainableWeights);
  const nonTrainableParameters = weightCount(model.nonTrainableWeights);
  return {
    name: model.name,
    rows: [...inputs, ...layers],
    totalParameters: trainableParameters + nonTrainableParameters,
    trainableParameters,
    nonTrainableParameters,
  };
}

/** A count with thousands separators, e.g. `93,322`. */
function formatCount(count: number): string {
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The totals line under a summary table, e.g. `Total parameters: 93,322 (trainable 93,322, non-trainable 0)`. */
export function formatParameterTotals(summary: ModelSummary): string {
  return `Total parameters: ${formatCount(summary.totalParameters)} ` +
    `(trainable ${formatCount(summary.trainableParameters)}, non-trainable ${formatCount(summary.nonTrainableParameters)})`;
}

const HEADER = ['Layer', 'Type', 'Output shape', 'Parameters'] as const;

/**
 * A summary as a plain-text table for terminals: the model's name, one
 * aligned line per input and layer (counts right-aligned), and the totals.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function formatModelSummary(summary: ModelSummary): string {
  const cells = [
    [...HEADER],
    ...summary.rows.map((row) => [row.name, row.type, row.outputShape, formatCount(row.parameters)]),
  ];
  const widths = HEADER.map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  const line = (values: string[]) =>
    values.map((value, column) => (column === HEADER.length - 1 ? value.padStart(widths[column]) : value.padEnd(widths[column]))).join('  ');
  const rule = '─'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));
  return [
    `Model: ${summary.name}`,
    rule,
    line(cells[0]),
    rule,
    ...cells.slice(1).map(line),
    rule,
    `Total parameters:         ${formatCount(summary.totalParameters)}`,
    `Trainable parameters:     ${formatCount(summary.trainableParameters)}`,
    `Non-trainable parameters: ${formatCount(summary.nonTrainableParameters)}`,
  ].join('\n');
}

/**
 * A model's summary as Markdown: a table (input first, then the layers) and a
 * line of parameter totals, as a notebook shows it.
 */
export function modelSummaryMarkdown(summary: ModelSummary): string {
  const table = markdownTable([...HEADER], summary.rows.map((row) => [row.name, row.type, row.outputShape, row.parameters]));
  return `${table}\n\n**${summary.name}** · ${formatParameterTotals(summary)}`;
}
