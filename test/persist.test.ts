/** Saving and loading models in TensorFlow.js's layers format, atomically, with checked loading. */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { firstImages } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { type InputLayout, toTensors } from '../lib/data/tensors';
import { DataFileError } from '../lib/base/errors';
import { architectureByName } from '../lib/models/architectures';
import { buildMlp } from '../lib/models/mlp';
import { loadModel, MODEL_JSON, readModelMetadata, saveModel, WEIGHTS_BIN } from '../lib/models/persist';
import { expectFileError } from './support/file-error';

let root: string;
/** The first MNIST test images, in each input layout. */
const inputs: Partial<Record<InputLayout, tf.Tensor>> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'mnist-persist-'));
  const mnist = await loadMnist();
  const sample = firstImages(mnist.test, 8);
  for (const layout of ['flat', 'image'] as const) {
    const { xs, ys } = toTensors(sample, { layout });
    ys.dispose();
    inputs[layout] = xs;
  }
});

afterAll(async () => {
  Object.values(inputs).forEach((t) => t.dispose());
  await fsp.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  jest.restoreAllMocks();
});

/**
 * Expects `load` to be refused with a DataFileError about `file` whose problem
 * matches, and to leave tf.memory() as it found it: a refused load must not
 * leak what tfjs built before refusing.
 */
async function expectRefusedLoad(load: () => Promise<unknown>, file: string, problem: RegExp): Promise<DataFileError> {
  const before = tf.memory();
  const error = await expectFileError(load(), file, problem);
  const after = tf.memory();
  expect({ numTensors: after.numTensors, numBytes: after.numBytes }).toEqual({ numTensors: before.numTensors, numBytes: before.numBytes });
  return error;
}

/** A fresh empty folder under the test root. */
const scratch = (name: string) => fsp.mkdtemp(path.join(root, `${name}-`));

/** The model's outputs for the MNIST sample in its layout. */
async function predictions(model: tfl.LayersModel, layout: InputLayout): Promise<number[]> {
  const out = model.predict(inputs[layout]!) as tf.Tensor;
  const values = Array.from(await out.data());
  out.dispose();
  return values;
}

/** Every file of a folder with its bytes, for byte-identical comparisons. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const names = (await fsp.readdir(dir)).sort();
  const entries = await Promise.all(names.map(async (name) => [name, (await fsp.readFile(path.join(dir, name))).toString('base64')]));
  return Object.fromEntries(entries) as Record<string, string>;
}

const sorted = async (dir: string) => (await fsp.readdir(dir)).sort();

/** A tiny MLP: 784-16-10. */
const tinyMlp = (seed = 0) => buildMlp({ hidden: [16], seed });

/** Saves a tiny model in `parent/model` and returns the folder and its files' bytes. */
async function goodModelIn(parent: string): Promise<{ dir: string; before: Record<string, string> }> {
  const dir = path.join(parent, 'model');
  const model = tinyMlp(1);
  await saveModel(model, dir, { architecture: 'tiny' });
  model.dispose();
  return { dir, before: await snapshot(dir) };
}

