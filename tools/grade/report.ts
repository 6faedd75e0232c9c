/**
 * The grader's reports: a table of notebook x exercise with totals for the
 * terminal, one JSON object per exercise, and a class sheet in CSV.
 */
import * as path from 'node:path';
import { NotAttempted } from '@mnist-ts/lib';
import { byExerciseOrder } from './exercises-of';
import type { NotebookGrade } from './grade-notebook';
import type { GradeStatus } from './verdicts';

/** What a check says of an untouched starter; not repeated for each exercise in the table's notes. */
const NOT_ATTEMPTED = new NotAttempted().message;

/** The mark of each status in the table. */
export const MARKS: Readonly<Record<GradeStatus, string>> = { passed: '✓', failed: '✗', 'not attempted': '·', 'not run': '!' };

/** Every exercise graded in any of the notebooks, in order. */
export function exerciseColumns(results: readonly NotebookGrade[]): string[] {
  return [...new Set(results.flatMap((r) => r.grades.map((g) => g.exercise)))].sort(byExerciseOrder);
}

const passedIn = (result: NotebookGrade) => result.grades.filter((g) => g.status === 'passed').length;

/** The totals line: passed exercises over all notebooks. */
export function totalsLine(results: readonly NotebookGrade[]): string {
  const passed = results.reduce((sum, r) => sum + passedIn(r), 0);
  const graded = results.reduce((sum, r) => sum + r.grades.length, 0);
  return `Total: ${passed} of ${graded} exercises passed in ${results.length} notebook${results.length === 1 ? '' : 's'}.`;
}

/** A table of notebooks x exercises: a mark per exercise (blank where a notebook lacks it), each notebook's total, and how many passed each exercise. */
function markTable(results: readonly NotebookGrade[]): string[] {
  const columns = exerciseColumns(results);
  const rows = results.map((r) => {
    const byId = new Map(r.grades.map((g) => [g.exercise, g.status]));
    return [r.notebook, ...columns.map((id) => (byId.has(id) ? MARKS[byId.get(id)!] : '')), `${passedIn(r)}/${r.grades.length}`];
  });
  const passedBy = columns.map((id) => String(results.filter((r) => r.grades.some((g) => g.exercise === id && g.status === 'passed')).length));
  const table = [['notebook', ...columns, 'passed'], ...rows, ['passed by', ...passedBy, '']];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(table[0]), rule, ...rows.map(line), rule, line(table[table.length - 1])];
}

/** The chapters a notebook's exercises belong to, as a key: notebooks of the same chapter share a table. */
const chaptersOf = (result: NotebookGrade) => [...new Set(result.grades.map((g) => g.exercise.split('.')[0]))].join(' ');

/**
 * The report for the terminal: a table per chapter (notebooks x exercises,
 * see `markTable`), the legend, the overall total, then every failure's
 * message and every problem, notebook by notebook.
 */
export function formatTable(results: readonly NotebookGrade[]): string {
  const groups = new Map<string, NotebookGrade[]>();
  for (const result of results) groups.set(chaptersOf(result), [...(groups.get(chaptersOf(result)) ?? []), result]);
  const tables = [...groups.values()].flatMap((group, i) => [...(i > 0 ? [''] : []), ...markTable(group)]);
  const legend = `${MARKS.passed} passed   ${MARKS.failed} failed   ${MARKS['not attempted']} not attempted   ${MARKS['not run']} not run (the notebook could not be executed)`;
  const details = results.flatMap((r) => {
    const untouched = r.grades.filter((g) => g.status === 'not attempted');
    const notes = [
      ...r.grades.filter((g) => g.status === 'failed' || g.status === 'not run').map((g) => `  ${g.exercise} ${g.status}: ${g.message}`),
      ...(untouched.length ? [`  not attempted: ${untouched.map((g) => (g.message === NOT_ATTEMPTED ? g.exercise : `${g.exercise} (${g.message})`)).join(', ')}`] : []),
      ...r.problems.map((p) => `  ${p}`),
    ];
    return notes.length ? ['', `${r.notebook} (${r.seconds.toFixed(0)} s):`, ...notes] : [];
  });
  return [...tables, '', legend, totalsLine(results), ...details].join('\n');
}

/** One JSON object per exercise and notebook, one a line. */
export function jsonLines(results: readonly NotebookGrade[]): string {
  return results
    .flatMap((r) => r.grades.map((g) => JSON.stringify({ notebook: r.notebook, exercise: g.exercise, passed: g.status === 'passed', status: g.status, message: g.message })))
    .join('\n');
}

/** A CSV field, quoted when it has to be. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The class sheet: a row per notebook (with its folder, the student's when
 * each student hands in a folder), a column per exercise holding the status,
 * the notebook's passed count and exercise count; a last row counts, for each
 * exercise, the notebooks that passed it.
 */
export function csvSheet(results: readonly NotebookGrade[]): string {
  const columns = exerciseColumns(results);
  const header = ['folder', 'notebook', ...columns, 'passed', 'exercises'];
  const rows = results.map((r) => {
    const byId = new Map(r.grades.map((g) => [g.exercise, g.status]));
    return [path.basename(path.dirname(r.file)), r.notebook, ...columns.map((id) => byId.get(id) ?? ''), String(passedIn(r)), String(r.grades.length)];
  });
  const passedBy = columns.map((id) => String(results.filter((r) => r.grades.some((g) => g.exercise === id && g.status === 'passed')).length));
  const total = ['', 'passed by', ...passedBy, String(results.reduce((s, r) => s + passedIn(r), 0)), String(results.reduce((s, r) => s + r.grades.length, 0))];
  return `${[header, ...rows, total].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}
