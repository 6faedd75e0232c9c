import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../atomic-write';
import { pathExists } from '../paths';

// Calls pass process.env explicitly: under jest, the sandbox's env is not the one Node would hand on.
const run = promisify(execFile);

/** The Jupyter command lib calls; the JUPYTER environment variable overrides it. */
export function jupyterCommand(): string {
  return process.env.JUPYTER || 'jupyter';
}

/** The tslab launcher installed with the project (a dev dependency of the series). */
export function tslabLauncher(): string {
  return require.resolve('tslab/bin/tslab', { paths: [process.cwd(), __dirname] });
}

/**
 * Writes a Jupyter kernel spec for tslab into `<dataDir>/kernels/<name>/kernel.json`,
 * started with this Node.js and the project's tslab. Returns the spec's path.
 */
export async function writeTslabKernelSpec(dataDir: string, name: string): Promise<string> {
  const spec = {
    argv: [process.execPath, tslabLauncher(), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
  const file = path.join(dataDir, 'kernels', name, 'kernel.json');
  await writeFileAtomic(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

/** Checks that Jupyter's nbconvert answers; throws an error that says how to install it. */
export async function checkJupyter(): Promise<void> {
  try {
    await run(jupyterCommand(), ['nbconvert', '--version'], { env: process.env });
  } catch (error) {
    throw new Error(
      `Jupyter with nbconvert is needed to run notebooks, but "${jupyterCommand()} nbconvert --version" failed ` +
        `(${(error as Error).message.split('\n')[0]}). Install it with ` +
        '"sudo apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-notebook" (Debian/Ubuntu) ' +
        'or "pip install jupyterlab", or set JUPYTER to the jupyter command.',
    );
  }
}

/** The user's Jupyter data folder (`jupyter --data-dir`), or undefined when Jupyter is missing. */
export async function jupyterDataDir(): Promise<string | undefined> {
  try {
    const { stdout } = await run(jupyterCommand(), ['--data-dir'], { env: process.env });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command line of the kernel spec `name` that Jupyter would use (the first
 * one found along `jupyter --paths`), or undefined when there is none or
 * Jupyter is missing.
 */
export async function findKernelSpec(name: string): Promise<{ file: string; argv: string[] } | undefined> {
  let dataDirs: string[];
  try {
    const { stdout } = await run(jupyterCommand(), ['--paths', '--json'], { env: process.env });
    dataDirs = (JSON.parse(stdout) as { data?: string[] }).data ?? [];
  } catch {
    return undefined;
  }
  for (const dir of dataDirs) {
    const file = path.join(dir, 'kernels', name, 'kernel.json');
    try {
      const spec = JSON.parse(await fs.readFile(file, 'utf8')) as { argv?: string[] };
      return { file, argv: spec.argv ?? [] };
    } catch {
      // not here (or unreadable): look further along the path
    }
  }
  return undefined;
}


/** True when a kernel's command line names a program or script that is gone (a moved or deleted clone). */
async function pointsAtMissingFile(argv: readonly string[]): Promise<boolean> {
  for (const part of argv.slice(0, 2)) {
    if (path.isAbsolute(part) && !(await pathExists(part))) return true;
  }
  return false;
}

/**
 * Makes sure Jupyter has a working TypeScript kernel called `name` (default
 * `tslab`): keeps one that works, otherwise writes one into the user's
 * Jupyter data folder that starts this project's tslab. Returns what it did,
 * in one sentence; without Jupyter, says how to get it.
 */
export async function registerTslabKernel(name = 'tslab'): Promise<string> {
  const dataDir = await jupyterDataDir();
  if (!dataDir) {
    return (
      `Jupyter was not found, so the TypeScript (${name}) kernel was not registered. To open the notebooks, install ` +
      'JupyterLab ("pip install jupyterlab", or on Debian/Ubuntu "sudo apt-get install jupyter-notebook") and run "npm install" again.'
    );
  }
  const existing = await findKernelSpec(name);
  if (existing && !(await pointsAtMissingFile(existing.argv))) {
    return `Jupyter already has a ${name} kernel (${existing.file}); the notebooks use it.`;
  }
  const file = await writeTslabKernelSpec(dataDir, name);
  return `Registered the TypeScript kernel for Jupyter: ${path.dirname(file)}`;
}
