/**
 * Saving and loading trained models as a folder in TensorFlow.js's own layers
 * format (`model.json` + `weights.bin`), the same files `model.save()` writes
 * with tfjs-node, so stock TensorFlow.js (in a browser too) can load them.
 * Saving replaces the folder atomically; loading checks the files before
 * tfjs sees them, so a damaged model gives an error naming the bad file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { temporarySibling, writeFileAtomic } from '../base/atomic-write';
import { DataFileError, describeFsError } from '../base/errors';

/** Name of the topology-and-manifest file in a model folder. */
export const MODEL_JSON = 'model.json';
/** Name of the weights file saveModel writes beside model.json. */
export const WEIGHTS_BIN = 'weights.bin';
/** The `format` tfjs-layers writes in model.json, and the only one loadModel accepts. */
const LAYERS_MODEL_FORMAT = 'layers-model';

/** A value JSON can hold and give back unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A model's `userDefinedMetadata` as loaded from model.json, e.g. `{ architecture: 'lenet5', testAccuracy: 0.99 }`. */
export type ModelMetadata = { [key: string]: JsonValue };

/**
 * Metadata given to saveModel: an object whose values must be JSON values
 * (checked when saving; typed loosely so interfaces such as a results record
 * can be passed as they are).
 */
export type ModelMetadataInput = { readonly [key: string]: unknown };

/** What saveModel wrote. */
export interface SavedModel {
  /** The model folder, as given. */
  readonly dir: string;
  /** Path of its model.json. */
  readonly modelJsonPath: string;
  /** Path of its weights.bin. */
  readonly weightsPath: string;
  /** Size of model.json in bytes. */
  readonly modelJsonBytes: number;
  /** Size of weights.bin in bytes. */
  readonly weightsBytes: number;
  /** Number of weight values (parameters) saved. */
  readonly parameterCount: number;
}

/** Options of loadModel. */
export interface LoadModelOptions {
  /**
   * The shape of one input example the caller will feed, without the batch
   * dimension: `[784]` for flat images, `[28, 28, 1]` for CNNs. When given, a
   * model with another input shape is refused with a DataFileError.
   */
  readonly expectInputShape?: readonly number[];
}

/** A model loaded by loadModel, with what was saved alongside it. */
export interface LoadedModel {
  /** The model with its saved weights. Not compiled: call compileClassifier (or model.compile) before training it further. The caller disposes it. */
  readonly model: tfl.LayersModel;
  /** model.json's `userDefinedMetadata`, or `{}` when it has none. */
  readonly metadata: ModelMetadata;
  /** model.json's `generatedBy`, e.g. "TensorFlow.js tfjs-layers v4.22.0", when present. */
  readonly generatedBy?: string;
}

/** model.json as saveModel writes it (and tfjs-layers' own savers do). */
interface ModelJsonFile {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: tf.io.WeightsManifestConfig;
  userDefinedMetadata?: ModelMetadata;
  trainingConfig?: tf.io.TrainingConfig;
}

/** Bytes per stored value, by the dtype written in the file (the quantised dtype when a weight is quantised). */
const BYTES_PER_VALUE: Readonly<Record<string, number>> = {
  float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint16: 2, uint8: 1,
};

// ---------------------------------------------------------------------------
// Saving