describe('saveModel and loadModel', () => {
  test('round trip of a small MLP: same predictions, the two standard files, metadata kept', async () => {
    const parent = await scratch('mlp');
    const dir = path.join(parent, 'nested', 'tiny-mlp'); // parent folders are created
    const model = tinyMlp();
    const metadata = { architecture: 'mlp-16', inputLayout: 'flat', testAccuracy: 0.9123, classes: [0, 1, 2], extra: { note: null, ok: true } };

    const saved = await saveModel(model, dir, metadata);
    expect(await sorted(dir)).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    expect(await sorted(path.dirname(dir))).toEqual(['tiny-mlp']); // no temporary folder left
    expect(saved.modelJsonPath).toBe(path.join(dir, MODEL_JSON));
    expect(saved.weightsPath).toBe(path.join(dir, WEIGHTS_BIN));
    expect(saved.parameterCount).toBe(model.countParams());
    expect(saved.weightsBytes).toBe(model.countParams() * 4);
    expect((await fsp.stat(saved.weightsPath)).size).toBe(saved.weightsBytes);
    expect((await fsp.stat(saved.modelJsonPath)).size).toBe(saved.modelJsonBytes);

    const json = JSON.parse(await fsp.readFile(saved.modelJsonPath, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'layers-model', convertedBy: null, userDefinedMetadata: metadata });
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v\d/);
    expect(json.modelTopology).toMatchObject({ class_name: 'Sequential' });
    const manifest = json.weightsManifest as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0].paths).toEqual([WEIGHTS_BIN]);
    expect(manifest[0].weights.map((w) => w.shape)).toEqual([[784, 16], [16], [16, 10], [10]]);

    const loaded = await loadModel(dir, { expectInputShape: [784] });
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.model.getUserDefinedMetadata()).toEqual(metadata);
    expect(loaded.generatedBy).toBe(json.generatedBy);
    expect(await readModelMetadata(dir)).toEqual(metadata);
    expect(await predictions(loaded.model, 'flat')).toEqual(await predictions(model, 'flat'));
    loaded.model.dispose();
    model.dispose();
  });

  test('round trip of cnn-simple (conv, pooling, dropout, flatten) on MNIST images', async () => {
    const arch = architectureByName('cnn-simple');
    const model = arch.build({ seed: 3 });
    const dir = path.join(await scratch('cnn'), 'cnn-simple');
    await saveModel(model, dir, { architecture: arch.name, inputLayout: arch.inputLayout });

    const topology = (JSON.parse(await fsp.readFile(path.join(dir, MODEL_JSON), 'utf8')) as { modelTopology: unknown }).modelTopology;
    const classes = (topology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
    expect(classes).toEqual(['Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dense']);

    const loaded = await loadModel(dir, { expectInputShape: [28, 28, 1] });
    expect(loaded.metadata).toEqual({ architecture: 'cnn-simple', inputLayout: 'image' });
    const original = await predictions(model, 'image');
    expect(original).toHaveLength(80);
    expect(await predictions(loaded.model, 'image')).toEqual(original);
    loaded.model.dispose();
    model.dispose();
  });

  test('saving, loading and disposing leaves no tensors behind', async () => {
    const dir = path.join(await scratch('memory'), 'model');
    const model = architectureByName('cnn-simple').build({ seed: 1 });
    await predictions(model, 'image');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      await saveModel(model, dir, { round: i });
      const loaded = await loadModel(dir, { expectInputShape: [28, 28, 1] });
      await predictions(loaded.model, 'image');
      loaded.model.dispose();
    }
    await expect(loadModel(dir, { expectInputShape: [784] })).rejects.toThrow(DataFileError); // a refused model is disposed too
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  test('saving over an existing model replaces it; without new metadata a loaded model keeps its own', async () => {
    const parent = await scratch('replace');
    const dir = path.join(parent, 'model');
    const first = tinyMlp(1);
    const second = tinyMlp(2);
    await saveModel(first, dir, { version: 1 });
    await saveModel(second, dir, { version: 2 });
    expect(await sorted(parent)).toEqual(['model']);
    expect(await sorted(dir)).toEqual([MODEL_JSON, WEIGHTS_BIN]);

    const loaded = await loadModel(dir);
    expect(loaded.metadata).toEqual({ version: 2 });
    const expected = await predictions(second, 'flat');
    expect(expected).not.toEqual(await predictions(first, 'flat'));
    expect(await predictions(loaded.model, 'flat')).toEqual(expected);

    // Re-saving the loaded model elsewhere carries its metadata along (tfjs keeps it on the model).
    const copy = path.join(parent, 'copy');
    await saveModel(loaded.model, copy);
    expect(await readModelMetadata(copy)).toEqual({ version: 2 });
    expect((await snapshot(copy))[WEIGHTS_BIN]).toBe((await snapshot(dir))[WEIGHTS_BIN]);
    [first, second, loaded.model].forEach((m) => m.dispose());
  });
});

