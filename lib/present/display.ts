/**
 * Rich output for notebooks without a hard dependency on tslab: when code
 * runs inside a tslab kernel, these helpers find the kernel's own display
 * functions; in a terminal they print a plain-text fallback. This folder
 * (present/) is the only part of lib that writes to a notebook or a terminal.
 */
import { markdownTable } from '../base/format';
import { currentProfile, describeProfile, type Profile } from '../base/profile';

/** The part of tslab's `Display` lib uses. */
export interface NotebookDisplay {
  html(s: string): void;
  markdown(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
}

interface TslabModule {
  display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

/**
 * The tslab module of the kernel this code runs in, or undefined outside a
 * kernel. The kernel's own `jupyter.js` is found among loaded modules (it is
 * the one wired to the running kernel), then its sibling `public.js` supplies
 * the display API, so this works whichever folder tslab was installed in.
 */
function kernelTslab(): TslabModule | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!loaded || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    if ((loaded.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData) {
      return require(file.replace(/jupyter\.js$/, 'public.js')) as TslabModule;
    }
  }
  return undefined;
}

/**
 * True when running inside a tslab (Jupyter) kernel.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function inNotebook(): boolean {
  return kernelTslab() !== undefined;
}

/** The kernel's display, or undefined in a terminal. */
export function notebookDisplay(): NotebookDisplay | undefined {
  return kernelTslab()?.display;
}

/** A display that overwrites its own output in place (for live progress), or undefined in a terminal. */
export function newNotebookDisplay(): NotebookDisplay | undefined {
  return kernelTslab()?.newDisplay();
}

/**
 * Shows Markdown in a notebook, or prints it as it is in a terminal.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function showMarkdown(markdown: string): void {
  const display = notebookDisplay();
  if (display) display.markdown(markdown);
  else console.log(markdown);
}

/**
 * Shows a table (Markdown in notebooks, aligned text in terminals).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function showTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  showMarkdown(markdownTable(header, rows));
}

/**
 * Shows which profile this run uses (every notebook starts with it).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function showProfile(profile: Profile = currentProfile()): Profile {
  showMarkdown(describeProfile(profile));
  return profile;
}
