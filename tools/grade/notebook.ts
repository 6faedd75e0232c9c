/**
 * A notebook as the grader reads it: its cells, and which cells are an
 * exercise's starter and check (their `mnist_ts` metadata).
 */
import { promises as fs } from 'node:fs';
import { joinText, type NotebookCell } from '../notebook/execute';

/** What an exercise cell does: the student's code, or the check that judges it. */
export type ExerciseRole = 'starter' | 'check';

/** A cell with the metadata the series and the grader put on it. */
export type GradedCell = NotebookCell & {
  metadata?: NotebookCell['metadata'] & {
    mnist_ts?: { exercise?: string; role?: string };
  };
};

/** An nbformat 4 notebook: the cells, and whatever else it holds, kept as is. */
export interface Notebook {
  cells: GradedCell[];
  [key: string]: unknown;
}

/** A cell's source as one string (nbformat allows a string or a list of lines). */
export function cellSource(cell: GradedCell): string {
  return joinText(cell.source);
}

/** Reads a notebook, with an error naming the file when it is not one. */
export async function readNotebook(file: string): Promise<Notebook> {
  const text = await fs.readFile(file, 'utf8');
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    throw new Error(`${file} is not a notebook: its JSON does not parse (${(error as Error).message})`);
  }
  if (!Array.isArray(notebook.cells)) throw new Error(`${file} is not a notebook: it has no cells`);
  return notebook;
}

/** The exercise a cell belongs to and its role there, or undefined for any other cell. */
export function exerciseCell(cell: GradedCell): { exercise: string; role: ExerciseRole } | undefined {
  const tag = cell.metadata?.mnist_ts;
  if (cell.cell_type !== 'code' || typeof tag?.exercise !== 'string') return undefined;
  if (tag.role !== 'starter' && tag.role !== 'check') return undefined;
  return { exercise: tag.exercise, role: tag.role };
}
