import { currentProfile, describeProfile, type Profile } from '../profile';
/**
 * Rich output for notebooks without a hard dependency on tslab: when code
 * runs inside a tslab kernel, these helpers find the kernel's own display
 * functions; in a terminal they print a plain-text fallback.
 */

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

/** True when running inside a tslab (Jupyter) kernel. */
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

/** Shows Markdown in a notebook, or prints it as it is in a terminal. */
export function showMarkdown(markdown: string): void {
  const display = notebookDisplay();
  if (display) display.markdown(markdown);
  else console.log(markdown);
}

/** A share (0..1) as a percentage with two decimals, e.g. `98.24%`. */
export function formatPercent(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}

/** A number as a table shows it: whole numbers with thousands separators (623,290), others as they are. */
function formatCell(value: string | number): string {
  const text = typeof value === 'number' && Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  return text.replace(/\|/g, '\\|');
}

/** Numbers, and texts that read as numbers (`98.24%`, `1,234`, `8.5`, `—` for none), align right. */
const NUMERIC_TEXT = /^(?:[-−]?[\d,]+(?:\.\d+)?(?:%| s)?|—)$/;

/**
 * A table as GitHub-flavoured Markdown: renders in Jupyter, on GitHub and in
 * terminals alike. Numeric columns align right; whole numbers get thousands separators.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number' || NUMERIC_TEXT.test(String(row[column]))),
  );
  const lines = [
    `| ${header.map(formatCell).join(' | ')} |`,
    `| ${numeric.map((isNumber) => (isNumber ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(formatCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Shows a table (Markdown in notebooks, aligned text in terminals). */
export function showTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  showMarkdown(markdownTable(header, rows));
}

/** Shows which profile this run uses (every notebook starts with it). */
export function showProfile(profile: Profile = currentProfile()): Profile {
  showMarkdown(describeProfile(profile));
  return profile;
}
