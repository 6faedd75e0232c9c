/** The exercises of chapter 07, checked by `check('07.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_07_EXERCISES: ExerciseSet = {};