/**
 * Saves `model` into the folder `dir` as `model.json` and `weights.bin` in
 * TensorFlow.js's layers format; `metadata` (JSON values only) goes into
 * model.json's `userDefinedMetadata`. Without `metadata`, the model's own
 * (`model.getUserDefinedMetadata()`, e.g. from loadModel) is kept.
 * Only the weights are saved, not the optimiser's state.
 *
 * The folder is replaced as a whole: both files are written (and flushed to
 * disk) into a temporary folder beside `dir`, which is then renamed into
 * place, the previous folder being moved aside first and deleted last. If
 * anything fails, `dir` keeps its previous model and no temporary folder is
 * left. Parent folders are created. An existing `dir` holding anything other
 * than model.json and .bin files is refused rather than replaced.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function saveModel(model: tfl.LayersModel, dir: string, metadata?: ModelMetadataInput): Promise<SavedModel> {
  if (metadata !== undefined) checkMetadata(metadata); // before anything else, so a bad value fails fast
  const target = path.resolve(dir);
  const modelJsonPath = path.join(dir, MODEL_JSON);
  const weightsPath = path.join(dir, WEIGHTS_BIN);
  const existing = await checkReplaceable(dir, target);

  const artifacts = await modelArtifacts(model);
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error(`saveModel: model "${model.name}" gave no JSON topology to save`);
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
  const specBytes = weightSpecs.reduce((sum, spec) => sum + specByteLength(spec), 0);
  if (specBytes !== weights.byteLength) {
    throw new Error(`saveModel: model "${model.name}" gave ${weights.byteLength} bytes of weights but its specs need ${specBytes}`);
  }
  const userDefinedMetadata: unknown = metadata ?? artifacts.userDefinedMetadata;
  if (userDefinedMetadata !== undefined) checkMetadata(userDefinedMetadata);
  const json: ModelJsonFile = {
    format: artifacts.format ?? LAYERS_MODEL_FORMAT,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
    ...(userDefinedMetadata !== undefined ? { userDefinedMetadata } : {}),
    ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
  };
  const modelJsonText = JSON.stringify(json);

  await fs.mkdir(path.dirname(target), { recursive: true });
  const temporary = temporarySibling(target, 'tmp');
  try {
    await fs.mkdir(temporary);
    await writeFileAtomic(path.join(temporary, WEIGHTS_BIN), weights);
    await writeFileAtomic(path.join(temporary, MODEL_JSON), modelJsonText);
    await syncFolder(temporary);
    await swapInto(temporary, target, existing);
  } catch (error) {
    await fs.rm(temporary, { recursive: true, force: true });
    throw error;
  }
  await syncFolder(path.dirname(target));
  return {
    dir, modelJsonPath, weightsPath,
    modelJsonBytes: Buffer.byteLength(modelJsonText, 'utf8'),
    weightsBytes: weights.byteLength,
    parameterCount: weightSpecs.reduce((sum, spec) => sum + elementCount(spec.shape), 0),
  };
}

/** The model's artifacts as tfjs-layers' save() hands them to a save handler. */
async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error(`saveModel: model "${model.name}" did not hand over its artifacts`);
  return captured;
}

/**
 * Whether `dir` exists, after checking that replacing it loses nothing but a
 * model: it must be a folder holding only model.json and .bin files.
 */
async function checkReplaceable(dir: string, target: string): Promise<boolean> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new DataFileError(dir, `cannot save a model here: ${describeFsError(error)}`, { cause: error });
  }
  if (!stat.isDirectory()) throw new DataFileError(dir, 'cannot save a model here: it exists and is not a folder');
  const others = (await fs.readdir(target)).filter((name) => name !== MODEL_JSON && !name.endsWith('.bin'));
  if (others.length > 0) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? `, ... (${others.length} in all)` : '');
    throw new DataFileError(dir, `refusing to replace this folder with a model: it holds other files (${shown})`);
  }
  return true;
}

/**
 * Puts the folder `temporary` in place of `target`: moves an existing target
 * aside, renames the new folder in, then deletes the old one. If the rename
 * fails the old folder is moved back.
 */
async function swapInto(temporary: string, target: string, existing: boolean): Promise<void> {
  if (!existing) {
    await fs.rename(temporary, target);
    return;
  }
  const aside = temporarySibling(target, 'old');
  await fs.rename(target, aside);
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    try {
      await fs.rename(aside, target);
    } catch (restoreError) {
      throw new Error(`saving the model failed (${describeFsError(error)}) and the previous model could not be moved back from ${aside}: ${describeFsError(restoreError)}`, { cause: error });
    }
    throw error;
  }
  // The new model is in place; failing to delete the old copy must not fail the save.
  await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

/** Flushes a folder's entries (new names, renames) to disk where the platform allows it. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync a folder; the renames are still atomic there.
  } finally {
    await handle?.close();
  }
}

/**
 * Throws a TypeError unless `metadata` is a plain object of JSON values that
 * survive a JSON round trip unchanged: no NaN, Infinity, BigInt, functions,
 * class instances (Date, Map, ...), undefined in arrays, or cycles. Object
 * properties set to undefined are allowed and left out of the file.
 */
