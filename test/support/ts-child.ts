/** Child processes running a script that uses lib's TypeScript sources (real processes, for memory, I/O and signals). */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Starts `node` on a JavaScript `script` that may `require` lib's .ts files
 * (paths relative to the project root, e.g. `require('./lib/data/idx')`);
 * `args` follow as process.argv[1...]. Extra node options (`--expose-gc`) go
 * in `nodeOptions`.
 */
export function spawnTsScript(script: string, args: string[] = [], nodeOptions: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeOptions, '-r', path.join(__dirname, 'ts-register.js'), '-e', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** How a child ended and what it printed. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Resolves when `child` has exited, with its exit code or signal and its output. */
export function outcomeOf(child: ChildProcess): Promise<ChildOutcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a script as spawnTsScript does and parses the last line it prints as JSON; a failure shows its stderr. */
export async function runTsScript<T>(script: string, args: string[] = [], nodeOptions: string[] = []): Promise<T> {
  const outcome = await outcomeOf(spawnTsScript(script, args, nodeOptions));
  if (outcome.code !== 0) throw new Error(`child exited with ${outcome.code ?? outcome.signal}: ${outcome.stderr}`);
  return JSON.parse(outcome.stdout.trim().split('\n').pop()!) as T;
}
