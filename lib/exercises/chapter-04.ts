/** The exercises of chapter 04, checked by `check('04.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_04_EXERCISES: ExerciseSet = {};
