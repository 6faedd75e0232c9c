import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../atomic-write';

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
    await run(jupyterCommand(), ['nbconvert', '--version']);
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
    const { stdout } = await run(jupyterCommand(), ['--data-dir']);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Names of the kernels Jupyter knows, or an empty list when Jupyter is missing. */
export async function installedKernels(): Promise<string[]> {
  try {
    const { stdout } = await run(jupyterCommand(), ['kernelspec', 'list', '--json']);
    return Object.keys((JSON.parse(stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs);
  } catch {
    return [];
  }
}

/** True when a file or folder exists. */
export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