/**
 * Stock tfjs (core + cpu + layers, nothing of lib) in a plain Node process: loads the model from
 * the URL, predicts on the float32 inputs in a file, writes metadata and predictions as JSON.
 * A child process because under jest Node's fetch parses JSON in another realm than the test's,
 * and tfjs-layers' `instanceof Array` checks then fail ("Object is not iterable").
 */
const STOCK_LOADER = `
const fs = require('fs');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
const [url, inputFile, shape, outputFile] = process.argv.slice(1);
(async () => {
  await tf.setBackend('cpu');
  const model = await tfl.loadLayersModel(url);
  const bytes = fs.readFileSync(inputFile);
  const xs = tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), JSON.parse(shape));
  const ys = model.predict(xs);
  const result = { className: model.getClassName(), metadata: model.getUserDefinedMetadata(), predictions: Array.from(ys.dataSync()) };
  fs.writeFileSync(outputFile, JSON.stringify(result));
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** Runs STOCK_LOADER on `url` with `xs`; resolves with what it wrote. */
async function loadWithStockTfjs(url: string, xs: tf.Tensor, work: string): Promise<{ className: string; metadata: unknown; predictions: number[] }> {
  const inputFile = path.join(work, 'inputs.f32');
  const outputFile = path.join(work, 'stock.json');
  await fsp.writeFile(inputFile, new Uint8Array((await xs.data()).buffer));
  const args = ['-e', STOCK_LOADER, url, inputFile, JSON.stringify(xs.shape), outputFile];
  const child = spawn(process.execPath, args, { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`stock tfjs loader exited with ${code}: ${stderr}`);
  return JSON.parse(await fsp.readFile(outputFile, 'utf8')) as { className: string; metadata: unknown; predictions: number[] };
}

describe('stock TensorFlow.js loads the saved folder', () => {
  /** Serves the files of `dir` over HTTP on the loopback interface, recording what was asked for. */
  async function serveFolder(dir: string): Promise<{ url: string; requested: string[]; close: () => Promise<void> }> {
    const requested: string[] = [];
    const server = http.createServer((request, response) => {
      const name = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice(1));
      requested.push(name);
      if (name !== MODEL_JSON && name !== WEIGHTS_BIN) {
        response.writeHead(404).end();
        return;
      }
      fsp.readFile(path.join(dir, name)).then(
        (body) => response.writeHead(200, { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(body),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const close = () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    return { url: `http://127.0.0.1:${port}/${MODEL_JSON}`, requested, close };
  }

  test.each(['mlp-784', 'cnn-simple'])('%s: tf.loadLayersModel over http gives the same predictions and metadata', async (name) => {
    const arch = architectureByName(name);
    const model = arch.build({ seed: 5 });
    const work = await scratch('http');
    const dir = path.join(work, name);
    const metadata = { architecture: name, inputLayout: arch.inputLayout, testAccuracy: 0.98 };
    await saveModel(model, dir, metadata);

    const server = await serveFolder(dir);
    try {
      const stock = await loadWithStockTfjs(server.url, inputs[arch.inputLayout]!, work);
      expect(server.requested).toEqual([MODEL_JSON, WEIGHTS_BIN]);
      expect(stock.className).toBe('Sequential');
      expect(stock.metadata).toEqual(metadata);
      expect(stock.predictions).toEqual(await predictions(model, arch.inputLayout));
    } finally {
      await server.close();
      model.dispose();
    }
  });
});

