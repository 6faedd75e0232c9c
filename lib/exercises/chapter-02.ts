/** The exercises of chapter 02, checked by `check('02.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_02_EXERCISES: ExerciseSet = {};
