/** The exercises of chapter 01, checked by `check('01.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_01_EXERCISES: ExerciseSet = {};