function checkMetadata(metadata: unknown): asserts metadata is ModelMetadata {
  const fail = (where: string, what: string): never => {
    throw new TypeError(`model metadata${where} is ${what}; userDefinedMetadata holds JSON values only`);
  };
  const ancestors = new Set<object>();
  const visit = (value: unknown, where: string, mustBeObject = false): void => {
    if (value === null) return mustBeObject ? fail(where, 'null, not an object') : undefined;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return mustBeObject ? fail(where, `a ${typeof value}, not an object`) : undefined;
      case 'number':
        if (mustBeObject) fail(where, 'a number, not an object');
        return Number.isFinite(value) ? undefined : fail(where, String(value));
      case 'object':
        break;
      case 'undefined':
        return fail(where, 'undefined');
      default:
        return fail(where, `a ${typeof value}`);
    }
    const object = value as object;
    if (ancestors.has(object)) fail(where, 'a circular reference');
    const isArray = Array.isArray(object);
    if (mustBeObject && isArray) fail(where, 'an array, not an object');
    const proto = Object.getPrototypeOf(object) as unknown;
    if (!isArray && proto !== Object.prototype && proto !== null) {
      fail(where, `a ${(object.constructor as { name?: string } | undefined)?.name ?? 'non-plain'} object`);
    }
    ancestors.add(object);
    if (isArray) {
      (object as unknown[]).forEach((item, i) => visit(item, `${where}[${i}]`));
    } else {
      // An optional property set to undefined is left out, as JSON.stringify does.
      for (const [key, item] of Object.entries(object)) if (item !== undefined) visit(item, `${where}.${key}`);
    }
    ancestors.delete(object);
  };
  visit(metadata, '', true);
}

// ---------------------------------------------------------------------------
// Loading

