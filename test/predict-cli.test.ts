/**
 * The predict command with small untrained models (no training needed):
 * results stream out one image at a time with flat memory, files are checked
 * before any model is loaded or trained, paths are taken from where the user
 * typed the command, and models whose outputs are not probabilities are
 * refused once, by their folder's name.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkProbabilityRows } from '../lib/evaluation/probability-check';
import { createGrayImage, type GrayImage } from '../lib/handwriting/gray-image';
import { recogniseDigits, recogniseEach } from '../lib/handwriting/recognise';
import { samplesDir } from '../lib/handwriting/samples';
import { saveModel } from '../lib/models/persist';
import { expectFileError } from './support/file-error';
import { pngBytes } from './support/image-files';

const run = promisify(execFile);
const predictCommand = path.join(__dirname, '..', 'tools', 'dist', 'cli', 'predict.js');
const sample = path.join(samplesDir(), 'digit-3-thick.png');

let dir: string;
const models = { softmax: '', logits: '', sigmoid: '', wideInput: '' };

/** An untrained classifier (seeded): a 28x28x1 image (or `side` x `side`), flattened, one dense layer with `activation`. */
function tinyModel(activation: 'softmax' | 'linear' | 'sigmoid', side = 28): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [side, side, 1] }),
      tfl.layers.dense({ units: 10, activation, kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: 1 }) }),
    ],
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-predict-cli-'));
  await tf.setBackend('cpu');
  for (const [name, model] of [
    ['softmax', tinyModel('softmax')], ['logits', tinyModel('linear')], ['sigmoid', tinyModel('sigmoid')], ['wideInput', tinyModel('softmax', 32)],
  ] as const) {
    models[name] = path.join(dir, `model-${name}`);
    await saveModel(model, models[name]);
    model.dispose();
  }
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs predict; resolves with its output and exit code even when it fails. */
async function predict(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const env = { ...process.env, MNIST_BACKEND: 'wasm', ...options.env };
    const { stdout, stderr } = await run(process.execPath, [predictCommand, ...args], { env, cwd: options.cwd });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

/** A digit-like picture: a dark bar on light paper. */
function barPicture(width: number, height: number): GrayImage {
  const image = createGrayImage(width, height, 235);
  const [x0, x1, y0, y1] = [Math.floor(width * 0.45), Math.floor(width * 0.55), Math.floor(height * 0.2), Math.floor(height * 0.8)];
  for (let y = y0; y < y1; y++) image.pixels.fill(20, y * width + x0, y * width + x1);
  return image;
}

describe('predict streams its results', () => {
  test('each result is printed before the next image is taken up (stdout and stderr written to one file, in order)', async () => {
    // MNIST_PREDICT_TRACE=1 names each file on stderr as recognition takes it up; with both streams in one
    // file (Node writes to files synchronously), the log shows the order of reads and results.
    const files = [0, 1, 2, 3].map((i) => path.join(dir, `stream-${i}.png`));
    for (const file of files) await fs.copyFile(sample, file);
    const log = path.join(dir, 'stream.log');
    const out = openSync(log, 'w');
    const child = spawn(process.execPath, [predictCommand, '--json', '--model', models.softmax, ...files], {
      env: { ...process.env, MNIST_BACKEND: 'wasm', MNIST_PREDICT_TRACE: '1' },
      stdio: ['ignore', out, out],
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    closeSync(out);
    expect(code).toBe(0);
    const events = (await fs.readFile(log, 'utf8')).trim().split('\n').filter((line) => !line.startsWith('TensorFlow.js backend'));
    const shown = events.map((line) => (line.startsWith('{') ? `result ${String((JSON.parse(line) as { file: string }).file)}` : line));
    expect(shown).toEqual(files.flatMap((file) => [`reading ${file}`, `result ${file}`]));
  }, 60_000);

  test('peak memory over 200 photos of 1024x1024 stays within 1.5x of the peak for one', async () => {
    const photos = path.join(dir, 'photos');
    await fs.mkdir(photos);
    const first = path.join(photos, 'photo-000.png');
    await fs.writeFile(first, pngBytes(barPicture(1024, 1024)));
    const files = [first];
    for (let i = 1; i < 200; i++) {
      files.push(path.join(photos, `photo-${String(i).padStart(3, '0')}.png`));
      await fs.copyFile(first, files[i]);
    }
    /** Peak resident memory of one predict run, in KB, as GNU time reports it. */
    const peakKb = async (images: string[]) => {
      const { stdout, stderr } = await run('/usr/bin/time', ['-v', process.execPath, predictCommand, '--model', models.softmax, ...images], {
        env: { ...process.env, MNIST_BACKEND: 'wasm' },
        maxBuffer: 16 * 1024 * 1024,
      });
      expect(stdout.trim().split('\n')).toHaveLength(images.length);
      return Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)![1]);
    };
    const one = await peakKb([first]);
    const all = await peakKb(files);
    console.log(`predict peak memory: one photo ${(one / 1024).toFixed(0)} MB, 200 photos ${(all / 1024).toFixed(0)} MB (${(all / one).toFixed(2)}x)`);
    expect(all / one).toBeLessThan(1.5);
  }, 600_000);
});

describe('predict checks its files before any model', () => {
  test('without a trained model, missing files, a folder, a named pipe and /dev/zero are each refused by name and nothing is trained', async () => {
    const modelsDir = path.join(dir, 'no-models-yet');
    const fifo = path.join(dir, 'camera-pipe.png');
    execFileSync('mkfifo', [fifo]);
    const files = [path.join(dir, 'missing-1.png'), dir, fifo, '/dev/zero', path.join(dir, 'missing-2.jpg')];
    const { stdout, stderr, code } = await predict(['--json', ...files], { env: { MNIST_MODELS_DIR: modelsDir, MNIST_PROFILE: 'quick' } });
    expect(code).toBe(1);
    expect(stderr).toBe(''); // no backend chosen, no model loaded or trained
    const lines = jsonLines(stdout);
    expect(lines.map((line) => line.file)).toEqual(files);
    expect(lines.map((line) => line.error)).toEqual([
      `${files[0]}: file not found`,
      `${dir}: is a folder, not a regular file`,
      `${fifo}: is a named pipe (FIFO), not a regular file`,
      '/dev/zero: is a character device, not a regular file',
      `${files[4]}: file not found`,
    ]);
    await expect(fs.access(modelsDir)).rejects.toThrow();
  });

  test('a named pipe and /dev/zero among good files are refused by name, in their place, and the good files are predicted', async () => {
    const fifo = path.join(dir, 'another-pipe.png');
    execFileSync('mkfifo', [fifo]);
    const files = [sample, fifo, sample, '/dev/zero', sample];
    const { stdout, code } = await predict(['--json', '--model', models.softmax, ...files]);
    expect(code).toBe(1);
    const lines = jsonLines(stdout);
    expect(lines.map((line) => line.file)).toEqual(files);
    expect(lines[1].error).toBe(`${fifo}: is a named pipe (FIFO), not a regular file`);
    expect(lines[3].error).toBe('/dev/zero: is a character device, not a regular file');
    for (const i of [0, 2, 4]) expect(typeof lines[i].digit).toBe('number');
  });
});

describe('predict takes paths from where the command was typed', () => {
  test('cd data/samples && npm run predict -- digit-3-thick.png --model <relative>: found, and printed as given', async () => {
    const relativeModel = path.relative(samplesDir(), models.softmax);
    const { stdout } = await run('npm', ['run', '-s', 'predict', '--', '--json', '--model', relativeModel, 'digit-3-thick.png'], {
      cwd: samplesDir(),
      env: { ...process.env, MNIST_BACKEND: 'wasm' },
    });
    expect(jsonLines(stdout)).toEqual([expect.objectContaining({ file: 'digit-3-thick.png', digit: expect.any(Number) })]);
  });

  test('a model folder given relative to the typed-in folder is named as given when it is broken', async () => {
    const broken = path.join(dir, 'broken-model');
    await fs.mkdir(broken);
    await fs.writeFile(path.join(broken, 'model.json'), '{ not json');
    const given = path.relative(samplesDir(), broken);
    const { stderr, code } = await predict(['--model', given, 'digit-3-thick.png'], {
      env: { INIT_CWD: samplesDir(), npm_package_json: path.join(__dirname, '..', 'package.json') },
      cwd: path.join(__dirname, '..'),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`error: ${path.join(given, 'model.json')}: `);
  });
});

describe('predict usage', () => {
  test('--model without a value is a usage error (exit 2, with the usage)', async () => {
    const { stderr, code } = await predict([sample, '--model']);
    expect(code).toBe(2);
    expect(stderr).toContain('--model needs a value');
    expect(stderr).toMatch(/usage: .*predict.* \[options\] \[--\] <image/);
  });

  test('after --, every argument is a file, even one whose name starts with -', async () => {
    const dashed = path.join(dir, '-dashed.png');
    await fs.copyFile(sample, dashed);
    const { stdout, code } = await predict(['--model', models.softmax, '--json', '--', '-dashed.png', '--json'], { cwd: dir });
    expect(code).toBe(1);
    const lines = jsonLines(stdout);
    expect(lines[0]).toMatchObject({ file: '-dashed.png', digit: expect.any(Number) });
    expect(lines[1]).toEqual({ file: '--json', error: '--json: file not found' });
  });
});

describe('models whose outputs are not probabilities', () => {
  test.each([
    ['logits', 'a linear last layer (logits)', /its outputs are not probabilities: the last layer \("dense_\w+"\) ends in linear; the last layer needs a softmax/],
    ['sigmoid', 'a sigmoid last layer', /its outputs are not probabilities: the last layer \("dense_\w+"\) ends in sigmoid; the last layer needs a softmax/],
    ['wideInput', '32x32 inputs', /takes inputs of shape \[null, 32, 32, 1\], not 28x28x1 images or 784 pixels/],
  ] as const)('a model with %s (%s) is refused once, naming its folder, and predict exits 1', async (name, _what, problem) => {
    const { stdout, stderr, code } = await predict(['--model', models[name], sample, sample, sample]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const errors = stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`error: ${models[name]}: `);
    expect(errors[0]).toMatch(problem);
  });

  test('recogniseEach and recogniseDigits refuse such a model before reading any file', async () => {
    const model = tinyModel('linear');
    const missing = path.join(dir, 'never-read.png');
    await expectFileError(recogniseDigits(model, [missing], { modelSource: 'models/logits' }), 'models/logits', /the last layer needs a softmax/);
    await expectFileError(recogniseEach(model, [missing]).next(), `model "${model.name}"`, /not probabilities/);
    model.dispose();
  });

  test('checkProbabilityRows: finite, within 0..1, each row summing to 1', () => {
    const source = 'models/odd';
    const softmax = [0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0, 0, 0];
    expect(() => checkProbabilityRows([...softmax, ...softmax], source)).not.toThrow();
    const logits = [3.2, -1, 0.5, 8.1, 0, 1.2, 0, 0, 0, 0];
    expect(() => checkProbabilityRows(logits, source)).toThrow('models/odd: its outputs are not probabilities: a row sums to 12.0; the last layer needs a softmax');
    expect(() => checkProbabilityRows(Array(10).fill(0.99), source)).toThrow('a row sums to 9.900');
    expect(() => checkProbabilityRows([1.5, -0.5, 0, 0, 0, 0, 0, 0, 0, 0], source)).toThrow('a row holds 1.500, outside 0..1');
    expect(() => checkProbabilityRows([NaN, 1, 0, 0, 0, 0, 0, 0, 0, 0], source)).toThrow('a row holds NaN');
    expect(() => checkProbabilityRows([...softmax, ...logits], source)).toThrow('a row sums to 12.0');
  });
});
