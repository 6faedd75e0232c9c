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
import type { ResultsFile } from '../lib/reports/results';

const run = promisify(execFile);
const mainJob = path.join(__dirname, '..', 'lib', 'dist', 'cli', 'main.js');

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
    ];
    expect((await fs.readdir(path.join(out, 'figures'))).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    for (const name of names) {
      const png = await fs.readFile(path.join(out, 'figures', `${name}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    // Every model saved, and the most accurate CNN copied to best-cnn/.
    expect((await fs.readdir(models)).sort()).toEqual([...ALL, 'best-cnn'].sort());
    await tf.setBackend('cpu');
    const best = await loadModel(path.join(models, 'best-cnn'), { expectInputShape: [28, 28, 1] });
    const cnnResults = results.models.filter((m) => ['lenet5', 'cnn-32-64-64', 'cnn-simple', 'cnn-larger'].includes(m.name));
    const bestAccuracy = Math.max(...cnnResults.map((m) => m.testAccuracy));
    expect(best.metadata.architecture).toBe(cnnResults.find((m) => m.testAccuracy === bestAccuracy)!.name);
    best.model.dispose();

    const grid = await fs.readFile(path.join(out, 'figures', 'mnist-first-training-images.svg'), 'utf8');
    expect(grid).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((grid.match(/<text /g) ?? []).length).toBe(41); // a title and 40 labels
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}, 180_000);

test('the main job rejects an unknown option with a clear message', async () => {
  await expect(run(process.execPath, [mainJob, '--epochs', '3'])).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown option --epochs'),
  });
});
