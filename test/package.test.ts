/**
 * The library as a user gets it: both packages packed with `npm pack`,
 * installed from their tarballs into an empty project outside the repository,
 * a short script type-checked under the strict settings `tsc --init` gives a
 * new project, and run: load MNIST, train, evaluate, save, load, draw. Outputs
 * must land in the project, never under its node_modules.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const PACKAGES = { lib: path.join(ROOT, 'lib'), wasm: path.join(ROOT, 'packages', 'tfjs-backend-wasm-training') };

/** Every file under a folder with its size and modification time, to see whether anything was written there. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const stat = await fs.stat(full);
        files.set(path.relative(dir, full), `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  await walk(dir);
  return files;
}

/** `npm pack` a package into `dest`; returns the tarball's path and the files it holds. */
async function pack(dir: string, dest: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir, env: process.env });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dest, info.filename), files: info.files.map((f) => f.path) };
}

const SCRIPT = `import {
  evaluateModel, LENET5, loadMnist, loadModel, mnistForProfile, profileByName, saveRun, trainArchitecture, trainingCurves, useBestBackend,
} from '@mnist-ts/lib';

const backend = await useBestBackend({ log: null });
const data = mnistForProfile(await loadMnist(), profileByName('quick'));
const trained = await trainArchitecture(LENET5, data);
const evaluation = await evaluateModel(trained.model, data.test);
await saveRun(trained, 'models/lenet5');
const loaded = await loadModel('models/lenet5');
const reloaded = await evaluateModel(loaded.model, data.test);
const figure = await trainingCurves(trained.training.history, { title: 'LeNet-5, one epoch' });
await figure.save('reports/lenet5-curves.svg');
console.log(JSON.stringify({ backend: backend.name, epochs: trained.result.epochs, accuracy: evaluation.accuracy, reloaded: reloaded.accuracy }));
`;

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-consumer-'));
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test('both tarballs hold what a user needs and nothing else', async () => {
  for (const dir of Object.values(PACKAGES)) {
    const { files } = await pack(dir, work);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/index.d.ts.map']));
    expect(files.filter((file) => /tsbuildinfo|\.test\.|(^|\/)test\/|(^|\/)cli\//.test(file))).toEqual([]);
    // Every map points at a source file the tarball ships.
    for (const map of files.filter((file) => file.endsWith('.map'))) {
      const { sources } = JSON.parse(await fs.readFile(path.join(dir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(files).toContain(path.posix.normalize(path.posix.join(path.posix.dirname(map), source)));
    }
  }
}, 120_000);

test('installed from tarballs into an empty project, a strict TypeScript script trains, saves, loads and draws', async () => {
  const project = path.join(work, 'project');
  await fs.mkdir(project);
  const lib = await pack(PACKAGES.lib, work);
  const wasm = await pack(PACKAGES.wasm, work);
  const typescript = (JSON.parse(await fs.readFile(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;
  await fs.writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { '@mnist-ts/lib': `file:${lib.tarball}`, 'tfjs-backend-wasm-training': `file:${wasm.tarball}` }, devDependencies: { typescript } }),
  );
  // No access to the repository's node_modules: a clean environment, run from the project.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm') } as NodeJS.ProcessEnv;
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false'], { cwd: project, env, maxBuffer: 16 << 20 });
  await run(path.join(project, 'node_modules', '.bin', 'tsc'), ['--init'], { cwd: project, env });
  const tsconfig = await fs.readFile(path.join(project, 'tsconfig.json'), 'utf8');
  expect(tsconfig).toMatch(/"strict": true/);
  await fs.writeFile(path.join(project, 'train.ts'), SCRIPT);
  await run(path.join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: project, env });

  const before = await snapshot(path.join(project, 'node_modules'));
  const { stdout } = await run(process.execPath, ['train.js'], { cwd: project, env, maxBuffer: 16 << 20 });
  const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as { backend: string; epochs: number; accuracy: number; reloaded: number };
  expect(outcome.backend).toBe('wasm');
  // The quick profile the data was cut to also caps LeNet-5's ten epochs.
  expect(outcome.epochs).toBe(1);
  expect(outcome.accuracy).toBeGreaterThan(0.15);
  expect(outcome.reloaded).toBeCloseTo(outcome.accuracy, 6);

  // Outputs where the README says: in the project, none under node_modules.
  expect(await snapshot(path.join(project, 'node_modules'))).toEqual(before);
  for (const file of ['models/lenet5/model.json', 'models/lenet5/weights.bin', 'reports/lenet5-curves.svg']) {
    expect((await fs.stat(path.join(project, file))).isFile()).toBe(true);
  }

  // The installed package's browser entry bundles for a web page: nothing it imports needs Node.
  const bundled = await build({
    stdin: { contents: "import { preprocessDigit, predictProbabilities } from '@mnist-ts/lib/browser';\nconsole.log(preprocessDigit, predictProbabilities);", resolveDir: project, loader: 'ts' },
    bundle: true, write: false, platform: 'browser', logLevel: 'silent',
  });
  expect(bundled.outputFiles[0].text).toContain('no ink found');
}, 600_000);

test('importing @mnist-ts/lib registers no kernel and sets no backend', async () => {
  const probe = `
    const tf = require('@tensorflow/tfjs-core');
    const lib = require(${JSON.stringify(path.join(PACKAGES.lib, 'dist', 'index.js'))});
    const engine = tf.engine();
    const state = {
      backends: Object.keys(engine.registryFactory),
      active: engine.backendName ?? null,
      wasmKernel: tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined,
      exported: typeof lib.useBestBackend,
    };
    console.log(JSON.stringify(state));`;
  const { stdout } = await run(process.execPath, ['-e', probe], { cwd: PACKAGES.lib, env: process.env });
  expect(JSON.parse(stdout)).toEqual({ backends: [], active: null, wasmKernel: false, exported: 'function' });
  // The same probe after useBestBackend sees the kernels: the check can fail.
  const after = probe.replace('const engine', "await lib.useBestBackend({ backend: 'wasm', log: null }); const engine");
  const { stdout: used } = await run(process.execPath, ['-e', `(async () => {${after}})()`], { cwd: PACKAGES.lib, env: process.env });
  expect(JSON.parse(used)).toMatchObject({ active: 'wasm', wasmKernel: true });
});
