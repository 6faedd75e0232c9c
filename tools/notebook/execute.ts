import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic, PROFILE_ENV, type ProfileName } from '@mnist-ts/lib';
import { checkJupyter, jupyterCommand, writeTslabKernelSpec } from './kernel';

const run = promisify(execFile);

/** Something that went wrong in one cell of a notebook. */
export interface NotebookProblem {
  /** The notebook's file name. */
  readonly notebook: string;
  /** Index of the cell in the notebook, counting from 1 as Jupyter shows them. */
  readonly cell: number;
  /** The cell's first line of code, to find it. */
  readonly firstLine: string;
  /** `error` for an exception, `stderr` for anything written to standard error (type errors, warnings). */
  readonly kind: 'error' | 'stderr';
  readonly message: string;
}

export interface ExecuteOptions {
  /** The profile the kernel runs in (sets MNIST_PROFILE). */
  readonly profile: ProfileName;
  /** Where to write the executed notebook; default: a temporary file. */
  readonly outputPath?: string;
  /** Seconds one cell may take; default 1800. */
  readonly cellTimeoutSeconds?: number;
  /** Extra environment for the kernel. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ExecuteResult {
  readonly outputPath: string;
  readonly problems: readonly NotebookProblem[];
  readonly seconds: number;
}

/** The parts of a notebook cell (nbformat 4) lib reads. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  metadata?: { execution?: Record<string, string> };
  outputs?: {
    output_type: string;
    name?: string;
    text?: string | string[];
    ename?: string;
    evalue?: string;
    data?: Record<string, unknown>;
  }[];
}

const joinText = (text: string | string[] | undefined) => (Array.isArray(text) ? text.join('') : (text ?? ''));

/** Finds errors and standard-error output in an executed notebook. */
export function findProblems(notebookName: string, cells: readonly NotebookCell[]): NotebookProblem[] {
  const problems: NotebookProblem[] = [];
  cells.forEach((cell, index) => {
    const firstLine = joinText(cell.source).split('\n')[0];
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'error') {
        problems.push({ notebook: notebookName, cell: index + 1, firstLine, kind: 'error', message: `${output.ename}: ${output.evalue}` });
      } else if (output.output_type === 'stream' && output.name === 'stderr') {
        problems.push({ notebook: notebookName, cell: index + 1, firstLine, kind: 'stderr', message: joinText(output.text).trim() });
      }
    }
  });
  return problems;
}

/** One line per problem: notebook, cell, its first line and what went wrong. */
export function formatProblems(problems: readonly NotebookProblem[]): string {
  return problems.map((p) => `${p.notebook}, cell ${p.cell} (${p.firstLine}): ${p.kind}: ${p.message}`).join('\n');
}

/**
 * Executes a notebook from a clean tslab kernel with Jupyter's nbconvert, in
 * the given profile, and reports every cell that raised an error or wrote to
 * standard error. The kernel spec is written to a private folder, so nothing
 * in the user's Jupyter setup is touched or relied upon.
 */
export async function executeNotebook(notebookPath: string, options: ExecuteOptions): Promise<ExecuteResult> {
  await checkJupyter();
  const started = Date.now();
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-nb-'));
  try {
    const kernelName = 'mnist-ts-tslab';
    await writeTslabKernelSpec(workDir, kernelName);
    const name = path.basename(notebookPath);
    const executed = path.join(workDir, name);
    const args = [
      'nbconvert', '--to', 'notebook', '--execute', '--allow-errors',
      `--ExecutePreprocessor.kernel_name=${kernelName}`,
      `--ExecutePreprocessor.timeout=${options.cellTimeoutSeconds ?? 1800}`,
      '--output-dir', workDir, '--output', name, path.resolve(notebookPath),
    ];
    const env = { ...process.env, ...options.env, JUPYTER_PATH: workDir, [PROFILE_ENV]: options.profile };
    try {
      await run(jupyterCommand(), args, { cwd: path.dirname(path.resolve(notebookPath)), env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      // A dying kernel writes its own last words (an uncaught error, "out of memory") before
      // nbclient's traceback: keep those lines as well as the traceback's end.
      const lines = stderr.trim().split('\n');
      const kernelLines = lines.filter((line) => /error|abort|memory|killed/i.test(line) && !/^\s*(File|raise|return)\b/.test(line)).slice(-5);
      const detail = [...new Set([...kernelLines, ...lines.slice(-5)])].join('\n');
      throw new Error(`${name}: Jupyter could not execute the notebook: ${detail || (error as Error).message}`);
    }
    const text = await fs.readFile(executed, 'utf8');
    const problems = findProblems(name, (JSON.parse(text) as { cells: NotebookCell[] }).cells);
    const outputPath = options.outputPath ?? path.join(os.tmpdir(), `executed-${process.pid}-${name}`);
    await writeFileAtomic(outputPath, text);
    return { outputPath, problems, seconds: (Date.now() - started) / 1000 };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
