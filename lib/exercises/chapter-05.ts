/** The exercises of chapter 05, checked by `check('05.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_05_EXERCISES: ExerciseSet = {};
