/**
 * The notebooks in JupyterLab 4, in a real browser (Chromium driven by
 * playwright-core), served by a private server from a temporary copy:
 * - every committed notebook, opened untrusted as in a fresh clone, shows every
 *   chart and every table its JSON holds;
 * - the multilayer-perceptron chapter runs from Run → Run All Cells in the
 *   quick profile without an error, and its training progress is redrawn in
 *   place while it trains.
 * Without JupyterLab or Chromium the test fails and says how to install them;
 * MNIST_SKIP_BROWSER_TESTS=1 skips it (reported as skipped, never passed).
 */
import { promises as fs, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProblems, formatProblems, type NotebookCell } from '../tools/notebook/execute';
import { browserTestsSkipped, SKIP_BROWSER_TESTS_ENV } from './support/chromium';
import {
  missingBrowserTestTools, startJupyterLab, type JupyterLabServer,
} from './support/jupyterlab-server';
import {
  chooseMenuItem, launchChromium, openNotebook, prompts, renderedCells, stopWatching, waitForIdleKernel, watchOutputs,
  type Browser, type RenderedOutput,
} from './support/lab-page';

const projectDir = path.join(__dirname, '..');
const notebooksDir = path.join(projectDir, 'notebooks');
const notebooks = readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();
/** The chapter run through the UI: it trains with live progress. */
const LIVE_CHAPTER = '04-multilayer-perceptrons.ipynb';
/** How long that chapter may take in the quick profile, kernel start included. */
const RUN_MINUTES = 10;

const readCells = async (file: string) => (JSON.parse(await fs.readFile(file, 'utf8')) as { cells: NotebookCell[] }).cells;

/** What one output of the notebook's JSON must look like once JupyterLab shows it. */
interface ExpectedOutput {
  readonly kind: 'chart' | 'markdown' | 'other';
  /** A chart stored as SVG and PNG: untrusted, JupyterLab must pick the PNG. */
  readonly svgAndPng?: boolean;
  /** The Markdown holds a table: its first row, to find in a plain-text fallback. */
  readonly tableRow?: string;
}

/**
 * The outputs JupyterLab shows for a cell, in order: as it loads a notebook it
 * merges consecutive stream outputs of the same name into one.
 */
function expectedOutputs(cell: NotebookCell): ExpectedOutput[] {
  const expected: ExpectedOutput[] = [];
  let lastStream: string | undefined;
  for (const output of cell.outputs ?? []) {
    if (output.output_type === 'stream') {
      if (lastStream !== output.name) expected.push({ kind: 'other' });
      lastStream = output.name;
      continue;
    }
    lastStream = undefined;
    const data = output.data ?? {};
    if ('image/png' in data || 'image/svg+xml' in data) expected.push({ kind: 'chart', svgAndPng: 'image/png' in data && 'image/svg+xml' in data });
    else if ('text/markdown' in data) {
      const markdown = [data['text/markdown']].flat().join('');
      const tableRow = /^\|.*\|\s*\n\|[\s:|-]+\|\s*$/m.test(markdown) ? markdown.split('\n').find((line) => line.startsWith('|')) : undefined;
      expected.push({ kind: 'markdown', tableRow });
    } else expected.push({ kind: 'other' });
  }
  return expected;
}

