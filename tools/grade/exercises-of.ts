/**
 * Which exercises a notebook has: those the registry lists for its chapter
 * (from the file name's leading `NN-`, else from the chapters its cells'
 * metadata names), together with any exercise its cells name that the registry
 * does not know (a teacher's own, registered in the notebook).
 */
import * as path from 'node:path';
import { exercisesOfChapter } from '@mnist-ts/lib';
import { exerciseCell, type GradedCell } from './notebook';

/** The chapter a notebook's file name starts with (`04-multilayer-perceptrons.ipynb` → 4), if any. */
export function chapterOfFileName(file: string): number | undefined {
  const match = /^(\d\d)-/.exec(path.basename(file));
  return match ? Number(match[1]) : undefined;
}

/** The chapter of an exercise id (`'04.2'` → 4). */
export function chapterOfExercise(id: string): number {
  return Number(id.split('.')[0]);
}

/** Exercise ids in the order a reader meets them: by chapter, then by number (04.10 after 04.9). */
export function byExerciseOrder(a: string, b: string): number {
  const [ca, na] = a.split('.').map(Number);
  const [cb, nb] = b.split('.').map(Number);
  return ca - cb || na - nb || a.localeCompare(b);
}

/** Every exercise id the cells' metadata names. */
export function exercisesNamedIn(cells: readonly GradedCell[]): string[] {
  return [...new Set(cells.flatMap((cell) => exerciseCell(cell)?.exercise ?? []))];
}

/** The exercises a notebook is graded on, in order. */
export function exercisesOfNotebook(file: string, cells: readonly GradedCell[]): string[] {
  const named = exercisesNamedIn(cells);
  const chapter = chapterOfFileName(file);
  const chapters = chapter === undefined ? [...new Set(named.map(chapterOfExercise))] : [chapter];
  return [...new Set([...chapters.flatMap((n) => exercisesOfChapter(n)), ...named])].sort(byExerciseOrder);
}
