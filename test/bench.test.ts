/**
 * The benchmark's interface (flags and JSON lines). Timings are printed,
 * never asserted: these machines are noisy, and speed is the benchmark's job.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bench = path.join(__dirname, '..', 'tools', 'dist', 'cli', 'bench.js');

test('--json prints one object per architecture and backend with the documented fields', async () => {
  const { stdout } = await run(process.execPath, [bench, '--arch', 'mlp-256-128-64,lenet5', '--backend', 'wasm-stock,wasm', '--samples', '64', '--batch-size', '32', '--json']);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((l) => `${l.arch}/${l.backend}`)).toEqual(['mlp-256-128-64/wasm-stock', 'mlp-256-128-64/wasm', 'lenet5/wasm-stock', 'lenet5/wasm']);
  for (const line of lines) {
    expect(line.batchSize).toBe(32);
    expect(line.inferSamplesPerSec).toEqual(expect.any(Number));
  }
  // tfjs's wasm backend as shipped cannot train a CNN; with lib's kernels it can, on real numbers.
  expect(lines[2]).toMatchObject({ trainSamplesPerSec: null, trainError: expect.stringContaining('Conv2DBackpropFilter') });
  for (const line of [lines[0], lines[1], lines[3]]) {
    expect(line.trainSamplesPerSec).toEqual(expect.any(Number));
    expect(Number.isFinite(line.lastLoss)).toBe(true);
  }
});

test('unknown architectures and bad numbers are refused with a clear message', async () => {
  await expect(run(process.execPath, [bench, '--arch', 'resnet'])).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown architecture "resnet": choose one of mlp-256-128-64'),
  });
  await expect(run(process.execPath, [bench, '--samples', '-3'])).rejects.toMatchObject({
    stderr: expect.stringContaining('--samples needs a positive whole number'),
  });
});

test('--workers 1,2 measures each worker count side by side and the JSON lines carry workers', async () => {
  const { stdout } = await run(process.execPath, [bench, '--arch', 'mlp-256-128-64', '--backend', 'wasm', '--workers', '1,2', '--samples', '128', '--batch-size', '32', '--json']);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((l) => `${l.arch}/${l.backend}/${l.workers}`)).toEqual(['mlp-256-128-64/wasm/1', 'mlp-256-128-64/wasm/2']);
  for (const line of lines) {
    expect(line.trainSamplesPerSec).toEqual(expect.any(Number));
    expect(Number.isFinite(line.lastLoss)).toBe(true);
  }
  // The table prints the speed-up of two workers over one.
  const { stdout: table } = await run(process.execPath, [bench, '--arch', 'mlp-256-128-64', '--backend', 'wasm', '--workers', '1,2', '--samples', '128', '--batch-size', '32']);
  expect(table).toMatch(/\| architecture \| train wasm x1 \| train wasm x2 \| wasm x2 \/ x1 \|/);
  expect(table).toMatch(/\| mlp-256-128-64 \| [\d,]+ \| [\d,]+ \| \d+\.\d\dx \|/);
  await expect(run(process.execPath, [bench, '--workers', '0'])).rejects.toMatchObject({ stderr: expect.stringContaining('--workers needs a positive whole number') });
});

test("--batch-size recipe times each architecture with its own tutorial's batch size", async () => {
  const { stdout } = await run(process.execPath, [bench, '--arch', 'mlp-256-128-64,mlp-784', '--backend', 'wasm', '--workers', '1', '--samples', '400', '--batch-size', 'recipe', '--json']);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((l) => `${l.arch}/${l.batchSize}`)).toEqual(['mlp-256-128-64/64', 'mlp-784/200']);
  await expect(run(process.execPath, [bench, '--batch-size', 'own'])).rejects.toMatchObject({ stderr: expect.stringContaining('--batch-size needs a positive whole number') });
});
