/**
 * Chromium for the browser tests (the notebooks in JupyterLab, the draw
 * page): where it is, how it is started, and the explicit opt-out. CI never
 * opts out; a machine without Chromium fails the tests with a message saying
 * how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Set to 1 to skip the browser tests (they are then reported as skipped, with this name). */
export const SKIP_BROWSER_TESTS_ENV = 'MNIST_SKIP_BROWSER_TESTS';

/** Names another Chromium (or Chrome) executable than Debian's. */
export const CHROMIUM_ENV = 'MNIST_CHROMIUM';

/** Headless, and quiet: no network of its own, no first-run or sync machinery. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-quic', '--no-first-run', '--disable-sync',
];

export function chromiumPath(): string {
  return process.env[CHROMIUM_ENV] || '/usr/bin/chromium';
}

/** True when the user opted out of the browser tests. */
export function browserTestsSkipped(): boolean {
  const value = process.env[SKIP_BROWSER_TESTS_ENV];
  return value !== undefined && value !== '' && value !== '0';
}

/** The first line of an error's message. */
export const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0];

/** Why Chromium cannot be used and how to install it, or undefined when it runs. */
export function missingChromium(): string | undefined {
  const chromium = chromiumPath();
  try {
    if (!existsSync(chromium)) throw new Error(`${chromium} does not exist`);
    execFileSync(chromium, ['--version'], { env: process.env, timeout: 60_000, stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return `Chromium is needed, but "${chromium} --version" failed (${firstLine(error)}): install it with "sudo apt-get install chromium" (Debian/Ubuntu), or set ${CHROMIUM_ENV} to a Chromium or Chrome executable.`;
  }
}

/** A headless Chromium with one page, and how to end it (removing its profile). */
export interface Browser {
  readonly page: Page;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile of its own and one page; `initScript` (a file) runs in every page before its own scripts. */
export async function launchBrowser(options: { readonly initScript?: string } = {}): Promise<Browser> {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
  } catch (error) {
    await fs.rm(profile, { recursive: true, force: true });
    throw error;
  }
  if (options.initScript) await context.addInitScript({ path: options.initScript });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    close: async () => {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}
