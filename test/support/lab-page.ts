/**
 * Chromium driven by playwright-core through a private JupyterLab: open a
 * notebook, read what it shows, run it from the menu, watch outputs change.
 * What runs in the page is test/support/lab-probe.js.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser } from './chromium';
import type { JupyterLabServer } from './jupyterlab-server';

export type { Browser } from './chromium';

/** What runs in every page to watch the notebook's outputs. */
const PROBE = path.join(__dirname, 'lab-probe.js');

/** An image or SVG element inside an output, as laid out. */
export interface RenderedImage {
  readonly tag: string;
  readonly visible: boolean;
  /** An `img` that decoded (an inline `svg` counts as loaded). */
  readonly loaded: boolean;
  readonly width: number;
  readonly height: number;
}

/** One output as JupyterLab shows it. */
export interface RenderedOutput {
  /** The MIME type JupyterLab chose to render (`data-mime-type`). */
  readonly mime: string;
  readonly visible: boolean;
  readonly width: number;
  readonly height: number;
  readonly images: readonly RenderedImage[];
  /** How many HTML tables it holds (a rendered Markdown table). */
  readonly tables: number;
  /** The start of its text. */
  readonly text: string;
}

export interface RenderedCell {
  readonly kind: 'code' | 'markdown' | 'raw';
  /** The input prompt, e.g. `[3]:`, `[*]:` or `[ ]:`. */
  readonly prompt: string;
  readonly outputs: readonly RenderedOutput[];
}

/** An output node whose content changed while it stayed in the page. */
export interface InPlaceUpdate {
  /** Index of its cell, from 0. */
  readonly cell: number;
  readonly mime: string;
  readonly distinctContents: number;
  /** The cell's number of outputs was the same at every change. */
  readonly sameNumberOfOutputs: boolean;
  /** The very node is still shown when watching stops. */
  readonly stillShown: boolean;
  readonly lastContent: string;
}

/** Starts Chromium with a fresh profile of its own, and one page with the probe in it. */
export function launchChromium(): Promise<Browser> {
  return launchBrowser({ initScript: PROBE });
}

/**
 * Opens a notebook of the server's copy alone in a fresh workspace (ending
 * the sessions of notebooks opened before) and waits until all its
 * `cellCount` cells are in the page and every image has loaded, then until
 * every output has been laid out (for at most `settleMs`: an output that
 * stays empty is for the caller to find).
 */
export async function openNotebook(page: Page, server: JupyterLabServer, name: string, cellCount: number, settleMs = 20_000): Promise<void> {
  await server.shutDownSessions();
  await page.goto(server.notebookUrl(name));
  await page.waitForFunction(
    (count) => (globalThis as unknown as { mnistLabProbe?: { renderedCells(): unknown[] } }).mnistLabProbe?.renderedCells().length === count,
    cellCount,
    { timeout: 60_000 },
  );
  await page.waitForFunction('window.mnistLabProbe.imagesSettled()', undefined, { timeout: 60_000 });
  await page.waitForFunction('window.mnistLabProbe.outputsLaidOut()', undefined, { timeout: settleMs }).catch(() => undefined);
}

/** Every cell of the open notebook, as shown. */
export async function renderedCells(page: Page): Promise<RenderedCell[]> {
  return page.evaluate<RenderedCell[]>('window.mnistLabProbe.renderedCells()');
}

/** Chooses an item of a menu in JupyterLab's menu bar, as a reader would: Run → Run All Cells. */
export async function chooseMenuItem(page: Page, menu: string, item: string): Promise<void> {
  await page.click(`.lm-MenuBar-itemLabel:text-is("${menu}")`);
  await page.click(`.lm-Menu-itemLabel:text-is("${item}")`);
}

/** Starts recording the outputs of the open notebook that change. */
export async function watchOutputs(page: Page): Promise<void> {
  await page.evaluate('window.mnistLabProbe.watchOutputs()');
}

/** Stops recording; returns every output node that changed, with how. */
export async function stopWatching(page: Page): Promise<InPlaceUpdate[]> {
  return page.evaluate<InPlaceUpdate[]>('window.mnistLabProbe.stopWatching()');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the kernel of the notebook `name` (in the copy's notebooks/ folder) is idle. */
export async function waitForIdleKernel(server: JupyterLabServer, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = await server.api<{ path: string; kernel?: { execution_state: string } }[]>('/api/sessions');
    const session = sessions.find((s) => s.path === `notebooks/${name}`);
    if (session?.kernel?.execution_state === 'idle') return;
    if (Date.now() > deadline) {
      throw new Error(`the kernel of ${name} was not idle within ${timeoutMs / 1000} s: ${session ? JSON.stringify(session.kernel) : 'no session'}`);
    }
    await sleep(500);
  }
}

/** The input prompt of every code cell of the open notebook. */
export async function prompts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.mnistLabProbe.prompts()');
}
