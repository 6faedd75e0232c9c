import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '@mnist-ts/lib';

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
 * The kernel's launcher, written beside its kernel.json so that it belongs to
 * no clone: it starts the tslab installed in the project the notebook lies in
 * (found from the kernel's working folder, which Jupyter sets to the
 * notebook's folder), and only when there is none the tslab of the project
 * that registered the kernel. So one registration serves every clone.
 */
function launcherSource(fallback: string): string {
  return `#!/usr/bin/env node
// Written by mnist-ts (npm install). Starts the tslab of the project this notebook is in.
const fallback = ${JSON.stringify(fallback)};
let tslab;
try {
  tslab = require.resolve('tslab/bin/tslab', { paths: [process.cwd()] });
} catch {
  tslab = fallback;
}
process.argv = [process.argv[0], tslab, 'kernel', '--config-path', process.argv[2]];
require(tslab);
`;
}

/** The version of the tslab a launcher falls back on, for messages. */
function tslabVersion(launcher: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(path.dirname(launcher), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Writes a Jupyter kernel spec for tslab into `<dataDir>/kernels/<name>/`:
 * kernel.json and the launcher it runs with this Node.js. Returns the spec's path.
 */
export async function writeTslabKernelSpec(dataDir: string, name: string): Promise<string> {
  const folder = path.join(dataDir, 'kernels', name);
  const launcher = path.join(folder, 'launch-tslab.js');
  await writeFileAtomic(launcher, launcherSource(tslabLauncher()));
  const spec = {
    argv: [process.execPath, launcher, '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
    metadata: { 'mnist-ts': { launcher: 'tslab of the notebook\'s project, else the registering project\'s' } },
  };
  const file = path.join(folder, 'kernel.json');
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
 * Registers the TypeScript kernel `name` (default `tslab`, the name the
 * notebooks ask for) in the user's Jupyter data folder, replacing an older
 * one: its launcher runs the tslab of whichever project a notebook is in, so
 * every clone on the machine is served by one registration. Returns what it
 * did, in one sentence; without Jupyter, says how to get it.
 */
export async function registerTslabKernel(name = 'tslab'): Promise<string> {
  const dataDir = await jupyterDataDir();
  if (!dataDir) {
    return (
      `Jupyter was not found, so the TypeScript (${name}) kernel was not registered. To open the notebooks, install ` +
      'JupyterLab ("pip install jupyterlab", or on Debian/Ubuntu "sudo apt-get install jupyter-notebook") and run "npm install" again.'
    );
  }
  const file = await writeTslabKernelSpec(dataDir, name);
  const fallback = tslabLauncher();
  return (
    `Registered the TypeScript kernel "${name}" for Jupyter (${path.dirname(file)}): it runs the tslab of the project a notebook ` +
    `is in, else tslab ${tslabVersion(fallback)} from ${path.dirname(path.dirname(fallback))}.`
  );
}
