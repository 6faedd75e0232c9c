/**
 * The main job end to end in the quick profile: real MNIST, real training,
 * real files written to a temporary reports folder.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadModel } from '../lib/models/persist';
import { loadPieceChecker } from '../lib/train/piece-checker';
import type { ResultsFile } from '../lib/reports/results';
import { userPath } from '../tools/args';

const run = promisify(execFile);
const tools = path.join(__dirname, '..', 'tools', 'dist', 'cli');
const mainJob = path.join(tools, 'main.js');
const figuresCommand = path.join(tools, 'figures.js');

const ALL = ['mlp-256-128-64', 'mlp-784', 'mlp-512-512', 'lenet5', 'cnn-32-64-64', 'cnn-simple', 'cnn-larger'];

test('npm start (quick profile) trains every architecture and writes results, models and figures', async () => {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'main-job-'));
  const models = path.join(out, 'models');
  try {
    const { stdout } = await run(process.execPath, [mainJob, '--profile', 'quick', '--out', out, '--models', models], {
      env: { ...process.env, MNIST_BACKEND: 'wasm' },
    });
    expect(stdout).toContain('TensorFlow.js backend: wasm');
    expect(stdout).toContain('SHA-256 checksums verified');
    expect(stdout).toMatch(/epoch 1\/1 loss \d/);

    const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(results.models.map((m) => m.name)).toEqual(ALL);
    const mlp = results.models[1];
    expect(mlp.parameters).toBe(784 * 784 + 784 + 784 * 10 + 10);
    // Seed 004's recipe: every training image, the last epoch.
    expect(mlp).toMatchObject({ name: 'mlp-784', epochs: 1, keptEpoch: 1, backend: 'wasm', profile: 'quick', trainImages: 2000, validationImages: 0 });
    expect(mlp.validationAccuracy).toBeUndefined();
    // Seed 000's recipe: 10% held out for validation (stratified: each digit rounds its own share), best epoch kept.
    const lenet = results.models[3];
    expect(lenet.trainImages + lenet.validationImages!).toBe(2000);
    expect(Math.abs(lenet.validationImages! - 200)).toBeLessThanOrEqual(5);
    expect(lenet.validationAccuracy).toBeGreaterThan(0);
    // 2,000 images for one epoch already beat chance (10%) by far.
    expect(mlp.testAccuracy).toBeGreaterThan(0.6);
    expect(mlp.testLoss).toBeGreaterThan(0);
    expect(mlp.trainingSeconds).toBeGreaterThan(0);

    const names = [
      'mnist-first-training-images', 'mnist-label-counts', 'mnist-label-counts-test', 'pixel-histogram-all-training',
      'pixel-histogram-example-images', 'pixel-histogram-image-0', 'pixel-histogram-image-3', 'pixel-histogram-image-5',
      'pixel-histogram-image-0-scaled', 'pixel-histogram-scaled', 'pixel-histogram-standardised',
      ...ALL.map((name) => `${name}-training-curves`), 'models-compared',
      'best-cnn-confusion-matrix', 'best-cnn-confusion-matrix-normalised', 'best-cnn-mistakes',
    ];
    expect((await fs.readdir(path.join(out, 'figures'))).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    for (const name of names) {
      const png = await fs.readFile(path.join(out, 'figures', `${name}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    // Every model saved, the most accurate CNN copied to best-cnn/, and chapter 08's piece checker trained.
    expect((await fs.readdir(models)).sort()).toEqual([...ALL, 'best-cnn', 'piece-checker'].sort());
    expect(stdout).toMatch(/\d+ whole digits and \d+ wrong pieces cut from 40 numbers, with the 2000 training digits: held-out accuracy \d+\.\d\d%/);
    await tf.setBackend('cpu');
    const best = await loadModel(path.join(models, 'best-cnn'), { expectInputShape: [28, 28, 1] });
    const cnnResults = results.models.filter((m) => ['lenet5', 'cnn-32-64-64', 'cnn-simple', 'cnn-larger'].includes(m.name));
    const bestAccuracy = Math.max(...cnnResults.map((m) => m.testAccuracy));
    expect(best.metadata.architecture).toBe(cnnResults.find((m) => m.testAccuracy === bestAccuracy)!.name);
    best.model.dispose();
    const checker = await loadPieceChecker(path.join(models, 'piece-checker'));
    expect(checker.metadata).toMatchObject({ architecture: 'piece-checker', profile: 'quick', perKind: 10, epochs: 1, digits: 2000 });
    checker.model.dispose();

    const grid = await fs.readFile(path.join(out, 'figures', 'mnist-first-training-images.svg'), 'utf8');
    expect(grid).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((grid.match(/<text /g) ?? []).length).toBe(41); // a title and 40 labels
    // Every result keeps its per-epoch history, so the curves can be redrawn.
    for (const model of results.models) expect(model.history).toHaveLength(model.epochs);

    // npm run figures redraws every figure from results.json and the saved models, with no training.
    const curves = path.join(out, 'figures', 'lenet5-training-curves.svg');
    const drawnByMainJob = await fs.readFile(curves, 'utf8');
    await fs.rm(path.join(out, 'figures'), { recursive: true });
    const redraw = await run(process.execPath, [figuresCommand, '--profile', 'quick', '--out', out, '--models', models], { env: { ...process.env, MNIST_BACKEND: 'wasm' } });
    expect(redraw.stdout).toContain(`${names.length} figures redrawn`);
    expect(redraw.stdout).not.toMatch(/epoch 1\/1/);
    expect((await fs.readdir(path.join(out, 'figures'))).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    expect(await fs.readFile(curves, 'utf8')).toBe(drawnByMainJob);

    // A partial run replaces one model's results; the comparison still shows every recorded model.
    const partial = await run(process.execPath, [mainJob, '--profile', 'quick', '--out', out, '--models', models, '--arch', 'mlp-256-128-64'], {
      env: { ...process.env, MNIST_BACKEND: 'wasm' },
    });
    expect(partial.stdout).toContain('Training mlp-256-128-64');
    expect(partial.stdout).not.toContain('piece checker'); // a partial run trains only what --arch names
    const after = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(after.models.map((m) => m.name).sort()).toEqual([...ALL].sort());
    const compared = await fs.readFile(path.join(out, 'figures', 'models-compared.svg'), 'utf8');
    for (const name of ALL) expect(compared).toContain(`>${name}</text>`);
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}, 300_000);

test("each tool's --help names the command as it was typed and lists every flag", async () => {
  const help = async (script: string, env: NodeJS.ProcessEnv = {}) => (await run(process.execPath, [path.join(tools, script), '--help'], { env: { ...process.env, ...env } })).stdout;
  const direct = await help('main.js', { npm_lifecycle_event: '' });
  expect(direct).toMatch(/^usage: node \S*main\.js \[options\]/);
  for (const flag of ['--profile', '--backend', '--arch', '--out', '--models', '--help']) expect(direct).toContain(flag);
  expect(await help('main.js', { npm_lifecycle_event: 'start' })).toMatch(/^usage: npm start -- \[options\]/);
  expect(await help('figures.js', { npm_lifecycle_event: 'figures' })).toMatch(/^usage: npm run figures -- \[options\]/);
  expect(await help('bench.js', { npm_lifecycle_event: 'bench' })).toMatch(/^usage: npm run bench -- \[options\][\s\S]*--compare-fit/);
  expect(await help('predict.js', { npm_lifecycle_event: 'predict' })).toMatch(/^usage: npm run predict -- \[options\] \[--\] <image[\s\S]*--model[\s\S]*--json/);
  expect(await help('run-notebooks.js', { npm_lifecycle_event: 'notebooks' })).toMatch(/^usage: npm run notebooks -- \[options\][\s\S]*--profile/);
  expect(await help('samples.js', { npm_lifecycle_event: 'samples' })).toMatch(/^usage: npm run samples -- \[DIR\]/);
});

test('the main job rejects an unknown option with a clear message', async () => {
  await expect(run(process.execPath, [mainJob, '--epochs', '3'])).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown option --epochs'),
  });
});

describe('usage errors: exit 2 with the usage, before anything is loaded', () => {
  /** Runs a tool; resolves with its output and exit code even when it fails. */
  const tool = async (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(tools, script), ...args], { env: { ...process.env, ...env } });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      return error as { stdout: string; stderr: string; code: number };
    }
  };

  test('a flag without its value is a usage error in every tool', async () => {
    for (const [script, flag] of [['main.js', '--out'], ['figures.js', '--models'], ['bench.js', '--samples'], ['predict.js', '--model']] as const) {
      const { stderr, code } = await tool(script, [flag]);
      expect([script, code]).toEqual([script, 2]);
      expect(stderr).toContain(`error: ${flag} needs a value`);
    }
    const { stderr } = await tool('main.js', ['--out']);
    expect(stderr).toMatch(/usage: .*main\.js \[options\]/);
  });

  test('--profile nonsense blames --profile, not MNIST_PROFILE; --arch and --backend name what is valid', async () => {
    const profile = await tool('main.js', ['--profile', 'nonsense'], { MNIST_PROFILE: '' });
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('error: unknown profile "nonsense": --profile must be quick or full');
    expect(profile.stderr).not.toContain('MNIST_PROFILE must');
    const arch = await tool('main.js', ['--arch', 'lenet6']);
    expect(arch.code).toBe(2);
    expect(arch.stderr).toContain('unknown architecture "lenet6": choose one of');
    const backend = await tool('main.js', ['--backend', 'gpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('unknown backend "gpu"');
  });

  test('--backend wasm-stock with a CNN is refused before the backend, the data or any figure', async () => {
    const refused = await tool('main.js', ['--profile', 'quick', '--backend', 'wasm-stock', '--arch', 'mlp-784,lenet5']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('error: --backend wasm-stock: the wasm-stock backend cannot train convolutional networks (lenet5)');
    const fromEnv = await tool('main.js', ['--profile', 'quick', '--arch', 'cnn-simple'], { MNIST_BACKEND: 'wasm-stock' });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stdout).toBe('');
    expect(fromEnv.stderr).toContain('error: MNIST_BACKEND=wasm-stock: the wasm-stock backend cannot train convolutional networks (cnn-simple)');
  });

  test('tools take paths relative to the folder npm was started in (INIT_CWD), and only while npm is running them', () => {
    const saved = { ...process.env };
    const root = path.join(__dirname, '..');
    const cwd = process.cwd();
    try {
      process.chdir(root);
      Object.assign(process.env, { INIT_CWD: path.join(root, 'data', 'samples'), npm_package_json: path.join(root, 'package.json') });
      expect(userPath('digit-3-thick.png')).toBe(path.join(root, 'data', 'samples', 'digit-3-thick.png'));
      expect(userPath('/abs/out')).toBe('/abs/out');
      process.chdir(os.tmpdir()); // a process started elsewhere inherits INIT_CWD, which then is not its own
      expect(userPath('out')).toBe(path.join(process.cwd(), 'out'));
    } finally {
      process.chdir(cwd);
      process.env = saved;
    }
  });
});
