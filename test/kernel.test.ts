/** Registering the tslab kernel with the user's Jupyter (as `npm install` does). */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findKernelSpec, registerTslabKernel } from '../tools/notebook/kernel';

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

test('registers a kernel that starts the project tslab, keeps a working one, and repairs a broken one', async () => {
  const specFile = path.join(dataDir, 'kernels', name, 'kernel.json');
  expect(await registerTslabKernel(name)).toBe(`Registered the TypeScript kernel for Jupyter: ${path.dirname(specFile)}`);
  const spec = JSON.parse(await fs.readFile(specFile, 'utf8')) as { argv: string[]; language: string };
  expect(spec.language).toBe('typescript');
  expect(spec.argv.slice(0, 2)).toEqual([process.execPath, require.resolve('tslab/bin/tslab')]);
  expect(spec.argv.slice(2)).toEqual(['kernel', '--config-path', '{connection_file}']);
  expect((await findKernelSpec(name))?.file).toBe(specFile);

  expect(await registerTslabKernel(name)).toContain(`already has a ${name} kernel`);

  // A clone that moved away leaves a spec pointing at a missing tslab: it is rewritten.
  await fs.writeFile(specFile, JSON.stringify({ ...spec, argv: [process.execPath, '/gone/tslab/bin/tslab', ...spec.argv.slice(2)] }));
  expect(await registerTslabKernel(name)).toContain('Registered the TypeScript kernel');
  expect(JSON.parse(await fs.readFile(specFile, 'utf8')).argv[1]).toBe(require.resolve('tslab/bin/tslab'));
});
