/** Shows an exercise's verdict in the notebook, where the grader finds it again. */
import { runCheck } from '../exercises/registry';
import type { Verdict } from '../exercises/exercise';
import { notebookDisplay } from './display';

/** The MIME type a verdict travels under in a notebook's outputs; `npm run grade` reads it. */
export const VERDICT_MIME_TYPE = 'application/vnd.mnist-ts.verdict+json';

const MARKS: Record<Verdict['status'], string> = { passed: '✅', failed: '❌', 'not attempted': '⬜' };

/** A verdict as one line of text. */
export function formatVerdict(verdict: Verdict): string {
  const said = verdict.status === 'passed' ? 'right' : verdict.status === 'failed' ? `not yet. Hint: ${verdict.message}` : verdict.message;
  return `${MARKS[verdict.status]} Exercise ${verdict.exercise}: ${said}`;
}

/**
 * Checks an answer to an exercise and shows the verdict: right, wrong with a
 * hint that does not give the answer away, or not attempted while the starter's
 * `TODO` is still there. In a notebook the verdict is also stored in the output
 * as JSON, for the grader; in a terminal it is printed. Resolves to nothing, so
 * a check cell shows only the verdict line.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function check(exercise: string, answer: unknown): Promise<void> {
  const verdict = await runCheck(exercise, answer);
  const display = notebookDisplay();
  const text = formatVerdict(verdict);
  if (display) display.show({ 'text/plain': text, [VERDICT_MIME_TYPE]: JSON.stringify(verdict) });
  else console.log(text);
}