/**
 * Loads a model saved by saveModel (or by any TensorFlow.js layers-model
 * saver) from the folder `dir`. Before tfjs builds it, checks model.json (it
 * exists, is JSON, is a layers model with a topology and a weights manifest)
 * and every weights file the manifest lists (it exists, and its size is
 * exactly what the listed weights need); any problem, and any failure of
 * tfjs to build the model, is a DataFileError naming the file at fault.
 * A model.json without `format` (written by tfjs before 1.0) is accepted.
 * The returned model is not compiled.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const modelJsonPath = path.join(dir, MODEL_JSON);
  const json = await readModelJson(dir);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    shards.push(...(await readWeightGroup(dir, group)));
  }
  const weightData = concatBytes(shards);

  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData,
        ...(json.userDefinedMetadata !== undefined ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
        ...(json.trainingConfig !== undefined ? { trainingConfig: json.trainingConfig } : {}),
      }),
      { strict: true },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFileError(modelJsonPath, `TensorFlow.js cannot build the model it describes: ${message}`, { cause: error });
  }

  if (options.expectInputShape) {
    try {
      checkInputShape(model, options.expectInputShape, modelJsonPath);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return { model, metadata: json.userDefinedMetadata ?? {}, ...(json.generatedBy !== undefined ? { generatedBy: json.generatedBy } : {}) };
}

/**
 * Reads only the `userDefinedMetadata` of the model saved in `dir` (`{}` when
 * there is none), after the same checks of model.json as loadModel; the
 * weights are not read.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  return (await readModelJson(dir)).userDefinedMetadata ?? {};
}

/** Reads and checks `dir/model.json`, throwing DataFileErrors about it. */
async function readModelJson(dir: string): Promise<ModelJsonFile> {
  const file = path.join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ` (is ${dir} a folder written by saveModel?)` : '';
    throw new DataFileError(file, `cannot read the model: ${describeFsError(error)}${hint}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFileError(file, `not valid JSON (${message})`, { cause: error });
  }
  const bad = (problem: string): never => {
    throw new DataFileError(file, problem);
  };
  if (!isObject(parsed)) return bad('not a TensorFlow.js model: expected a JSON object');
  const json = parsed as Record<string, unknown>;
  if (json.format !== undefined && json.format !== LAYERS_MODEL_FORMAT) {
    bad(`format is ${JSON.stringify(json.format)}, but only "${LAYERS_MODEL_FORMAT}" models can be loaded as a LayersModel`);
  }
  if (!isObject(json.modelTopology)) bad('no modelTopology: this is not a TensorFlow.js layers model');
  if (json.weightsManifest === undefined) bad('no weightsManifest: the file does not say where the weights are');
  if (!Array.isArray(json.weightsManifest)) bad('weightsManifest is not a list');
  (json.weightsManifest as unknown[]).forEach((group, g) => checkManifestGroup(group, `weightsManifest[${g}]`, bad));
  if (json.userDefinedMetadata !== undefined && !isObject(json.userDefinedMetadata)) bad('userDefinedMetadata is not a JSON object');
  if (json.generatedBy !== undefined && typeof json.generatedBy !== 'string') bad('generatedBy is not a string');
  return json as unknown as ModelJsonFile;
}

/** Checks one weights-manifest group: its file paths, and each weight's name, shape and dtype. */
function checkManifestGroup(group: unknown, where: string, bad: (problem: string) => never): void {
  if (!isObject(group)) bad(`${where} is not an object`);
  const { paths, weights } = group as Record<string, unknown>;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    bad(`${where}.paths must list at least one weights file name`);
  }
  for (const p of paths as string[]) {
    if (path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) bad(`${where}.paths names ${JSON.stringify(p)}, outside the model folder`);
  }
  if (!Array.isArray(weights)) bad(`${where}.weights is not a list`);
  (weights as unknown[]).forEach((spec, i) => {
    const at = `${where}.weights[${i}]`;
    if (!isObject(spec)) bad(`${at} is not an object`);
    const { name, shape, dtype, quantization } = spec as Record<string, unknown>;
    if (typeof name !== 'string') bad(`${at} has no name`);
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && (n as number) >= 0)) {
      bad(`${at} (${String(name)}) has no valid shape`);
    }
    if (typeof dtype !== 'string' || dtype === 'string' || BYTES_PER_VALUE[dtype] === undefined) {
      bad(`${at} (${String(name)}) has unsupported dtype ${JSON.stringify(dtype)}`);
    }
    if (quantization !== undefined) {
      const stored = isObject(quantization) ? (quantization as Record<string, unknown>).dtype : undefined;
      if (stored !== 'uint8' && stored !== 'uint16' && stored !== 'float16') {
        bad(`${at} (${String(name)}) has unsupported quantization dtype ${JSON.stringify(stored)}`);
      }
    }
  });
}

/**
 * Reads a manifest group's weights files (its shards, in order) and checks
 * their total size against what the group's weights need.
 */
async function readWeightGroup(dir: string, group: tf.io.WeightsManifestConfig[number]): Promise<Uint8Array[]> {
  const files = group.paths.map((p) => path.join(dir, p));
  const shards: Uint8Array[] = [];
  for (const file of files) {
    try {
      shards.push(await fs.readFile(file));
    } catch (error) {
      throw new DataFileError(file, `cannot read weights listed in ${MODEL_JSON}: ${describeFsError(error)}`, { cause: error });
    }
  }
  const actual = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  const expected = group.weights.reduce((sum, spec) => sum + specByteLength(spec), 0);
  if (actual !== expected) {
    const last = files[files.length - 1];
    const what = files.length === 1 ? 'the file has' : `its ${files.length} shards together have`;
    const kind = actual < expected ? 'truncated' : 'too long';
    throw new DataFileError(
      last,
      `${kind}: ${what} ${actual} bytes, but the ${group.weights.length} weights ${MODEL_JSON} lists for it need ${expected} bytes`,
    );
  }
  return shards;
}

/** Throws a DataFileError about `file` unless the model takes one input of shape [batch, ...expected]. */
function checkInputShape(model: tfl.LayersModel, expected: readonly number[], file: string): void {
  const show = (shape: readonly (number | null)[]) => `[${shape.map((n) => (n === null ? 'any' : n)).join(', ')}]`;
  if (model.inputs.length !== 1) {
    throw new DataFileError(file, `the model takes ${model.inputs.length} inputs, but one input of shape ${show(expected)} was expected`);
  }
  const actual = model.inputs[0].shape.slice(1);
  const matches = actual.length === expected.length && actual.every((n, i) => n === expected[i]);
  if (!matches) {
    throw new DataFileError(file, `input shape mismatch: the model takes examples of shape ${show(actual)}, but ${show(expected)} was expected`);
  }
}

// ---------------------------------------------------------------------------
// Small helpers

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, n) => product * n, 1);
}

/** Bytes a weight takes in the weights file. */
function specByteLength(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = BYTES_PER_VALUE[stored];
  if (size === undefined) throw new Error(`weight ${spec.name} has dtype ${stored}, whose size is unknown`);
  return elementCount(spec.shape) * size;
}

/** The parts joined into one new, exactly sized buffer (tfjs needs an ArrayBuffer of its own). */
function concatBytes(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}
