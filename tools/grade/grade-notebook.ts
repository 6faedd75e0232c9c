/**
 * Grading one notebook: work out its exercises, optionally fill in the
 * reference solutions, execute it in a clean kernel within a time limit, and
 * read each exercise's grade from the outputs. Whatever goes wrong with the
 * notebook is reported in its grade, never thrown.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_DIR_ENV, writeFileAtomic, type ProfileName } from '@mnist-ts/lib';
import { executeNotebook, NotebookTimeout } from '../notebook/execute';
import { exercisesOfNotebook } from './exercises-of';
import { type GradedCell, type Notebook, readNotebook } from './notebook';
import { fillStarters, loadSolutions } from './solutions';
import { type ExerciseGrade, gradeExercise, otherCellErrors } from './verdicts';

export interface GradeOptions {
  /** The project whose lib, data and models the notebooks use. */
  readonly projectDir: string;
  readonly profile: ProfileName;
  /** Seconds the notebook may run. */
  readonly timeoutSeconds: number;
  /** A folder of reference solutions to put in place of the starter cells; none: grade the notebook as it is. */
  readonly solutionsDir?: string;
  /** Where to keep the executed notebook; default: nowhere. */
  readonly executedPath?: string;
}

/** One notebook's grades, and what went wrong around them. */
export interface NotebookGrade {
  /** The notebook's path as the user gave it, for reports. */
  readonly notebook: string;
  /** Its absolute path. */
  readonly file: string;
  readonly grades: readonly ExerciseGrade[];
  /** Sentences on failures outside the exercises: cells that raised, a missing solution, a time limit. */
  readonly problems: readonly string[];
  readonly seconds: number;
}

/**
 * The grades of the given exercises in a notebook already executed (by
 * `executeNotebook`, or the notebook test): for a test that has run a notebook
 * anyway and wants to know how its exercises fared without running it again.
 */
export function gradeExecuted(exercises: readonly string[], executedCells: readonly GradedCell[]): ExerciseGrade[] {
  return exercises.map((id) => gradeExercise(id, executedCells));
}

/** True when a file lies inside the folder (at any depth). */
function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Grades one notebook; `label` is how reports name it (default: its path). */
export async function gradeNotebook(notebookPath: string, options: GradeOptions, label = notebookPath): Promise<NotebookGrade> {
  const started = Date.now();
  const file = path.resolve(notebookPath);
  const done = (grades: ExerciseGrade[], problems: string[]): NotebookGrade => ({ notebook: label, file, grades, problems, seconds: (Date.now() - started) / 1000 });
  let notebook: Notebook;
  try {
    notebook = await readNotebook(file);
  } catch (error) {
    return done([], [(error as Error).message]);
  }
  const exercises = exercisesOfNotebook(file, notebook.cells);
  const problems: string[] = [];
  let toRun = notebook;
  if (options.solutionsDir !== undefined) {
    const { solutions, missing } = await loadSolutions(exercises, options.solutionsDir);
    const filled = fillStarters(notebook, solutions);
    problems.push(...missing, ...filled.unplaced);
    toRun = filled.notebook;
  }
  // A notebook runs where it lies when it is inside the project (its kernel then finds the project's
  // lib, and the student's own files beside it). A copy runs in the project's cache: a notebook from
  // outside the project, whose kernel would not find lib, or one filled with the solutions.
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-grade-'));
  let staging: string | undefined;
  try {
    let target = file;
    if (toRun !== notebook || !isInside(file, options.projectDir)) {
      const cache = path.join(options.projectDir, '.cache');
      await fs.mkdir(cache, { recursive: true });
      staging = await fs.mkdtemp(path.join(cache, 'grade-'));
      target = path.join(staging, path.basename(file));
      await writeFileAtomic(target, `${JSON.stringify(toRun, null, 1)}\n`);
    }
    const outputPath = options.executedPath ?? path.join(scratch, path.basename(file));
    try {
      await executeNotebook(target, {
        profile: options.profile,
        outputPath,
        timeoutSeconds: options.timeoutSeconds,
        // The notebook's limit governs, not nbclient's per-cell one (which would end the run without its outputs).
        cellTimeoutSeconds: options.timeoutSeconds + 60,
        continueAfterErrors: true,
        env: { [PROJECT_DIR_ENV]: options.projectDir },
      });
    } catch (error) {
      const why = error instanceof NotebookTimeout
        ? `not graded: the notebook ran over its time limit of ${error.seconds} s and was stopped`
        : `not graded: ${(error as Error).message}`;
      // Each exercise says why it was not graded; a notebook without exercises says it once.
      return done(exercises.map((exercise) => ({ exercise, status: 'not run', message: why })), exercises.length ? problems : [...problems, why]);
    }
    const executed = await readNotebook(outputPath);
    problems.push(...otherCellErrors(executed.cells));
    return done(gradeExecuted(exercises, executed.cells), problems);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
    if (staging !== undefined) await fs.rm(staging, { recursive: true, force: true });
  }
}
