/**
 * The grader (`npm run grade`): every notebook lays its exercises out as the
 * solutions README says; with the reference solutions every exercise passes,
 * untouched none does; misuse exits non-zero with a message; a cell that
 * raises, a notebook over its time limit and a notebook outside the project
 * are graded and reported, never fatal. The series' notebooks are covered
 * whatever exercises their chapters register; the practice notebook of
 * chapter 00 (test/fixtures/grade) covers the grader itself.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exercisesOfChapter } from '../lib/exercises/registry';
import { chapterOfFileName } from '../tools/grade/exercises-of';
import { gradeNotebook } from '../tools/grade/grade-notebook';
import { layoutProblems } from '../tools/grade/layout';
import type { GradedCell, Notebook } from '../tools/grade/notebook';
import { solutionSections, solutionsFileOf } from '../tools/grade/solutions';

const root = path.join(__dirname, '..');
const grader = path.join(root, 'tools', 'dist', 'cli', 'grade.js');
const notebooksDir = path.join(root, 'notebooks');
const solutionsDir = path.join(notebooksDir, 'solutions');
const fixtureDir = path.join(__dirname, 'fixtures', 'grade');
const practice = path.join(fixtureDir, '00-practice.ipynb');
const practiceSolutions = path.join(fixtureDir, 'solutions');
const PRACTICE_EXERCISES = ['00.1', '00.2', '00.3'];

const notebooks = readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();
const exercisesOf = (name: string) => exercisesOfChapter(chapterOfFileName(name) ?? -1);
/** The notebooks whose chapters have exercises: the only ones the grading runs below need to execute. */
const withExercises = notebooks.filter((name) => exercisesOf(name).length > 0);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the built grader (as `npm run grade` does after building) and never throws. */
function grade(args: string[], cwd = root): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [grader, ...args], { cwd, env: { ...process.env, INIT_CWD: cwd }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

interface Line {
  notebook: string;
  exercise: string;
  passed: boolean;
  status: string;
  message: string;
}
const jsonLines = (stdout: string): Line[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line);
const readCells = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Notebook).cells;

/** A copy of the practice notebook with some cells' sources replaced (by index), in a temporary folder. */
async function practiceVariant(dir: string, name: string, sources: Record<number, string>, extraCells: GradedCell[] = []): Promise<string> {
  const notebook = JSON.parse(await fs.readFile(practice, 'utf8')) as Notebook;
  for (const [index, source] of Object.entries(sources)) notebook.cells[Number(index)].source = source;
  notebook.cells.push(...extraCells);
  const file = path.join(dir, name);
  await fs.writeFile(file, JSON.stringify(notebook, null, 1));
  return file;
}
const codeCell = (source: string): GradedCell => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null });

describe('the layout of every notebook', () => {
  test.each(notebooks)('%s: each registered exercise has one heading, starter, check and solution; nothing stray', async (name) => {
    const registered = exercisesOf(name);
    const file = await solutionsFileOf(chapterOfFileName(name) ?? -1, solutionsDir);
    const solutions = file ? solutionSections(await fs.readFile(file, 'utf8')).map((s) => s.id) : [];
    expect(layoutProblems(readCells(path.join(notebooksDir, name)), registered, solutions)).toEqual([]);
  });

  test('the practice notebook is laid out the same way, and a broken layout is caught', async () => {
    const solutions = solutionSections(await fs.readFile(path.join(practiceSolutions, '00-practice.md'), 'utf8')).map((s) => s.id);
    const cells = readCells(practice);
    expect(layoutProblems(cells, PRACTICE_EXERCISES, solutions)).toEqual([]);
    const broken = cells.map((cell) => ({ ...cell, metadata: { ...cell.metadata } }));
    broken.splice(4, 1); // 00.1's check cell
    broken[8] = { ...broken[8], metadata: { mnist_ts: { exercise: '00.2', role: 'starter' } } }; // 00.3's starter now claims 00.2
    expect(layoutProblems(broken, PRACTICE_EXERCISES, [...solutions, '00.4'])).toEqual([
      '00.1: check cells: none, one expected',
      '00.2: starter cells: 2 of them, one expected',
      '00.3: starter cells: none, one expected',
      '00.4 is not a registered exercise of this notebook, yet it has a heading, cell or solution',
    ]);
  });
});

