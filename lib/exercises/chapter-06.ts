/** The exercises of chapter 06, checked by `check('06.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_06_EXERCISES: ExerciseSet = {};
