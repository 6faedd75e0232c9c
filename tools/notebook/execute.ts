import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, PROFILE_ENV, type ProfileName } from '@mnist-ts/lib';
import { checkJupyter, jupyterCommand, writeTslabKernelSpec } from './kernel';

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
  /**
   * Seconds the whole notebook may take; default no limit. Past it, Jupyter is
   * stopped (and with it the kernel) and `executeNotebook` rejects with a
   * `NotebookTimeout`.
   */
  readonly timeoutSeconds?: number;
  /**
   * Runs the cells after one that failed, as a grader needs; default false.
   * tslab cancels every request it receives in the 200 ms after a failed cell,
   * and nbclient sends the next cell at once, so without a pause after a
   * failure every later cell is skipped.
   */
  readonly continueAfterErrors?: boolean;
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
  metadata?: { execution?: Record<string, string>; execution_failed?: boolean };
  outputs?: {
    output_type: string;
    name?: string;
    text?: string | string[];
    ename?: string;
    evalue?: string;
    data?: Record<string, unknown>;
  }[];
}

/** Why `executeNotebook` gave up on a notebook that ran over its time limit. */
export class NotebookTimeout extends Error {
  constructor(notebook: string, readonly seconds: number) {
    super(`${notebook} did not finish within its limit of ${seconds} s and was stopped`);
    this.name = 'NotebookTimeout';
  }
}

/** A cell's source or an output's text as one string (nbformat allows a string or a list of lines). */
export const joinText = (text: string | string[] | undefined): string => (Array.isArray(text) ? text.join('') : (text ?? ''));

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
    if (options.continueAfterErrors) args.push('--config', await writePauseAfterErrors(workDir));
    const env = { ...process.env, ...options.env, JUPYTER_PATH: workDir, [PROFILE_ENV]: options.profile };
    try {
      await runJupyter(args, { cwd: path.dirname(path.resolve(notebookPath)), env, timeoutSeconds: options.timeoutSeconds, workDir });
    } catch (error) {
      if (error instanceof TimeLimitReached) throw new NotebookTimeout(name, error.seconds);
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

/**
 * Writes an nbconvert configuration that waits half a second after a failed
 * cell, past tslab's 200 ms of cancelling (tslab's jupyter.js, "Sleep 200ms to
 * abort all pending tasks"), so the next cell runs. It also marks the failed
 * cell (`"execution_failed": true` in its metadata): tslab reports an error on
 * standard error like any warning, and only the reply says the cell failed.
 * Returns the configuration's path.
 */
async function writePauseAfterErrors(workDir: string): Promise<string> {
  const file = path.join(workDir, 'continue_after_errors_config.py');
  const config = [
    'import time',
    '',
    'def _pause_after_error(cell, **kwargs):',
    '    cell.metadata["execution_failed"] = True',
    '    time.sleep(0.5)',
    '',
    'c.ExecutePreprocessor.on_cell_error = _pause_after_error',
    '',
  ];
  await fs.writeFile(file, config.join('\n'));
  return file;
}

/** Raised by `runJupyter` when the time limit stopped it. */
class TimeLimitReached extends Error {
  constructor(readonly seconds: number) {
    super(`stopped after ${seconds} s`);
  }
}

interface RunJupyterOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutSeconds?: number;
  /** The private folder of this run: every process of the run (the kernel too) names it on its command line. */
  readonly workDir: string;
}

/** The end of a long text, for error messages that keep only the last lines anyway. */
const KEEP_STDERR = 256 * 1024;

/**
 * Runs Jupyter with the arguments; rejects with its standard error when it
 * fails, or with `TimeLimitReached` after the time limit. At the limit Jupyter
 * gets SIGTERM, on which nbclient shuts its kernel down; whatever of the run is
 * still alive ten seconds later is killed.
 */
function runJupyter(args: readonly string[], options: RunJupyterOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(jupyterCommand(), args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-KEEP_STDERR);
    });
    const limit = options.timeoutSeconds;
    const timer = limit === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => void killRun(options.workDir), 10_000);
    }, limit * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        clearTimeout(killer);
        // nbclient shuts the kernel down on SIGTERM; make sure nothing of the run outlives it.
        void killRun(options.workDir).then(() => reject(new TimeLimitReached(limit ?? 0)));
      } else if (code === 0) resolve();
      else reject(Object.assign(new Error(`${jupyterCommand()} exited with ${signal ?? `code ${code}`}`), { stderr }));
    });
  });
}

/**
 * Kills every process whose command line names the run's private folder (the
 * kernel is started from a launcher inside it), by process id. Linux only:
 * elsewhere there is no /proc to read, and nbclient's own shutdown must do.
 */
async function killRun(workDir: string): Promise<void> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const commandLine = await fs.readFile(path.join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    if (commandLine.includes(workDir)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
