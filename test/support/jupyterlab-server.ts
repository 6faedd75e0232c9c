/**
 * A private JupyterLab 4 server for browser tests: its own port, token, kernel
 * spec, settings and data folders, serving a temporary copy of the notebooks,
 * so nothing of the user's Jupyter setup is used or changed and the notebooks
 * open untrusted, as in a fresh clone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROFILE_ENV, PROJECT_DIR_ENV, type ProfileName } from '@mnist-ts/lib';
import { jupyterCommand, writeTslabKernelSpec } from '../../tools/notebook/kernel';
import { firstLine, missingChromium } from './chromium';

/**
 * What the browser tests need and this machine lacks, one sentence each saying
 * how to install it; empty when JupyterLab 4 and Chromium are both there.
 */
export function missingBrowserTestTools(): string[] {
  const missing: string[] = [];
  const lab = `${jupyterCommand()} lab --version`;
  try {
    const version = execFileSync(jupyterCommand(), ['lab', '--version'], { env: process.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (Number(version.split('.')[0]) < 4) missing.push(`JupyterLab 4 is needed, but "${lab}" says ${version}: upgrade it with "python3 -m pip install --upgrade jupyterlab".`);
  } catch (error) {
    missing.push(`JupyterLab 4 is needed, but "${lab}" failed (${firstLine(error)}): install it with "python3 -m pip install jupyterlab" (or set JUPYTER to a jupyter command that has it).`);
  }
  const chromium = missingChromium();
  if (chromium) missing.push(chromium);
  return missing;
}

/** A running private JupyterLab. */
export interface JupyterLabServer {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly token: string;
  /** The folder the server serves; the notebooks' copy is its `notebooks/` subfolder. */
  readonly rootDir: string;
  /** JupyterLab's address of a notebook in the copy, opened in a fresh workspace, with the token. */
  notebookUrl(name: string): string;
  /** Calls the server's REST API (`/api/...`) with the token. */
  api<T>(route: string, method?: string): Promise<T>;
  /** Ends every session and its kernel (an opened notebook starts one). */
  shutDownSessions(): Promise<void>;
  /** The server's log so far, for messages. */
  log(): string;
  /** Shuts down every kernel, stops the server and removes its folders. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The folder whose `.ipynb` files are copied and served. */
  readonly notebooksDir: string;
  /** The repository the notebooks belong to: its node_modules serve the copy, and MNIST_PROJECT_DIR names it. */
  readonly projectDir: string;
  /** The profile the kernels run in. */
  readonly profile: ProfileName;
  /** Seconds to wait for the server to answer; default 120. */
  readonly startSeconds?: number;
}

/** A port nobody listens on at the moment, on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Settings every test page gets: all cells rendered (no windowing), no news or update checks. */
const SETTINGS_OVERRIDES = {
  '@jupyterlab/notebook-extension:tracker': { windowingMode: 'none' },
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `jupyter lab` on a free port of 127.0.0.1 with a random token. The
 * notebooks are copied to `<temp>/notebooks/` beside a link to the project's
 * node_modules, so a notebook's kernel (which runs in the notebook's folder)
 * finds tslab and @mnist-ts/lib as it would in the repository.
 */
export async function startJupyterLab(options: StartOptions): Promise<JupyterLabServer> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-lab-'));
  const dirs = Object.fromEntries(
    ['root', 'path', 'data', 'config', 'runtime', 'app-settings', 'user-settings', 'workspaces'].map((name) => [name, path.join(home, name)]),
  ) as Record<string, string>;
  await Promise.all(Object.values(dirs).map((dir) => fs.mkdir(dir, { recursive: true })));
  const copy = path.join(dirs.root, 'notebooks');
  await fs.mkdir(copy);
  for (const name of (await fs.readdir(options.notebooksDir)).filter((file) => file.endsWith('.ipynb'))) {
    await fs.copyFile(path.join(options.notebooksDir, name), path.join(copy, name));
  }
  await fs.symlink(path.join(options.projectDir, 'node_modules'), path.join(dirs.root, 'node_modules'), 'dir');
  // The kernel name the notebooks ask for, found first along JUPYTER_PATH.
  await writeTslabKernelSpec(dirs.path, 'tslab');
  await fs.writeFile(path.join(dirs['app-settings'], 'overrides.json'), `${JSON.stringify(SETTINGS_OVERRIDES, null, 2)}\n`);

  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No configuration but what the command line gives: neither the user's nor the system's.
    JUPYTER_NO_CONFIG: '1',
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_PATH: dirs.path,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTERLAB_SETTINGS_DIR: dirs['user-settings'],
    JUPYTERLAB_WORKSPACES_DIR: dirs.workspaces,
    [PROFILE_ENV]: options.profile,
    [PROJECT_DIR_ENV]: options.projectDir,
  };
  const args = [
    'lab', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${dirs.root}`, '--ServerApp.terminals_enabled=False',
    `--LabApp.app_settings_dir=${dirs['app-settings']}`, '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    '--LabApp.extension_manager=readonly',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  // Its own process group, so that stopping it reaches the launcher scripts between us and Python.
  const child: ChildProcess = spawn(jupyterCommand(), args, { cwd: dirs.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const baseUrl = `http://127.0.0.1:${port}`;
  const api = async <T>(route: string, method = 'GET'): Promise<T> => {
    const response = await fetch(`${baseUrl}${route}`, { method, headers: { Authorization: `token ${token}` } });
    if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const shutDownSessions = async () => {
    const sessions = await api<{ id: string }[]>('/api/sessions').catch(() => []);
    await Promise.all(sessions.map((session) => api(`/api/sessions/${session.id}`, 'DELETE').catch(() => undefined)));
    const kernels = await api<{ id: string }[]>('/api/kernels').catch(() => []);
    await Promise.all(kernels.map((kernel) => api(`/api/kernels/${kernel.id}`, 'DELETE').catch(() => undefined)));
  };
  const stop = async () => {
    if (!exited) {
      await shutDownSessions();
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exit, sleep(15_000)]);
      if (!exited && child.pid) process.kill(-child.pid, 'SIGKILL');
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    await fs.rm(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startSeconds ?? 120) * 1000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`jupyter lab exited before it answered:\n${log.trim().split('\n').slice(-15).join('\n')}`);
    }
    if (await api('/api/status').then(() => true, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter lab did not answer on ${baseUrl} within ${options.startSeconds ?? 120} s:\n${log.trim().split('\n').slice(-15).join('\n')}`);
    }
    await sleep(500);
  }
  return {
    baseUrl,
    token,
    rootDir: dirs.root,
    // `reset` opens the notebook alone, in a fresh workspace.
    notebookUrl: (name) => `${baseUrl}/lab/tree/notebooks/${encodeURIComponent(name)}?reset&token=${token}`,
    api,
    shutDownSessions,
    log: () => log,
    stop,
  };
}
