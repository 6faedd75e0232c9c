import type { Figure } from './figure';
import { HEATMAP_SCHEME, LABEL_FONT_SIZE, TEXT_COLOR, TEXT_ON_DARK } from './theme';
import { axisTitle, renderVegaLite, type ChartOptions } from './vega-render';

export interface HeatmapOptions extends ChartOptions {
  /** Names of the rows, top to bottom; default 0, 1, 2, ... */
  readonly rowLabels?: readonly (string | number)[];
  /** Names of the columns, left to right; default 0, 1, 2, ... */
  readonly columnLabels?: readonly (string | number)[];
  /** Write each cell's value in it; default true. */
  readonly annotate?: boolean;
  /** d3-format pattern of the written values; default "d" for whole numbers, ".2f" otherwise. */
  readonly format?: string;
  /** Side of a cell in pixels; default 44. */
  readonly cellSize?: number;
}

/**
 * Draws a matrix as coloured cells, darker for larger values, optionally with
 * each value written in its cell (white on dark cells, black on light ones).
 * A confusion matrix is the typical use: true digits as rows, predicted as columns.
 *
 * Introduced in chapter 06 (Evaluating a classifier, notebooks/06-evaluating-a-classifier.ipynb).
 */
export async function heatmap(matrix: readonly (ArrayLike<number>)[], options: HeatmapOptions = {}): Promise<Figure> {
  const rowCount = matrix.length;
  const columnCount = rowCount > 0 ? matrix[0].length : 0;
  if (rowCount === 0 || columnCount === 0) throw new Error('heatmap: the matrix is empty');
  matrix.forEach((row, r) => {
    if (row.length !== columnCount) throw new Error(`heatmap: row ${r} has ${row.length} values, row 0 has ${columnCount}`);
  });
  const rowNames = labelNames(options.rowLabels, rowCount, 'row');
  const columnNames = labelNames(options.columnLabels, columnCount, 'column');

  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (const row of matrix) {
    for (let c = 0; c < columnCount; c++) {
      const v = row[c];
      if (!Number.isFinite(v)) throw new RangeError(`heatmap: value ${v} is not a finite number`);
      min = Math.min(min, v);
      max = Math.max(max, v);
      whole &&= Number.isInteger(v);
    }
  }
  const span = max - min || 1;
  const cells = matrix.flatMap((row, r) =>
    columnNames.map((column, c) => ({
      row: rowNames[r],
      column,
      value: row[c],
      // The colour scale is dark past its middle: switch to white text there.
      dark: (row[c] - min) / span > 0.5,
    })),
  );
  const cellSize = options.cellSize ?? 44;
  const position = {
    x: { field: 'column', type: 'ordinal', sort: columnNames, title: axisTitle(options.xLabel), axis: { labelAngle: 0, orient: 'bottom' } },
    y: { field: 'row', type: 'ordinal', sort: rowNames, title: axisTitle(options.yLabel) },
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
      encoding: {
        ...position,
        color: { field: 'value', type: 'quantitative', scale: { scheme: HEATMAP_SCHEME, domain: [min, max] }, legend: null },
      },
    },
  ];
  if (options.annotate ?? true) {
    layers.push({
      mark: { type: 'text', fontSize: LABEL_FONT_SIZE + 1, baseline: 'middle', align: 'center' },
      encoding: {
        ...position,
        text: { field: 'value', type: 'quantitative', format: options.format ?? (whole ? 'd' : '.2f') },
        color: { condition: { test: 'datum.dark', value: TEXT_ON_DARK }, value: TEXT_COLOR },
      },
    });
  }
  return renderVegaLite(
    {
      title: options.title,
      width: { step: cellSize },
      height: { step: cellSize },
      data: { values: cells },
      layer: layers,
    },
    'heatmap',
  );
}

function labelNames(labels: readonly (string | number)[] | undefined, count: number, what: string): string[] {
  const names = labels ? labels.map(String) : Array.from({ length: count }, (_, i) => String(i));
  if (names.length !== count) throw new Error(`heatmap: ${count} ${what}s but ${names.length} ${what} labels`);
  if (new Set(names).size !== names.length) throw new Error(`heatmap: ${what} labels must be different from each other`);
  return names;
}
