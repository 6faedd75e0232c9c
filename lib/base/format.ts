/** Number and table formatting shared by tables in notebooks, terminals and reports. */

/**
 * A share (0..1) as a percentage with two decimals, e.g. `98.24%`.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
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
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
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
