/** The exercises of chapter 03, checked by `check('03.M', answer)` in the notebook. */
import type { ExerciseSet } from './exercise';

export const CHAPTER_03_EXERCISES: ExerciseSet = {};
