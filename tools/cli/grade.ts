#!/usr/bin/env node
/**
 * Grades students' notebooks: executes each in a clean kernel and reports
 * every exercise as passed, failed (with the check's hint or the error) or not
 * attempted. `npm run grade -- --help` for usage.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_DIR_ENV, profileByName, writeFileAtomic, type ProfileName } from '@mnist-ts/lib';
import { eachArgument, positiveInteger, usage } from '../args';
import { checkJupyter } from '../notebook/kernel';
import { gradeNotebook, type NotebookGrade } from '../grade/grade-notebook';
import { csvSheet, formatTable, jsonLines } from '../grade/report';

/** A mistake in how the grader was called: exit code 2, with the message. */
class Misuse extends Error {}

interface Options {
  profile: ProfileName;
  timeoutSeconds: number;
  json: boolean;
  csv?: string;
  withSolutions: boolean;
  solutionsDir?: string;
  keepExecuted?: string;
  paths: string[];
}

/** This project: the one the grader belongs to, unless MNIST_PROJECT_DIR names another. */
function graderProject(): string {
  return path.resolve(process.env[PROJECT_DIR_ENV] || path.join(__dirname, '..', '..', '..'));
}

/** Where the user typed the command: npm runs scripts from the project folder but says where it was called from. */
function callerDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

function parse(argv: string[]): Options {
  const options: Options = { profile: 'quick', timeoutSeconds: 900, json: false, withSolutions: false, paths: [] };
  eachArgument(argv, (arg, value) => {
    if (arg === '--profile') options.profile = profileByName(value()).name;
    else if (arg === '--timeout') options.timeoutSeconds = positiveInteger(arg, value());
    else if (arg === '--json') options.json = true;
    else if (arg === '--csv') options.csv = value();
    else if (arg === '--with-solutions') options.withSolutions = true;
    else if (arg === '--solutions') options.solutionsDir = value();
    else if (arg === '--keep-executed') options.keepExecuted = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(
        usage('grade', '[options] <notebook.ipynb or folder...>', [
          ['notebooks', 'the notebooks to grade; a folder stands for every notebook in it, at any depth'],
          ['--profile quick|full', 'the profile the notebooks run in (default: quick)'],
          ['--timeout <seconds>', 'time limit per notebook (default: 900); a notebook over it is stopped and reported'],
          ['--json', 'print one JSON object per exercise (notebook, exercise, passed, status, message) instead of the table'],
          ['--csv <file>', 'also write a class sheet: a row per notebook, a column per exercise, totals'],
          ['--with-solutions', 'put the reference solutions in place of the starter cells and grade that'],
          ['--solutions <folder>', 'where the reference solutions are (default: notebooks/solutions of the project)'],
          ['--keep-executed <folder>', 'keep each executed notebook there, to see what the grader saw'],
          ['--help, -h', 'this help'],
        ]),
      );
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Misuse(`unknown option ${arg} (try --help)`);
    else options.paths.push(arg);
  });
  if (options.paths.length === 0) throw new Misuse('no notebook to grade: name one or more .ipynb files or folders (try --help)');
  return options;
}

/** The notebooks a path stands for: the file itself, or every .ipynb under a folder (hidden folders and checkpoints skipped). */
async function notebooksAt(given: string): Promise<string[]> {
  const full = path.resolve(callerDir(), given);
  const stat = await fs.stat(full).catch(() => undefined);
  if (!stat) throw new Misuse(`${given}: no such file or folder`);
  if (stat.isFile()) {
    if (!given.endsWith('.ipynb')) throw new Misuse(`${given} is not a notebook (.ipynb)`);
    return [given];
  }
  const found: string[] = [];
  for (const entry of (await fs.readdir(full, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = path.join(given, entry.name);
    if (entry.isDirectory()) found.push(...(await notebooksAt(child)));
    else if (entry.name.endsWith('.ipynb')) found.push(child);
  }
  return found;
}

/** The file name an executed notebook is kept under: its path as given, flattened (`alice/04-x.ipynb` → `alice__04-x.ipynb`). */
function executedName(notebook: string): string {
  return path.normalize(notebook).split(path.sep).filter((part) => part !== '' && part !== '.' && part !== '..').join('__');
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parse(argv);
  } catch (error) {
    throw error instanceof Misuse ? error : new Misuse(`${(error as Error).message} (try --help)`);
  }
  const project = graderProject();
  const notebooks = (await Promise.all(options.paths.map(notebooksAt))).flat();
  if (notebooks.length === 0) throw new Misuse(`no notebook (.ipynb) in ${options.paths.join(', ')}`);
  const solutionsDir = options.withSolutions ? path.resolve(callerDir(), options.solutionsDir ?? path.join(project, 'notebooks', 'solutions')) : undefined;
  if (solutionsDir !== undefined && !(await fs.stat(solutionsDir).catch(() => undefined))?.isDirectory()) {
    throw new Misuse(`--with-solutions: there is no solutions folder ${solutionsDir}`);
  }
  if (options.solutionsDir !== undefined && !options.withSolutions) throw new Misuse('--solutions only makes sense with --with-solutions');
  await checkJupyter();
  const results: NotebookGrade[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    console.error(`Grading ${notebook} (${i + 1} of ${notebooks.length}, profile ${options.profile}, limit ${options.timeoutSeconds} s)...`);
    const executedPath = options.keepExecuted === undefined ? undefined : path.resolve(callerDir(), options.keepExecuted, executedName(notebook));
    const settings = { projectDir: project, profile: options.profile, timeoutSeconds: options.timeoutSeconds, solutionsDir, executedPath };
    results.push(await gradeNotebook(path.resolve(callerDir(), notebook), settings, notebook));
  }
  if (options.csv !== undefined) {
    const sheet = path.resolve(callerDir(), options.csv);
    await writeFileAtomic(sheet, csvSheet(results));
    console.error(`Class sheet written to ${sheet}.`);
  }
  console.log(options.json ? jsonLines(results) : formatTable(results));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`grade: ${(error as Error).message}`);
    process.exit(error instanceof Misuse ? 2 : 1);
  },
);
