/**
 * Recognising the project's sample handwriting with a CNN trained here on the
 * real MNIST, through the library and through the predict command, with bad
 * files among good ones.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBestBackend } from '../lib/backend/select';
import { createGrayImage } from '../lib/handwriting/gray-image';
import { listSamples } from '../lib/handwriting/samples';
import { recogniseDigits } from '../lib/handwriting/recognise';
import { loadMnist } from '../lib/data/mnist';
import { LENET5 } from '../lib/models/architectures';
import { loadModel } from '../lib/models/persist';
import { profileByName } from '../lib/base/profile';
import { saveRun, trainArchitecture } from '../lib/train/experiment';
import { pngBytes, pngHeaderOnly } from './support/image-files';

const run = promisify(execFile);
const predictCommand = path.join(__dirname, '..', 'tools', 'dist', 'cli', 'predict.js');

let dir: string;
let modelDir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-predict-'));
  modelDir = path.join(dir, 'lenet5');
  // LeNet-5 on all 60,000 training images for three epochs: about 97.5-98% on the test set.
  await useBestBackend({ backend: 'wasm', log: null });
  const mnist = await loadMnist();
  const trained = await trainArchitecture(LENET5, mnist, { profile: profileByName('full'), epochs: 3 });
  expect(trained.result.testAccuracy).toBeGreaterThan(0.97);
  await saveRun(trained, modelDir);
  trained.model.dispose();
}, 300_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('every sample picture in data/samples is recognised as the digit its name says', async () => {
  const samples = await listSamples();
  expect(samples.length).toBeGreaterThanOrEqual(10);
  expect(new Set(samples.map((s) => s.digit)).size).toBe(10);
  const { model } = await loadModel(modelDir, { expectInputShape: [28, 28, 1] });
  const results = await recogniseDigits(model, samples.map((s) => s.file));
  model.dispose();
  const wrong = results.flatMap((result, i) =>
    'error' in result ? [`${result.file}: ${result.error}`] : result.digit === samples[i].digit ? [] : [`${result.file}: read as ${result.digit}`],
  );
  expect(wrong).toEqual([]);
  expect(tf.memory().numTensors).toBeLessThan(10);
}, 60_000);

/** Runs the predict command; resolves with its output and exit code even when it fails. */
async function predict(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [predictCommand, ...args], { env: { ...process.env, MNIST_BACKEND: 'wasm', ...env } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

test('predict --json prints one object per image; bad files get a clear error and the others are still predicted', async () => {
  const samples = (await listSamples()).slice(0, 3);
  const bad = {
    notAnImage: path.join(dir, 'notes.png'),
    blank: path.join(dir, 'blank.png'),
    huge: path.join(dir, 'huge.png'),
    truncated: path.join(dir, 'truncated.jpg'),
    missing: path.join(dir, 'missing.png'),
  };
  await fs.writeFile(bad.notAnImage, 'this is a shopping list, not a picture\n');
  await fs.writeFile(bad.blank, pngBytes(createGrayImage(60, 40, 235)));
  await fs.writeFile(bad.huge, pngHeaderOnly(60_000, 60_000));
  await fs.writeFile(bad.truncated, (await fs.readFile(samples[0].file)).subarray(0, 200));
  const files = [samples[0].file, bad.notAnImage, bad.blank, samples[1].file, bad.huge, bad.truncated, bad.missing, samples[2].file];

  const { stdout, stderr, code } = await predict(['--json', '--model', modelDir, ...files]);
  expect(code).toBe(1);
  expect(stderr).toContain('TensorFlow.js backend: wasm');
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((line) => line.file)).toEqual(files);
  for (const [i, sample] of [[0, samples[0]], [3, samples[1]], [7, samples[2]]] as const) {
    expect(lines[i]).toMatchObject({ file: sample.file, digit: sample.digit });
    expect(Object.keys(lines[i]).sort()).toEqual(['confidence', 'digit', 'file', 'probabilities']);
    const probabilities = lines[i].probabilities as number[];
    expect(probabilities).toHaveLength(10);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(lines[i].confidence).toBe(Math.max(...probabilities));
  }
  const errorOf = (i: number) => String(lines[i].error);
  expect(errorOf(1)).toContain(bad.notAnImage);
  expect(errorOf(1)).toMatch(/not a PNG or JPEG/);
  expect(errorOf(2)).toContain(bad.blank);
  expect(errorOf(2)).toMatch(/no ink/);
  expect(errorOf(4)).toContain(bad.huge);
  expect(errorOf(4)).toMatch(/too large|60000/);
  expect(errorOf(5)).toContain(bad.truncated);
  expect(errorOf(6)).toContain(bad.missing);
  expect(errorOf(6)).toMatch(/not found/);
}, 60_000);

test('predict without --json prints the digit and confidence per image', async () => {
  const [sample] = await listSamples();
  const { stdout, code } = await predict(['--model', modelDir, sample.file]);
  expect(code).toBe(0);
  expect(stdout).toMatch(new RegExp(`^${sample.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${sample.digit} \\(\\d+\\.\\d%\\)\\n$`));
}, 60_000);

test('without a saved model, predict trains the default CNN first and saves it (quick profile)', async () => {
  const models = path.join(dir, 'fresh-models');
  const [sample] = await listSamples();
  const { stdout, stderr, code } = await predict(['--json', sample.file], { MNIST_MODELS_DIR: models, MNIST_PROFILE: 'quick' });
  expect(code).toBe(0);
  expect(stderr).toContain('No trained CNN in');
  expect(JSON.parse(stdout)).toMatchObject({ file: sample.file });
  const { model, metadata } = await loadModel(path.join(models, 'quick', 'best-cnn'));
  expect(metadata.architecture).toBe('cnn-larger');
  model.dispose();
}, 120_000);

test('predict refuses bad usage with a usage line', async () => {
  const none = await predict([]);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('no image files given');
  expect(none.stderr).toMatch(/usage: .*predict.* \[options\] \[--\] <image/);
  const unknown = await predict(['--size', '3', 'x.png']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown option --size');
});
