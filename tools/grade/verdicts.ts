/**
 * Grading an executed notebook: each exercise's verdict, read back from the
 * outputs its check left (VERDICT_MIME_TYPE), or the error its starter or
 * check cell raised, or "not attempted" when there is neither.
 */
import { type ExerciseStatus, type Verdict, VERDICT_MIME_TYPE } from '@mnist-ts/lib';
import { joinText } from '../notebook/execute';
import { cellSource, exerciseCell, type GradedCell } from './notebook';

/** What the grader concluded: a check's status, or `not run` when the notebook could not be executed. */
export type GradeStatus = ExerciseStatus | 'not run';

/** The grade of one exercise in one notebook. */
export interface ExerciseGrade {
  readonly exercise: string;
  readonly status: GradeStatus;
  /** The check's hint or confirmation, the error that stopped it, or why there is no verdict. */
  readonly message: string;
}

/** The line of an error report worth showing: `RangeError: outside`, or a type error's `1:7 - Type ...`. */
export function errorSummary(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const named = lines.find((line) => /^[A-Z]\w*(Error|Exception)\b/.test(line));
  const summary = named ?? lines.slice(0, 2).join('; ');
  return summary.length > 300 ? `${summary.slice(0, 297)}...` : summary || 'an error';
}

/** The error a cell raised, in a line, or undefined when it ran through. */
export function cellError(cell: GradedCell): string | undefined {
  const outputs = cell.outputs ?? [];
  const raised = outputs.find((output) => output.output_type === 'error');
  if (raised) return `${raised.ename}: ${raised.evalue}`;
  if (!cell.metadata?.execution_failed) return undefined;
  // tslab reports the error on standard error and fails the reply.
  const stderr = outputs.filter((output) => output.output_type === 'stream' && output.name === 'stderr').map((output) => joinText(output.text)).join('');
  return errorSummary(stderr);
}

/** The verdicts a cell's outputs carry. */
export function verdictsOf(cell: GradedCell): Verdict[] {
  return (cell.outputs ?? []).flatMap((output) => {
    const data = output.data?.[VERDICT_MIME_TYPE];
    if (data === undefined) return [];
    try {
      // Jupyter keeps a +json output as JSON; tslab hands it over as a string.
      const verdict = (typeof data === 'string' ? JSON.parse(data) : data) as Verdict;
      return typeof verdict.exercise === 'string' && typeof verdict.status === 'string' ? [verdict] : [];
    } catch {
      return [];
    }
  });
}

/** How a cell is named in reports: its number as Jupyter counts (from 1), its role, its first line. */
export function cellName(cell: GradedCell, index: number): string {
  const role = exerciseCell(cell)?.role;
  const firstLine = cellSource(cell).split('\n')[0].trim();
  return `cell ${index + 1}${role ? ` (${role})` : ''}${firstLine ? ` "${firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine}"` : ''}`;
}

/** Grades one exercise in an executed notebook's cells. */
export function gradeExercise(id: string, cells: readonly GradedCell[]): ExerciseGrade {
  const own = cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => exerciseCell(cell)?.exercise === id);
  for (const { cell, index } of own) {
    const error = cellError(cell);
    if (error !== undefined) return { exercise: id, status: 'failed', message: `${cellName(cell, index)} raised ${error}` };
  }
  const verdict = cells.flatMap(verdictsOf).filter((v) => v.exercise === id).pop();
  if (verdict) return { exercise: id, status: verdict.status, message: verdict.message };
  const hasCheck = own.some(({ cell }) => exerciseCell(cell)?.role === 'check');
  return { exercise: id, status: 'not attempted', message: hasCheck ? 'the check cell gave no verdict' : `the notebook has no check cell for ${id}` };
}

/** Errors in the cells that belong to no exercise (a setup cell, the student's own), one line each. */
export function otherCellErrors(cells: readonly GradedCell[]): string[] {
  return cells.flatMap((cell, index) => {
    const error = exerciseCell(cell) ? undefined : cellError(cell);
    return error === undefined ? [] : [`${cellName(cell, index)} raised ${error}`];
  });
}
