/**
 * The main job end to end in the quick profile: real MNIST, real training,
 * real files written to a temporary reports folder.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ResultsFile } from '../lib/reports/results';

const run = promisify(execFile);
const mainJob = path.join(__dirname, '..', 'lib', 'dist', 'cli', 'main.js');

test('npm start (quick profile) trains the baseline MLP and writes results and figures', async () => {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'main-job-'));
  try {
    const { stdout } = await run(process.execPath, [mainJob, '--profile', 'quick', '--out', out], {
      env: { ...process.env, MNIST_BACKEND: 'wasm' },
    });
    expect(stdout).toContain('TensorFlow.js backend: wasm');
    expect(stdout).toContain('SHA-256 checksums verified');
    expect(stdout).toMatch(/epoch 1\/1 loss \d/);

    const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(results.models.map((m) => m.name)).toEqual(['mlp-784']);
    const [mlp] = results.models;
    expect(mlp.parameters).toBe(784 * 784 + 784 + 784 * 10 + 10);
    expect(mlp).toMatchObject({ epochs: 1, backend: 'wasm', profile: 'quick', trainImages: 2000 });
    // 2,000 images for one epoch already beat chance (10%) by far.
    expect(mlp.testAccuracy).toBeGreaterThan(0.6);
    expect(mlp.testLoss).toBeGreaterThan(0);
    expect(mlp.trainingSeconds).toBeGreaterThan(0);

    const names = [
      'mnist-first-training-images', 'mnist-label-counts', 'mnist-label-counts-test', 'pixel-histogram-all-training',
      'pixel-histogram-example-images', 'pixel-histogram-image-0', 'pixel-histogram-image-3', 'pixel-histogram-image-5',
      'pixel-histogram-image-0-scaled', 'pixel-histogram-scaled', 'pixel-histogram-standardised',
    ];
    expect((await fs.readdir(path.join(out, 'figures'))).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    for (const name of names) {
      const png = await fs.readFile(path.join(out, 'figures', `${name}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const grid = await fs.readFile(path.join(out, 'figures', 'mnist-first-training-images.svg'), 'utf8');
    expect(grid).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((grid.match(/<text /g) ?? []).length).toBe(41); // a title and 40 labels
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
});

test('the main job rejects an unknown option with a clear message', async () => {
  await expect(run(process.execPath, [mainJob, '--epochs', '3'])).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown option --epochs'),
  });
});
