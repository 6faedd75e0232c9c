/**
 * Every notebook runs top to bottom in a clean tslab kernel under Jupyter, in
 * the quick profile; any error or standard-error output fails the test and
 * names the notebook and the cell.
 */
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeNotebook, findProblems, formatProblems, joinText, type NotebookCell as Cell } from '../tools/notebook/execute';

const notebooksDir = path.join(__dirname, '..', 'notebooks');
const notebooks = readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();


const markdownOutputs = (cells: Cell[]) =>
  cells.flatMap((cell) => (cell.outputs ?? []).map((output) => output.data?.['text/markdown'])).filter((text) => text !== undefined).map(String);

/** The MIME types of every display output: charts must be static images that GitHub and nbconvert show. */
const outputTypes = (cells: Cell[]) => cells.flatMap((cell) => (cell.outputs ?? []).flatMap((output) => Object.keys(output.data ?? {})));
const expectStaticCharts = (cells: Cell[]) => {
  const types = outputTypes(cells);
  expect(types.filter((type) => type === 'image/svg+xml' || type === 'image/png').length).toBeGreaterThan(0);
  expect(types.filter((type) => type.includes('javascript') || type === 'text/html')).toEqual([]);
  // What an untrusted notebook (any fresh clone) hides, SVG and Markdown, always comes with what it
  // shows: a PNG beside every SVG, plain text beside every Markdown table or note.
  const bundles = cells.flatMap((cell, index) => (cell.outputs ?? []).map((output) => ({ cell: index + 1, types: Object.keys(output.data ?? {}) })));
  const lacking = bundles.filter(({ types: t }) => (t.includes('image/svg+xml') && !t.includes('image/png')) || (t.includes('text/markdown') && !t.includes('text/plain')));
  expect(lacking).toEqual([]);
};

test('the series has notebooks', () => {
  expect(notebooks.length).toBeGreaterThan(0);
});

describe.each(notebooks)('%s', (name) => {
  test('runs without errors in the quick profile and says so', async () => {
    const output = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'nb-test-')), name);
    const result = await executeNotebook(path.join(notebooksDir, name), { profile: 'quick', outputPath: output });
    expect(formatProblems(result.problems)).toBe('');
    const executed = JSON.parse(await fs.readFile(output, 'utf8')) as { cells: Cell[] };
    expect(markdownOutputs(executed.cells).some((text) => text.includes('Profile **quick**'))).toBe(true);
    expectStaticCharts(executed.cells);
    await fs.rm(path.dirname(output), { recursive: true, force: true });
  }, 15 * 60 * 1000);

  test('is committed with the outputs of a full run', async () => {
    const committed = JSON.parse(await fs.readFile(path.join(notebooksDir, name), 'utf8')) as { cells: Cell[] };
    // nbclient records when it executed each cell; a cell without that record was never run.
    const notRun = committed.cells.flatMap((cell, i) => (cell.cell_type === 'code' && !cell.metadata?.execution?.['iopub.status.idle'] ? [i + 1] : []));
    expect(notRun).toHaveLength(0);
    expect(formatProblems(findProblems(name, committed.cells))).toBe('');
    expect(markdownOutputs(committed.cells).some((text) => text.includes('Profile **full**'))).toBe(true);
    expectStaticCharts(committed.cells);
  });
});

/** The sources of a notebook's cells of one type, joined. */
const sourcesOf = (cells: Cell[], type: 'code' | 'markdown') => cells.filter((cell) => cell.cell_type === type).map((cell) => joinText(cell.source)).join('\n');
const readCells = (name: string) => (JSON.parse(readFileSync(path.join(notebooksDir, name), 'utf8')) as { cells: Cell[] }).cells;
const notebookNamed = (part: string) => {
  const found = notebooks.find((name) => name.includes(part));
  if (!found) throw new Error(`no notebook named *${part}*`);
  return found;
};

describe('the series builds before it calls', () => {
  test('learning from data comes before the multilayer perceptrons, and those before the CNNs', () => {
    const order = ['learning-from-data', 'multilayer-perceptrons', 'convolutional-networks'].map((part) => notebooks.indexOf(notebookNamed(part)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(3);
  });

  test('the MLP chapter writes its model with tf.sequential or tf.model and tf.layers.dense, and its own training step', () => {
    const code = sourcesOf(readCells(notebookNamed('multilayer-perceptrons')), 'code');
    expect(code).toMatch(/tf\.(sequential|model)\(/);
    expect(code).toMatch(/tf\.layers\.dense\(/);
    expect(code).toMatch(/tf\.variableGrads\(|\.computeGradients\(|\.minimize\(/);
  });

  test('the CNN chapter writes its model with tf.layers.conv2d', () => {
    expect(sourcesOf(readCells(notebookNamed('convolutional-networks')), 'code')).toMatch(/tf\.layers\.conv2d\(/);
  });

  test.each(notebooks)('%s ends with a questionnaire whose answers are folded, then its run time', (name) => {
    const cells = readCells(name);
    const markdown = sourcesOf(cells, 'markdown');
    expect(markdown).toMatch(/^## Questionnaire/m);
    expect(markdown).toMatch(/<details><summary>Answer<\/summary>/);
    const last = cells[cells.length - 1];
    expect(last.cell_type).toBe('code');
    expect(joinText(last.source)).toMatch(/^showRunTime\(\);?\s*$/);
  });
});

describe("the README's table of notebooks", () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| (\d\d) \| \[[^\]]+\]\(notebooks\/([^)]+\.ipynb)\) \|.*\| (\d+) \| ([^|]+) \|$/gm)].map((m) => [m[2], { exercises: Number(m[3]), runTime: m[4].trim() }]),
  );

  test('lists every notebook, in order', () => {
    expect([...rows.keys()]).toEqual(notebooks);
  });

  test.each(notebooks)('%s: its exercises and the full-run time the notebook shows', (name) => {
    const cells = readCells(name);
    const starters = cells.filter((cell) => (cell.metadata as { mnist_ts?: { role?: string } } | undefined)?.mnist_ts?.role === 'starter').length;
    const shown = (cells[cells.length - 1].outputs ?? []).map((output) => String(output.data?.['text/plain'] ?? '')).join('');
    const runTime = /has run for \*\*([^*]+)\*\*/.exec(shown)?.[1];
    expect(rows.get(name)).toEqual({ exercises: starters, runTime });
  });
});
