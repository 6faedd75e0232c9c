/**
 * Every exercise of the series by id, from the chapters' own files, and the
 * function that runs a check and turns its outcome into a verdict.
 */
import { CHAPTER_01_EXERCISES } from './chapter-01';
import { CHAPTER_02_EXERCISES } from './chapter-02';
import { CHAPTER_03_EXERCISES } from './chapter-03';
import { CHAPTER_04_EXERCISES } from './chapter-04';
import { CHAPTER_05_EXERCISES } from './chapter-05';
import { CHAPTER_06_EXERCISES } from './chapter-06';
import { CHAPTER_07_EXERCISES } from './chapter-07';
import { CHAPTER_08_EXERCISES } from './chapter-08';
import { type Exercise, type ExerciseSet, NotAttempted, type Verdict, WrongAnswer } from './exercise';

const CHAPTERS: readonly ExerciseSet[] = [
  CHAPTER_01_EXERCISES, CHAPTER_02_EXERCISES, CHAPTER_03_EXERCISES, CHAPTER_04_EXERCISES,
  CHAPTER_05_EXERCISES, CHAPTER_06_EXERCISES, CHAPTER_07_EXERCISES, CHAPTER_08_EXERCISES,
];

/**
 * Every exercise of the series, by id (`'04.2'`), in chapter order.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export const EXERCISES: ExerciseSet = Object.freeze(Object.assign({}, ...CHAPTERS) as Record<string, Exercise>);

/** Exercises added with `registerExercises`, beside the series' own. */
const ownExercises: Record<string, Exercise> = {};

/** An exercise id: two-digit chapter, a dot, the number within the chapter. */
const EXERCISE_ID = /^\d\d\.\d+$/;

/**
 * The ids of one chapter's exercises (`exercisesOfChapter(4)` → `['04.1', ...]`).
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function exercisesOfChapter(chapter: number): string[] {
  const prefix = `${String(chapter).padStart(2, '0')}.`;
  return [...Object.keys(EXERCISES), ...Object.keys(ownExercises)].filter((id) => id.startsWith(prefix));
}

/**
 * Adds exercises of your own (a teacher's extra task, or chapter 00, which the
 * grader's tests use), so that `check(id, answer)` knows them. Ids are `NN.M`;
 * an id of the series' own exercises is refused, and registering an id again
 * replaces it (re-running the cell that registers it). The registration lives
 * in the process that makes it, so register in a notebook cell for the kernel
 * to know the exercise; `npm run grade` finds such exercises from the cells'
 * `mnist_ts` metadata.
 */
export function registerExercises(exercises: ExerciseSet): void {
  for (const id of Object.keys(exercises)) {
    if (!EXERCISE_ID.test(id)) throw new Error(`an exercise id is NN.M (chapter, dot, number), like 04.2; "${id}" is not`);
    if (id in EXERCISES) throw new Error(`exercise ${id} is one of the series' own; give yours another id`);
  }
  Object.assign(ownExercises, exercises);
}

/**
 * Runs an exercise's check on an answer and says what it concluded, without
 * showing anything: `passed`, `failed` with the check's hint, or `not
 * attempted` while the answer is still the starter's `TODO`. An answer that
 * throws something else (a bug in the student's function) fails with that
 * error's message.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function runCheck(id: string, answer: unknown): Promise<Verdict> {
  const exercise = EXERCISES[id] ?? ownExercises[id];
  if (!exercise) throw new Error(`there is no exercise ${id}; the exercises are ${[...Object.keys(EXERCISES), ...Object.keys(ownExercises)].join(', ') || 'none yet'}`);
  try {
    await exercise.check(answer);
    return { exercise: id, status: 'passed', message: 'right' };
  } catch (error) {
    if (error instanceof NotAttempted) return { exercise: id, status: 'not attempted', message: error.message };
    if (error instanceof WrongAnswer) return { exercise: id, status: 'failed', message: error.message };
    return { exercise: id, status: 'failed', message: `your code raised ${(error as Error).name ?? 'an error'}: ${(error as Error).message ?? String(error)}` };
  }
}