describe('loadModel refuses damaged or unexpected models with an error naming the file', () => {
  /** A folder holding a good tiny model, and its two files' paths. */
  async function fixture(name: string) {
    const { dir } = await goodModelIn(await scratch(name));
    const modelJson = path.join(dir, MODEL_JSON);
    const weights = path.join(dir, WEIGHTS_BIN);
    const json = JSON.parse(await fsp.readFile(modelJson, 'utf8')) as Record<string, unknown>;
    const rewrite = (change: (json: Record<string, unknown>) => void) => {
      change(json);
      return fsp.writeFile(modelJson, JSON.stringify(json));
    };
    return { dir, modelJson, weights, rewrite };
  }

  test('truncated weights.bin names the file and both byte counts', async () => {
    const { dir, weights } = await fixture('truncated');
    const size = (await fsp.stat(weights)).size;
    await fsp.truncate(weights, size - 10);
    const error = await expectRefusedLoad(() => loadModel(dir), weights, /^truncated: .*has \d+ bytes.*need \d+ bytes/);
    expect(error.problem).toContain(`${size - 10} bytes`);
    expect(error.problem).toContain(`${size} bytes`);
  });

  test('weights.bin longer than the manifest says is refused too', async () => {
    const { dir, weights } = await fixture('long');
    const size = (await fsp.stat(weights)).size;
    await fsp.appendFile(weights, Buffer.alloc(4));
    const error = await expectRefusedLoad(() => loadModel(dir), weights, /^too long: /);
    expect(error.problem).toContain(`${size + 4} bytes`);
    expect(error.problem).toContain(`need ${size} bytes`);
  });

  test('model.json that is not JSON', async () => {
    const { dir, modelJson } = await fixture('not-json');
    const text = await fsp.readFile(modelJson, 'utf8');
    await fsp.writeFile(modelJson, text.slice(0, text.length / 2));
    await expectRefusedLoad(() => loadModel(dir), modelJson, /not valid JSON/);
    await expectFileError(readModelMetadata(dir), modelJson, /not valid JSON/);
  });

  test('model.json without weightsManifest, without modelTopology, or of another format', async () => {
    const f = await fixture('fields');
    await f.rewrite((json) => delete json.weightsManifest);
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /no weightsManifest/);
    await f.rewrite((json) => {
      json.weightsManifest = [{ paths: ['../elsewhere.bin'], weights: [] }];
    });
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /outside the model folder/);

    const g = await fixture('topology');
    await g.rewrite((json) => delete json.modelTopology);
    await expectRefusedLoad(() => loadModel(g.dir), g.modelJson, /no modelTopology/);

    const h = await fixture('format');
    await h.rewrite((json) => {
      json.format = 'graph-model';
    });
    await expectRefusedLoad(() => loadModel(h.dir), h.modelJson, /format is "graph-model"/);
  });

  test('missing weights.bin, missing model.json, missing folder', async () => {
    const { dir, modelJson, weights } = await fixture('missing');
    await fsp.rm(weights);
    await expectRefusedLoad(() => loadModel(dir), weights, /file not found/);
    await fsp.rm(modelJson);
    await expectRefusedLoad(() => loadModel(dir), modelJson, /file not found/);
    const nowhere = path.join(dir, 'no-such-folder');
    await expectRefusedLoad(() => loadModel(nowhere), path.join(nowhere, MODEL_JSON), /file not found/);
  });

  test('input shape other than the caller expects', async () => {
    const { dir, modelJson } = await fixture('shape');
    const error = await expectRefusedLoad(() => loadModel(dir, { expectInputShape: [28, 28, 1] }), modelJson, /input shape mismatch/);
    expect(error.problem).toContain('[784]');
    expect(error.problem).toContain('[28, 28, 1]');
  });

  test('a topology or weights tfjs cannot use becomes an error about model.json', async () => {
    const f = await fixture('tfjs');
    await f.rewrite((json) => {
      const topology = json.modelTopology as { config: { layers: { class_name: string }[] } };
      topology.config.layers[0].class_name = 'NoSuchLayer';
    });
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /TensorFlow\.js cannot build the model.*NoSuchLayer/);

    const g = await fixture('weight-names');
    await g.rewrite((json) => {
      const manifest = json.weightsManifest as { weights: { name: string }[] }[];
      manifest[0].weights[0].name = 'not_a_layer/kernel';
    });
    await expectRefusedLoad(() => loadModel(g.dir), g.modelJson, /TensorFlow\.js cannot build the model/);
  });

  /** What a load could leave allocated: tensors, their bytes, and registered variables. */
  const allocated = () => ({ ...tf.memory(), variables: Object.keys(tf.engine().state.registeredVariables).length });

  type Topology = { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  type Manifest = { paths: string[]; weights: { name: string; shape: number[] }[] }[];

  test.each([
    ['a weight tfjs does not find (a bias renamed)', (json: Record<string, unknown>) => ((json.weightsManifest as Manifest)[0].weights[1].name = 'elsewhere/bias'), /TensorFlow\.js cannot build the model.*no target variable: elsewhere\/bias/],
    ['weights of another shape than the layers tfjs built (input 392 wide)', (json: Record<string, unknown>) => ((json.modelTopology as Topology).config.layers[0].config.batch_input_shape = [null, 392]), /TensorFlow\.js cannot build the model.*Shape mismatch: \[392,16\] vs\. \[784,16\]/],
    ['an unknown layer after one tfjs has built', (json: Record<string, unknown>) => ((json.modelTopology as Topology).config.layers[1].class_name = 'NoSuchLayer'), /TensorFlow\.js cannot build the model.*NoSuchLayer/],
    ['a Dense layer inflated to 100,000 units (refused before tfjs allocates 313 MB for it)', (json: Record<string, unknown>) => ((json.modelTopology as Topology).config.layers[0].config.units = 100_000), /layer hidden_1 \(Dense\) needs a kernel of shape \[any, 100000\].*lists \[784, 16\]/],
  ])('a failed load leaves tf.memory() and the registered variables as they were: %s', async (_what, change, problem) => {
    const f = await fixture('leak');
    await f.rewrite(change);
    const before = allocated();
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, problem);
    expect(allocated()).toEqual(before);
  });

  test('a model refused for its input shape leaves tf.memory() as it was', async () => {
    const { dir, modelJson } = await fixture('shape-memory');
    const before = allocated();
    await expectRefusedLoad(() => loadModel(dir, { expectInputShape: [28, 28, 1] }), modelJson, /input shape mismatch/);
    expect(allocated()).toEqual(before);
  });

  test('a manifest naming one weights file 1,000 times is refused before any weights are read', async () => {
    const f = await fixture('repeated');
    await f.rewrite((json) => {
      const group = (json.weightsManifest as Manifest)[0];
      group.paths = Array.from({ length: 1000 }, () => WEIGHTS_BIN);
    });
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /weightsManifest\[0\]\.paths names "weights\.bin" a second time/);
    await f.rewrite((json) => {
      (json.weightsManifest as Manifest)[0].paths = [WEIGHTS_BIN, `./${WEIGHTS_BIN}`];
    });
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /names "\.\/weights\.bin" a second time/);
  });

  test('weights that are a named pipe or a folder are refused by name, without opening them', async () => {
    const f = await fixture('pipe-weights');
    await fsp.rm(f.weights);
    execFileSync('mkfifo', [f.weights]); // reading it would wait for a writer forever
    await expectRefusedLoad(() => loadModel(f.dir), f.weights, /is a named pipe \(FIFO\), not a regular file/);
    await fsp.rm(f.weights);
    await fsp.mkdir(f.weights);
    await expectRefusedLoad(() => loadModel(f.dir), f.weights, /is a folder, not a regular file/);
  });

  test('model.json: a UTF-8 byte-order mark is accepted; over 32 MB or a named pipe is refused before it is read', async () => {
    const f = await fixture('model-json-kinds');
    const text = await fsp.readFile(f.modelJson, 'utf8');
    await fsp.writeFile(f.modelJson, `\uFEFF${text}`);
    const loaded = await loadModel(f.dir);
    expect(loaded.metadata).toEqual({ architecture: 'tiny' });
    loaded.model.dispose();
    expect(await readModelMetadata(f.dir)).toEqual({ architecture: 'tiny' });

    await fsp.truncate(f.modelJson, 33 * 1024 * 1024); // sparse: nothing of it is on disk
    await expectRefusedLoad(() => loadModel(f.dir), f.modelJson, /too large for model\.json: 33\.0 MB, the limit is 32\.0 MB/);
    await fsp.rm(f.modelJson);
    execFileSync('mkfifo', [f.modelJson]);
    await expectFileError(readModelMetadata(f.dir), f.modelJson, /named pipe/);
  });
});