/** What is wrong with how one output is shown; undefined when nothing is. */
function outputProblem(expected: ExpectedOutput, shown: RenderedOutput): string | undefined {
  if (!shown.visible) return `${shown.mime} output is not visible (${shown.width}x${shown.height})`;
  if (expected.kind === 'chart') {
    if (shown.mime !== 'image/png' && shown.mime !== 'image/svg+xml') return `a chart is shown as ${shown.mime}, not as an image`;
    if (expected.svgAndPng && shown.mime === 'image/svg+xml') return 'a chart is shown as SVG: the notebook was opened trusted, unlike in a fresh clone';
    if (shown.images.length === 0) return `a chart (${shown.mime}) has no image element`;
    const bad = shown.images.find((image) => !image.visible || !image.loaded || image.width === 0 || image.height === 0);
    if (bad) return `a chart's ${bad.tag} is not shown (visible ${bad.visible}, loaded ${bad.loaded}, ${bad.width}x${bad.height})`;
  } else if (expected.kind === 'markdown') {
    if (shown.mime !== 'text/markdown' && shown.mime !== 'text/plain') return `Markdown is shown as ${shown.mime}`;
    if (shown.text.trim() === '') return 'a Markdown output shows no text';
    if (expected.tableRow !== undefined) {
      const firstCell = expected.tableRow.split('|')[1].trim().replace(/[*`]/g, '');
      if (shown.mime === 'text/markdown' ? shown.tables === 0 : !shown.text.includes(firstCell)) return `a table is not shown as one (${shown.mime})`;
    }
  }
  return undefined;
}

const missing = browserTestsSkipped() ? [] : missingBrowserTestTools();

if (browserTestsSkipped()) {
  // Jest lists a wholly skipped file by its totals only: say why here too.
  console.warn(`JupyterLab browser tests skipped: ${SKIP_BROWSER_TESTS_ENV}=${process.env[SKIP_BROWSER_TESTS_ENV]} (unset it to run them).`);
  describe(`JupyterLab 4 in Chromium (skipped: ${SKIP_BROWSER_TESTS_ENV}=${process.env[SKIP_BROWSER_TESTS_ENV]})`, () => {
    test.skip('every notebook opened untrusted shows its charts and tables', () => undefined);
    test.skip(`${LIVE_CHAPTER} runs from Run → Run All Cells with live training output`, () => undefined);
  });
} else if (missing.length > 0) {
  describe('JupyterLab 4 in Chromium', () => {
    test('has JupyterLab 4 and Chromium to run in', () => {
      throw new Error(`${missing.join('\n')}\n(To skip these tests knowingly, set ${SKIP_BROWSER_TESTS_ENV}=1.)`);
    });
  });
} else {
  describe('JupyterLab 4 in Chromium', () => {
    let server: JupyterLabServer;
    let browser: Browser;

    beforeAll(async () => {
      server = await startJupyterLab({ notebooksDir, projectDir, profile: 'quick' });
      browser = await launchChromium();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    }, 60_000);

    /** A screenshot of the page for a failure message. */
    const screenshot = async (name: string) => {
      const file = path.join(os.tmpdir(), `mnist-ts-jupyterlab-${path.basename(name, '.ipynb')}.png`);
      await browser.page.screenshot({ path: file }).catch(() => undefined);
      return file;
    };

    test.each(notebooks)('%s, opened untrusted, shows every chart and table it holds', async (name) => {
      const cells = await readCells(path.join(notebooksDir, name));
      await openNotebook(browser.page, server, name, cells.length);
      const shown = await renderedCells(browser.page);
      const problems: string[] = [];
      const counts = { charts: 0, markdown: 0, chartsShown: 0, markdownShown: 0 };
      cells.forEach((cell, index) => {
        const expected = expectedOutputs(cell);
        const outputs = shown[index].outputs;
        if (outputs.length !== expected.length) {
          problems.push(`cell ${index + 1}: ${expected.length} outputs in the notebook, ${outputs.length} shown`);
        }
        expected.forEach((want, j) => {
          if (want.kind === 'other') return;
          counts[want.kind === 'chart' ? 'charts' : 'markdown'] += 1;
          const problem = outputs[j] ? outputProblem(want, outputs[j]) : 'not shown at all';
          if (problem) problems.push(`cell ${index + 1}, output ${j + 1}: ${problem}`);
          else counts[want.kind === 'chart' ? 'chartsShown' : 'markdownShown'] += 1;
        });
      });
      // Every chapter shows results; a notebook without a chart or table would pass the rest unchecked.
      expect(counts.charts + counts.markdown).toBeGreaterThan(0);
      if (problems.length > 0) problems.push(`(screenshot: ${await screenshot(name)})`);
      expect(problems).toEqual([]);
      expect({ charts: counts.chartsShown, markdown: counts.markdownShown }).toEqual({ charts: counts.charts, markdown: counts.markdown });
    }, 120_000);

    test(`${LIVE_CHAPTER} runs from Run → Run All Cells in the quick profile, with its training progress redrawn in place`, async () => {
      const { page } = browser;
      const file = path.join(server.rootDir, 'notebooks', LIVE_CHAPTER);
      const cells = await readCells(file);
      const codeCells = cells.filter((cell) => cell.cell_type === 'code').length;
      await openNotebook(page, server, LIVE_CHAPTER, cells.length);
      await waitForIdleKernel(server, LIVE_CHAPTER, 120_000);
      await watchOutputs(page);
      await chooseMenuItem(page, 'Run', 'Run All Cells');
      await page.waitForFunction('window.mnistLabProbe.prompts().includes("[*]:")', undefined, { timeout: 30_000 });
      // Finished, or stopped by an error: no cell running or waiting any more.
      await page
        .waitForFunction('!window.mnistLabProbe.prompts().includes("[*]:")', undefined, { timeout: RUN_MINUTES * 60_000, polling: 1000 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message.split('\n')[0]}\nprompts: ${(await prompts(page)).join(' ')}\n(screenshot: ${await screenshot(LIVE_CHAPTER)})`);
        });
      await waitForIdleKernel(server, LIVE_CHAPTER, 60_000);
      const updates = await stopWatching(page);
      const shown = await renderedCells(page);

      // No error and nothing on standard error.
      const errors = shown.flatMap((cell, index) =>
        cell.outputs.filter((output) => /stderr|error/.test(output.mime)).map((output) => `cell ${index + 1}: ${output.mime}: ${output.text}`),
      );
      expect(errors).toEqual([]);
      // A fresh kernel ran every code cell once, top to bottom.
      expect(await prompts(page)).toEqual(Array.from({ length: codeCells }, (_, i) => `[${i + 1}]:`));
      // Live progress: one chart output redrawn in place several times, while its cell kept its number of outputs.
      const live = updates.filter((update) => update.mime.startsWith('image/') && update.distinctContents >= 3 && update.sameNumberOfOutputs && update.stillShown);
      if (live.length === 0) {
        const changed = updates.filter((update) => update.distinctContents > 1);
        throw new Error(`no chart output was redrawn in place at least 3 times; outputs that changed: ${JSON.stringify(changed, null, 1)}`);
      }

      // Saved from the browser, the notebook holds the same run: every cell executed, no problem, the quick profile.
      await chooseMenuItem(page, 'File', 'Save Notebook');
      // The server may still be writing the file when it is first read: a cut-off JSON is read again.
      const deadline = Date.now() + 30_000;
      const readSaved = async (): Promise<NotebookCell[] | undefined> => readCells(file).catch((error: Error) => {
        if (error instanceof SyntaxError && Date.now() < deadline) return undefined;
        throw error;
      });
      let saved = await readSaved();
      while ((!saved || saved.some((cell) => cell.cell_type === 'code' && !cell.execution_count)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        saved = await readSaved();
      }
      if (!saved) saved = await readCells(file);
      expect(saved.filter((cell) => cell.cell_type === 'code').map((cell) => cell.execution_count)).toEqual(Array.from({ length: codeCells }, (_, i) => i + 1));
      expect(formatProblems(findProblems(LIVE_CHAPTER, saved))).toBe('');
      const markdown = saved.flatMap((cell) => (cell.outputs ?? []).map((output) => [output.data?.['text/markdown'] ?? ''].flat().join('')));
      expect(markdown.some((text) => text.includes('Profile **quick**'))).toBe(true);
    }, (RUN_MINUTES + 3) * 60_000);
  });
}
