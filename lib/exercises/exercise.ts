/**
 * Exercises that check themselves: what an exercise is, the placeholder a
 * starter cell leaves for the student, and the verdict a check gives. Each
 * chapter's exercises live in their own file (`chapter-NN.ts`) and are
 * collected in `registry.ts`; `present/exercise.ts` shows a verdict in the
 * notebook, and the grader (`npm run grade`) reads it back from the output.
 */

/**
 * The placeholder in a starter cell: `const answer: number = TODO;` or
 * `return TODO;`. It has the type `never`, so a starter cell type-checks
 * whatever the answer's type, and a check that meets it says "not attempted"
 * instead of "wrong". Starter cells only assign or return it; they never
 * compute with it.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export const TODO: never = Symbol.for('mnist-ts.exercise.TODO') as never;

/** What a check concluded. */
export type ExerciseStatus = 'passed' | 'failed' | 'not attempted';

/** A check's verdict on one exercise: the grader collects these. */
export interface Verdict {
  /** The exercise's id, `NN.M`: chapter and number within the chapter. */
  readonly exercise: string;
  readonly status: ExerciseStatus;
  /** For `failed`, a hint that does not give the answer away; otherwise a short confirmation. */
  readonly message: string;
}

/** One exercise: what it asks, and how an answer is judged. */
export interface Exercise {
  /** The task in one line, as the grader's reports name it. */
  readonly task: string;
  /**
   * Judges an answer: resolves to undefined when it is right, or throws a
   * `WrongAnswer` whose message is the hint. Use `given` for every value that
   * comes from the student (the answer itself, what their function returns),
   * so an unchanged starter reads as "not attempted".
   */
  check(answer: unknown): Promise<void> | void;
}

/** A chapter's exercises by id (`'04.2'`), in the order the chapter asks them. */
export type ExerciseSet = Readonly<Record<string, Exercise>>;

/** Thrown by a check when the answer is wrong; the message is the hint shown to the student. */
export class WrongAnswer extends Error {
  constructor(hint: string) {
    super(hint);
    this.name = 'WrongAnswer';
  }
}

/** Thrown by `given` when a value is still the starter's `TODO`. */
export class NotAttempted extends Error {
  constructor() {
    super('not attempted yet: replace TODO in the cell above with your answer and run both cells');
    this.name = 'NotAttempted';
  }
}

/** True when a value is the starter's placeholder. */
export function isTodo(value: unknown): boolean {
  return value === TODO;
}

/** Returns the value, or throws `NotAttempted` when it is still `TODO`. */
export function given<T>(value: T): T {
  if (isTodo(value)) throw new NotAttempted();
  return value;
}

/** Throws `WrongAnswer(hint)` unless the condition holds. */
export function expectThat(condition: boolean, hint: string): asserts condition {
  if (!condition) throw new WrongAnswer(hint);
}

/**
 * True when `a` is within `tolerance` of `b`, relative to `b` when |b| > 1 and
 * absolute below: the comparison checks use for answers computed in floating point.
 */
export function closeTo(a: number, b: number, tolerance = 1e-6): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
}

/** The answer as a finite number, or a hint saying what was given instead. */
export function givenNumber(answer: unknown, what = 'the answer'): number {
  const value = given(answer);
  expectThat(typeof value === 'number' && Number.isFinite(value), `${what} should be a finite number, not ${describeValue(value)}`);
  return value;
}

/** The answer as a function, or a hint saying what was given instead. */
export function givenFunction(answer: unknown, what = 'the answer'): (...args: never[]) => unknown {
  const value = given(answer);
  expectThat(typeof value === 'function', `${what} should be a function, not ${describeValue(value)}`);
  return value as (...args: never[]) => unknown;
}

/** A few words on what a value is, for hints ("a string", "undefined", "an array of 3"). */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}
