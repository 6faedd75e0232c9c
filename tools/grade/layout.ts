/**
 * Whether a notebook lays its exercises out as notebooks/solutions/README.md
 * says: for each exercise a `### Exercise NN.M` heading, one starter cell, one
 * check cell that checks that exercise, and one reference solution; and no
 * cell or solution for an exercise the registry does not know.
 */
import { byExerciseOrder } from './exercises-of';
import { cellSource, exerciseCell, type GradedCell } from './notebook';

const count = (items: readonly string[], item: string) => items.filter((x) => x === item).length;
const once = (what: string, n: number) => (n === 1 ? undefined : `${what}: ${n === 0 ? 'none' : `${n} of them`}, one expected`);

/**
 * Every departure from the layout, one sentence each (none: all is well).
 * `registered` are the exercise ids the notebook should have; `solutions` the
 * ids its solutions file answers.
 */
export function layoutProblems(cells: readonly GradedCell[], registered: readonly string[], solutions: readonly string[]): string[] {
  const tagged = cells.flatMap((cell) => exerciseCell(cell) ?? []);
  const starters = tagged.filter((t) => t.role === 'starter').map((t) => t.exercise);
  const checks = tagged.filter((t) => t.role === 'check').map((t) => t.exercise);
  const headings = cells.filter((cell) => cell.cell_type === 'markdown').flatMap((cell) => [...cellSource(cell).matchAll(/^### Exercise (\d\d\.\d+)\b/gm)].map((m) => m[1]));
  const problems: string[] = [];
  for (const id of registered) {
    problems.push(
      ...[
        once(`${id}: "### Exercise ${id}" headings`, count(headings, id)),
        once(`${id}: starter cells`, count(starters, id)),
        once(`${id}: check cells`, count(checks, id)),
        once(`${id}: reference solutions`, count(solutions, id)),
      ].filter((p): p is string => p !== undefined),
    );
  }
  cells.forEach((cell, index) => {
    const tag = exerciseCell(cell);
    if (tag?.role === 'check' && !new RegExp(`\\bcheck\\(\\s*['"\`]${tag.exercise.replace('.', '\\.')}['"\`]`).test(cellSource(cell))) {
      problems.push(`${tag.exercise}: its check cell (cell ${index + 1}) does not call check('${tag.exercise}', ...)`);
    }
  });
  const stray = [...new Set([...headings, ...starters, ...checks, ...solutions])].filter((id) => !registered.includes(id)).sort(byExerciseOrder);
  problems.push(...stray.map((id) => `${id} is not a registered exercise of this notebook, yet it has a heading, cell or solution`));
  return problems;
}
