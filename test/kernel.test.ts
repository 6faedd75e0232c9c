/** Registering the tslab kernel with the user's Jupyter (as `npm install` does). */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { jupyterCommand, registerTslabKernel } from '../tools/notebook/kernel';

const run = promisify(execFile);

/** The kernel.json of kernel `name` that Jupyter itself would pick: the first along `jupyter --paths`. */
async function findKernelSpec(name: string): Promise<{ file: string } | undefined> {
  const { stdout } = await run(jupyterCommand(), ['--paths', '--json'], { env: process.env });
  for (const dir of (JSON.parse(stdout) as { data?: string[] }).data ?? []) {
    const file = path.join(dir, 'kernels', name, 'kernel.json');
    if (await fs.access(file).then(() => true, () => false)) return { file };
  }
  return undefined;
}

const name = `mnist-ts-test-${process.pid}`;
let dataDir: string;
const savedDataDir = process.env.JUPYTER_DATA_DIR;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jupyter-data-'));
  process.env.JUPYTER_DATA_DIR = dataDir;
});

afterAll(async () => {
  if (savedDataDir === undefined) delete process.env.JUPYTER_DATA_DIR;
  else process.env.JUPYTER_DATA_DIR = savedDataDir;
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('registers one kernel that starts the tslab of the project a notebook is in, and says which it falls back on', async () => {
  const specFile = path.join(dataDir, 'kernels', name, 'kernel.json');
  const message = await registerTslabKernel(name);
  expect(message).toContain(`Registered the TypeScript kernel "${name}" for Jupyter (${path.dirname(specFile)})`);
  const fallback = require.resolve('tslab/bin/tslab');
  const version = (JSON.parse(await fs.readFile(path.join(path.dirname(fallback), '..', 'package.json'), 'utf8')) as { version: string }).version;
  expect(message).toContain(`else tslab ${version} from ${path.dirname(path.dirname(fallback))}`);
  const spec = JSON.parse(await fs.readFile(specFile, 'utf8')) as { argv: string[]; language: string };
  expect(spec.language).toBe('typescript');
  const launcher = path.join(path.dirname(specFile), 'launch-tslab.js');
  expect(spec.argv).toEqual([process.execPath, launcher, '{connection_file}']);
  expect((await findKernelSpec(name))?.file).toBe(specFile);

  // Another clone: its notebooks/ folder finds that clone's own tslab, started as a kernel with the connection file.
  const clone = path.join(dataDir, 'other-clone');
  const stub = path.join(clone, 'node_modules', 'tslab', 'bin', 'tslab');
  await fs.mkdir(path.dirname(stub), { recursive: true });
  await fs.mkdir(path.join(clone, 'notebooks'));
  await fs.writeFile(path.join(clone, 'node_modules', 'tslab', 'package.json'), '{"name":"tslab","version":"0.0.0"}');
  await fs.writeFile(stub, 'console.log(JSON.stringify({ started: __filename, argv: process.argv.slice(2) }));');
  const { stdout } = await run(process.execPath, [launcher, 'connection.json'], { cwd: path.join(clone, 'notebooks') });
  expect(JSON.parse(stdout)).toEqual({ started: await fs.realpath(stub), argv: ['kernel', '--config-path', 'connection.json'] });

  // Registering again (a second clone's npm install) rewrites the same kernel in place.
  expect(await registerTslabKernel(name)).toContain('Registered the TypeScript kernel');
  expect((await fs.readdir(path.dirname(specFile))).sort()).toEqual(['kernel.json', 'launch-tslab.js']);
});