describe('grading the practice notebook', () => {
  test('with the reference solutions, every exercise passes; untouched, none does; both exit 0', async () => {
    const solved = await grade(['--with-solutions', '--solutions', practiceSolutions, '--json', practice]);
    expect(solved.stderr).toContain('Grading');
    expect(solved.code).toBe(0);
    expect(jsonLines(solved.stdout).map((l) => [l.exercise, l.status])).toEqual(PRACTICE_EXERCISES.map((id) => [id, 'passed']));
    const kept = await fs.mkdtemp(path.join(os.tmpdir(), 'grade-kept-'));
    const untouched = await grade(['--json', '--keep-executed', kept, practice]);
    expect(untouched.code).toBe(0);
    // The executed notebook is kept under the path given, flattened, with the verdicts in its outputs.
    const executed = readCells(path.join(kept, practice.split(path.sep).filter(Boolean).join('__')));
    expect(executed.filter((cell) => JSON.stringify(cell.outputs ?? []).includes('vnd.mnist-ts.verdict+json'))).toHaveLength(3);
    await fs.rm(kept, { recursive: true, force: true });
    const lines = jsonLines(untouched.stdout);
    expect(lines.map((l) => [l.exercise, l.passed, l.status])).toEqual(PRACTICE_EXERCISES.map((id) => [id, false, 'not attempted']));
    expect(lines.every((l) => l.notebook === practice && l.message.includes('TODO'))).toBe(true);
  }, 5 * 60 * 1000);

  test('a notebook outside the project, with cells that raise, is graded: each failure names its cell and error, the later cells still run', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'grade-test-'));
    try {
      // 00.1: a type error; 00.2: solved; 00.3: the starter throws after defining mean; a stray cell raises.
      const file = await practiceVariant(
        dir,
        'alice-practice.ipynb',
        {
          3: "const pixels: number = 'many';",
          6: 'function scale(value: number): number {\n  return value / 255;\n}',
          9: "function mean(values: number[]): number {\n  return 0;\n}\nthrow new RangeError('outside');",
        },
        [codeCell("throw new TypeError('a stray mistake');")],
      );
      const result = await gradeNotebook(file, { projectDir: root, profile: 'quick', timeoutSeconds: 300 });
      // The name has no chapter number: the exercises come from the cells' metadata.
      expect(result.grades.map((g) => [g.exercise, g.status])).toEqual([['00.1', 'failed'], ['00.2', 'passed'], ['00.3', 'failed']]);
      expect(result.grades[0].message).toMatch(/^cell 4 \(starter\) "const pixels: number = 'many';" raised .*Type 'string' is not assignable to type 'number'/);
      expect(result.grades[2].message).toMatch(/^cell 10 \(starter\) .* raised RangeError: outside$/);
      expect(result.problems).toEqual([`cell ${readCells(practice).length + 1} "throw new TypeError('a stray mistake');" raised TypeError: a stray mistake`]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 5 * 60 * 1000);

  test('a notebook over its time limit is stopped and reported as not run; the next one is still graded; the CSV sheet holds both', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'grade-test-'));
    try {
      await fs.mkdir(path.join(dir, 'bob'));
      await fs.mkdir(path.join(dir, 'carol'));
      await practiceVariant(path.join(dir, 'bob'), '00-practice.ipynb', { 3: 'await new Promise(() => {}); // never resolves\nconst pixels = 784;' });
      await practiceVariant(path.join(dir, 'carol'), '00-practice.ipynb', { 3: 'const pixels: number = 28 * 28;' });
      const run = await grade(['--timeout', '40', '--csv', 'class.csv', '.'], dir);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^bob\/00-practice\.ipynb +! +! +! +0\/3$/m);
      expect(run.stdout).toMatch(/^carol\/00-practice\.ipynb +✓ +· +· +1\/3$/m);
      expect(run.stdout).toContain('Total: 1 of 6 exercises passed in 2 notebooks.');
      expect(run.stdout).toContain('00.1 not run: not graded: the notebook ran over its time limit of 40 s and was stopped');
      expect(await fs.readFile(path.join(dir, 'class.csv'), 'utf8')).toBe(
        [
          'folder,notebook,00.1,00.2,00.3,passed,exercises',
          'bob,bob/00-practice.ipynb,not run,not run,not run,0,3',
          'carol,carol/00-practice.ipynb,passed,not attempted,not attempted,1,3',
          ',passed by,1,0,0,1,6',
          '',
        ].join('\n'),
      );
      // Nothing of bob's stopped run is left behind.
      expect((await fs.readdir(path.join(root, '.cache')).catch(() => [])).filter((name) => name.startsWith('grade-'))).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 5 * 60 * 1000);
});

describe('misuse exits non-zero with a clear message', () => {
  test.each([
    [['no-such-notebook.ipynb'], /grade: no-such-notebook\.ipynb: no such file or folder/],
    [['--frobnicate', practice], /grade: unknown option --frobnicate \(try --help\)/],
    [['--timeout', 'soon', practice], /--timeout needs a positive whole number, got "soon"/],
    [['--profile', 'huge', practice], /huge/],
    [['--csv'], /--csv needs a value/],
    [[], /no notebook to grade/],
    [['--with-solutions', '--solutions', '/no/such/folder', practice], /there is no solutions folder/],
    [[path.join(fixtureDir, 'solutions', '00-practice.md')], /is not a notebook \(\.ipynb\)/],
  ])('%j', async (args, message) => {
    const run = await grade(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await grade(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: .*grade.* \[options\] <notebook\.ipynb or folder\.\.\.>/);
    for (const flag of ['--profile', '--timeout', '--json', '--csv', '--with-solutions', '--solutions']) expect(run.stdout).toContain(flag);
  });
});

// The series' notebooks, twice each in the quick profile: the longest tests here.
describe("grading the series' notebooks", () => {
  const files = withExercises.map((name) => path.join(notebooksDir, name));
  const expected = withExercises.flatMap((name) => exercisesOf(name).map((exercise) => [path.join(notebooksDir, name), exercise]));
  const whenAny = files.length ? test : test.skip;

  whenAny('with the reference solutions, every exercise passes', async () => {
    const run = await grade(['--with-solutions', '--json', ...files]);
    console.log(`graded ${files.length} notebooks with their solutions in ${run.seconds.toFixed(0)} s`);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => [l.notebook, l.exercise])).toEqual(expected);
    expect(lines.filter((l) => !l.passed)).toEqual([]);
  }, 60 * 60 * 1000);

  whenAny('untouched, none passes, and the grader exits 0', async () => {
    const run = await grade(['--json', ...files]);
    console.log(`graded ${files.length} untouched notebooks in ${run.seconds.toFixed(0)} s`);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => [l.notebook, l.exercise])).toEqual(expected);
    expect(lines.filter((l) => l.status !== 'not attempted')).toEqual([]);
  }, 60 * 60 * 1000);
});
