/**
 * The reference solutions (`notebooks/solutions/NN-name.md`, one `## Exercise
 * NN.M` section with a ```ts block per exercise) and putting them in place of
 * a notebook's starter cells.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { chapterOfExercise } from './exercises-of';
import { exerciseCell, type Notebook } from './notebook';

/** Every `## Exercise NN.M` section of a solutions file that has a ```ts block: its id and that block's code, in order. */
export function solutionSections(markdown: string): { id: string; code: string }[] {
  return markdown
    .split(/^## Exercise /m)
    .slice(1)
    .flatMap((section) => {
      const id = /^(\d\d\.\d+)\s*$/.exec(section.split('\n')[0])?.[1];
      const code = /^```(?:ts|typescript)[ \t]*\n([\s\S]*?)^```/m.exec(section)?.[1];
      return id !== undefined && code !== undefined ? [{ id, code: code.replace(/\n$/, '') }] : [];
    });
}

/** The solution code of each exercise in one solutions file, by id. */
export function parseSolutions(markdown: string): Map<string, string> {
  return new Map(solutionSections(markdown).map(({ id, code }) => [id, code]));
}

/** The solutions file of a chapter in a folder (`04-*.md`), or undefined when there is none. */
export async function solutionsFileOf(chapter: number, dir: string): Promise<string | undefined> {
  const prefix = `${String(chapter).padStart(2, '0')}-`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const name = names.filter((n) => n.startsWith(prefix) && n.endsWith('.md')).sort()[0];
  return name === undefined ? undefined : path.join(dir, name);
}

/** The reference solutions of the given exercises found in a folder, and a sentence for each one missing. */
export async function loadSolutions(exercises: readonly string[], dir: string): Promise<{ solutions: Map<string, string>; missing: string[] }> {
  const solutions = new Map<string, string>();
  const missing: string[] = [];
  for (const chapter of [...new Set(exercises.map(chapterOfExercise))]) {
    const file = await solutionsFileOf(chapter, dir);
    const found = file === undefined ? new Map<string, string>() : parseSolutions(await fs.readFile(file, 'utf8'));
    for (const id of exercises.filter((e) => chapterOfExercise(e) === chapter)) {
      const code = found.get(id);
      if (code !== undefined) solutions.set(id, code);
      else if (file === undefined) missing.push(`no reference solution for ${id}: there is no ${String(chapter).padStart(2, '0')}-*.md in ${dir}`);
      else missing.push(`no reference solution for ${id}: ${file} has no "## Exercise ${id}" section with a \`\`\`ts block`);
    }
  }
  return { solutions, missing };
}

/**
 * A copy of the notebook with every starter cell's source replaced by its
 * exercise's solution (outputs cleared), and a sentence for each exercise with
 * a solution but no starter cell to put it in.
 */
export function fillStarters(notebook: Notebook, solutions: ReadonlyMap<string, string>): { notebook: Notebook; unplaced: string[] } {
  const placed = new Set<string>();
  const cells = notebook.cells.map((cell) => {
    const role = exerciseCell(cell);
    const code = role?.role === 'starter' ? solutions.get(role.exercise) : undefined;
    if (role === undefined || code === undefined) return cell;
    placed.add(role.exercise);
    return { ...cell, source: code, outputs: [], execution_count: null };
  });
  const unplaced = [...solutions.keys()].filter((id) => !placed.has(id)).map((id) => `the solution of ${id} was not used: the notebook has no starter cell for it`);
  return { notebook: { ...notebook, cells }, unplaced };
}
