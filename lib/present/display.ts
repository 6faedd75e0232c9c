/**
 * Rich output for notebooks without a hard dependency on tslab: when code
 * runs inside a tslab kernel, these helpers find the kernel's own display
 * functions; in a terminal they print a plain-text fallback. This folder
 * (present/) is the only part of lib that writes to a notebook or a terminal.
 */
import { markdownTable } from '../base/format';
import { currentProfile, describeProfile, type Profile } from '../base/profile';
import { loadedPublisher, serialiseSends } from './kernel-sends';

/**
 * One output in several formats at once, keyed by MIME type (base64 for
 * images), richest first. Jupyter shows the richest one it may: an untrusted
 * notebook (every freshly cloned one) hides SVG and, in classic Notebook,
 * Markdown, but always shows PNG and plain text, and GitHub shows either.
 */
export type MimeBundle = Readonly<Record<string, string>>;

/** Where lib's notebook output goes: one output, or one output redrawn in place. */
export interface NotebookDisplay {
  show(bundle: MimeBundle): void;
}

/** The function of tslab's `jupyter.js` that sends a display message for the cell being run. */
type WriteDisplayData = (message: { data: MimeBundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

/** Whether the kernel's zeromq sends are guarded already. */
let sendsGuarded = false;

/**
 * tslab's `jupyter.js` of the kernel this code runs in, or undefined outside
 * a kernel. It is found among loaded modules (the copy wired to the running
 * kernel has `lastWriteDisplayData` set while a cell runs), so this works
 * whichever folder tslab was installed in. Its display messages carry a whole
 * MIME bundle, which tslab's own `display` (one type per output) cannot.
 */
function kernelJupyter(): { lastWriteDisplayData: WriteDisplayData | null } | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!loaded || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const exports = loaded.exports as { lastWriteDisplayData?: WriteDisplayData | null };
    if (exports.lastWriteDisplayData) {
      // Once per kernel: its output channel must not die of a busy socket (see kernel-sends.ts).
      if (!sendsGuarded) sendsGuarded = serialiseSends(loadedPublisher());
      return exports as { lastWriteDisplayData: WriteDisplayData | null };
    }
  }
  return undefined;
}

/** A display sending bundles to the running cell; with an id, each bundle replaces the previous one. */
function kernelDisplay(kernel: { lastWriteDisplayData: WriteDisplayData | null }, displayId?: string): NotebookDisplay {
  let shown = false;
  return {
    show(bundle: MimeBundle) {
      const write = kernel.lastWriteDisplayData;
      if (!write) throw new Error('the notebook kernel is not running a cell');
      write({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, displayId !== undefined && shown);
      shown = true;
    },
  };
}

/**
 * True when running inside a tslab (Jupyter) kernel.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function inNotebook(): boolean {
  return kernelJupyter() !== undefined;
}

/** The kernel's display, or undefined in a terminal. */
export function notebookDisplay(): NotebookDisplay | undefined {
  const kernel = kernelJupyter();
  return kernel && kernelDisplay(kernel);
}

/** How many in-place displays this process has made: each gets an id of its own. */
let displays = 0;

/** A display that overwrites its own output in place (for live progress), or undefined in a terminal. */
export function newNotebookDisplay(): NotebookDisplay | undefined {
  const kernel = kernelJupyter();
  return kernel && kernelDisplay(kernel, `mnist-ts-${process.pid}-${(displays += 1)}`);
}

/** PNG bytes as a bundle carries them. */
export function pngBase64(png: Uint8Array): string {
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}

/**
 * Shows Markdown in a notebook (with the source as a plain-text fallback for
 * viewers that do not render Markdown), or prints it as it is in a terminal.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function showMarkdown(markdown: string): void {
  const display = notebookDisplay();
  // The Markdown source is its own plain-text fallback: GitHub-style tables read well as text.
  if (display) display.show({ 'text/markdown': markdown, 'text/plain': markdown });
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

/** Seconds as "13 min 2 s" or "48 s". */
function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/**
 * Shows how long the kernel has been running: at the end of a notebook run top
 * to bottom from a fresh kernel (Run All, or `npm run notebooks`), the time
 * the whole chapter took, with the profile it ran in. Every chapter ends with it.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function showRunTime(profile: Profile = currentProfile()): void {
  showMarkdown(`This kernel has run for **${formatDuration(process.uptime())}** (profile **${profile.name}**): run top to bottom from a fresh kernel, that is the time the whole chapter takes.`);
}