describe('a failed save leaves the previous model as it was and no temporary folder', () => {
  test('metadata that JSON cannot hold is refused before anything is written', async () => {
    const parent = await scratch('bad-metadata');
    const { dir, before } = await goodModelIn(parent);
    const model = tinyMlp(9);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const [metadata, problem] of [
      [{ count: BigInt(3) }, /metadata\.count is a bigint/],
      [{ accuracy: NaN }, /metadata\.accuracy is NaN/],
      [{ when: new Date(0) }, /metadata\.when is a Date object/],
      [{ list: [1, undefined] }, /metadata\.list\[1\] is undefined/],
      [cycle, /metadata\.self is a circular reference/],
    ] as const) {
      await expect(saveModel(model, dir, metadata)).rejects.toThrow(problem);
      expect(await snapshot(dir)).toEqual(before);
      expect(await sorted(parent)).toEqual(['model']);
    }
    // An optional property left undefined is simply left out, as in JSON.stringify.
    await saveModel(model, dir, { seed: 9, validationImages: undefined });
    expect(await readModelMetadata(dir)).toEqual({ seed: 9 });
    model.dispose();
  });

  test('a write failing after weights.bin is written (model.json cannot be created)', async () => {
    const parent = await scratch('write-fails');
    const { dir, before } = await goodModelIn(parent);
    const realOpen = fsp.open.bind(fsp);
    const opened: string[] = [];
    jest.spyOn(fsp, 'open').mockImplementation((async (file: string, ...rest: unknown[]) => {
      opened.push(path.basename(file));
      if (path.basename(file).startsWith(`.${MODEL_JSON}.`)) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return (realOpen as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
    }) as typeof fsp.open);

    const model = tinyMlp(9);
    await expectFileError(saveModel(model, dir, { version: 2 }), dir, /^cannot save the model: no space left on the device \(ENOSPC\)$/);
    expect(opened.some((name) => name.startsWith(`.${WEIGHTS_BIN}.`))).toBe(true); // it did fail mid-way
    expect(await snapshot(dir)).toEqual(before);
    expect(await sorted(parent)).toEqual(['model']);
    model.dispose();
  });

  test('the rename into place failing puts the previous folder back', async () => {
    const parent = await scratch('rename-fails');
    const { dir, before } = await goodModelIn(parent);
    const realRename = fsp.rename.bind(fsp);
    const renames: string[] = [];
    jest.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      renames.push(`${path.basename(String(from))} -> ${path.basename(String(to))}`);
      if (String(to) === dir && String(from).endsWith('.tmp')) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
      return realRename(from, to);
    });

    const model = tinyMlp(9);
    await expect(saveModel(model, dir)).rejects.toThrow(/EBUSY/);
    expect(renames.some((r) => /^model -> \.model\..*\.old$/.test(r))).toBe(true); // the old folder had been moved aside
    expect(await snapshot(dir)).toEqual(before);
    expect(await sorted(parent)).toEqual(['model']);
    jest.restoreAllMocks();
    expect(await readModelMetadata(dir)).toEqual({ architecture: 'tiny' });
    model.dispose();
  });

  test('a model whose save fails', async () => {
    const parent = await scratch('save-fails');
    const { dir, before } = await goodModelIn(parent);
    const model = tinyMlp(9);
    jest.spyOn(model, 'save').mockRejectedValue(new Error('cannot serialise this layer'));
    await expect(saveModel(model, dir)).rejects.toThrow('cannot serialise this layer');
    expect(await snapshot(dir)).toEqual(before);
    expect(await sorted(parent)).toEqual(['model']);
    model.dispose();
  });

  test('a folder holding other files, or a file, is not replaced', async () => {
    const parent = await scratch('not-a-model');
    const dir = path.join(parent, 'notes');
    await fsp.mkdir(dir);
    await fsp.writeFile(path.join(dir, 'README.md'), 'keep me');
    const model = tinyMlp(9);
    await expectFileError(saveModel(model, dir), dir, /refusing to replace .*README\.md/);
    expect(await snapshot(dir)).toEqual({ 'README.md': Buffer.from('keep me').toString('base64') });

    const file = path.join(parent, 'a-file');
    await fsp.writeFile(file, 'x');
    await expectFileError(saveModel(model, file), file, /not a folder/);
    expect(await sorted(parent)).toEqual(['a-file', 'notes']);
    model.dispose();
  });

  test.each([
    ['a sub-folder named notes.bin (with a file in it)', async (at: string) => {
      await fsp.mkdir(at);
      await fsp.writeFile(path.join(at, 'keep.txt'), 'keep me');
    }, /notes\.bin: a folder/],
    ['a symbolic link named notes.bin', (at: string) => fsp.symlink('/etc/hostname', at), /notes\.bin: a symbolic link/],
    ['a named pipe named notes.bin', async (at: string) => execFileSync('mkfifo', [at]), /notes\.bin: a named pipe/],
  ])('a model folder holding %s is not replaced, and nothing in it is deleted', async (_what, make, problem) => {
    const parent = await scratch('kinds');
    const { dir } = await goodModelIn(parent);
    await make(path.join(dir, 'notes.bin'));
    const before = await sorted(dir);
    const model = tinyMlp(9);
    await expectFileError(saveModel(model, dir), dir, new RegExp(`^refusing to replace this folder with a model: it holds other files \\(.*${problem.source}`));
    expect(await sorted(dir)).toEqual(before);
    expect(await sorted(parent)).toEqual(['model']);
    if (_what.startsWith('a sub-folder')) expect(await fsp.readFile(path.join(dir, 'notes.bin', 'keep.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  test('a symbolic link to a model folder: the folder it points to is replaced, the link is kept', async () => {
    const parent = await scratch('symlink');
    const { dir: real } = await goodModelIn(parent);
    const link = path.join(parent, 'link');
    await fsp.symlink('model', link);
    const model = tinyMlp(9);
    await saveModel(model, link, { version: 2 });
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fsp.readlink(link)).toBe('model');
    expect(await readModelMetadata(real)).toEqual({ version: 2 });
    expect(await sorted(parent)).toEqual(['link', 'model']);

    // A link to a folder not made yet: the folder is made where it points.
    const later = path.join(parent, 'later-link');
    await fsp.symlink('later', later);
    await saveModel(model, later, { version: 3 });
    expect((await fsp.lstat(later)).isSymbolicLink()).toBe(true);
    expect(await readModelMetadata(path.join(parent, 'later'))).toEqual({ version: 3 });
    expect(await sorted(parent)).toEqual(['later', 'later-link', 'link', 'model']);
    model.dispose();
  });

  test('three saves into one folder at once from one process all finish; the last one started wins', async () => {
    const parent = await scratch('concurrent');
    const dir = path.join(parent, 'model');
    const models = [tinyMlp(1), tinyMlp(2), tinyMlp(3)];
    await Promise.all(models.map((model, i) => saveModel(model, dir, { version: i + 1 })));
    expect(await readModelMetadata(dir)).toEqual({ version: 3 });
    expect(await sorted(parent)).toEqual(['model']);
    expect(await sorted(dir)).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const loaded = await loadModel(dir);
    expect(await predictions(loaded.model, 'flat')).toEqual(await predictions(models[2], 'flat'));
    [loaded.model, ...models].forEach((m) => m.dispose());
  });
});
