/**
 * Saving and loading trained models as a folder in TensorFlow.js's own layers
 * format (`model.json` + `weights.bin`), the same files `model.save()` writes
 * with tfjs-node, so stock TensorFlow.js (in a browser too) can load them.
 * A save killed at any instant leaves the previous model or the new one, or
 * hidden copies from which the next load or save puts the new one back;
 * loading checks the files before tfjs sees them (and bounds what it reads),
 * so a damaged model gives an error naming the bad file and leaves no tensors.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { removeStaleSiblings, staleSiblings, temporarySibling, writeFileAtomic } from '../base/atomic-write';
import { DataFileError, describeFsError } from '../base/errors';
import { describeFileKind, openRegularFile, readFully, readRegularFile } from '../base/read-file';

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
 * The points of saveModel's protocol at which a process can be stopped, in
 * order: a kill after any of them leaves either the previous model or the new
 * one at the folder, or (only after `old-moved-aside`) leftovers from which the
 * next load or save puts the new model back (see restoreInterruptedSave).
 */
export const SAVE_STEPS = ['temporary-folder', 'weights-written', 'model-json-written', 'old-moved-aside', 'new-renamed-in', 'old-removed'] as const;

/** One of SAVE_STEPS. */
export type SaveStep = (typeof SAVE_STEPS)[number];

/**
 * For tests only: when `pause` is set, saveModel awaits it after each step, so
 * a test process can be killed at an exact point of the protocol. Not part of
 * the public API.
 */
export const saveProbe: { pause?: (step: SaveStep) => Promise<void> } = {};

/** Saves into one folder running in this process, so that a second save waits for the first instead of racing it. */
const savesInProgress = new Map<string, Promise<unknown>>();

/**
 * Saves `model` into the folder `dir` as `model.json` and `weights.bin` in
 * TensorFlow.js's layers format; `metadata` (JSON values only) goes into
 * model.json's `userDefinedMetadata`. Without `metadata`, the model's own
 * (`model.getUserDefinedMetadata()`, e.g. from loadModel) is kept.
 * Only the weights are saved, not the optimiser's state.
 *
 * Guarantees, even if the process is killed at any instant:
 * - `dir` holds the previous model or the new one, each complete (both files
 *   are written and flushed to disk in a hidden temporary folder beside `dir`
 *   before it replaces `dir` by renames); or, if the kill fell between moving
 *   the previous folder aside and renaming the new one in, the next
 *   loadModel, readModelMetadata or saveModel puts the new model back.
 * - Hidden leftovers of killed saves (`.<name>.<pid>-<hex>.tmp` and `.old`)
 *   are removed by the next save; those of running processes are never touched.
 * - An existing `dir` is replaced only if it holds nothing but regular files
 *   named model.json or *.bin; anything else (another file, a sub-folder, a
 *   symbolic link, a pipe) makes the save refuse with a DataFileError naming
 *   the folder. When `dir` is a symbolic link, the folder it points to is
 *   replaced and the link is kept.
 * - A failed save (no space left, permission denied, ...) leaves the previous
 *   model as it was and no temporary folder, and throws a DataFileError
 *   naming the folder. Saves into one folder from one process run one after
 *   the other; the last one wins.
 *
 * Parent folders are created.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function saveModel(model: tfl.LayersModel, dir: string, metadata?: ModelMetadataInput): Promise<SavedModel> {
  if (metadata !== undefined) checkMetadata(metadata); // before anything else, so a bad value fails fast
  const target = await followLinks(dir);
  const previous = savesInProgress.get(target) ?? Promise.resolve();
  const save = previous.catch(() => undefined).then(() => saveInto(model, dir, target, metadata));
  savesInProgress.set(target, save);
  try {
    return await save;
  } finally {
    if (savesInProgress.get(target) === save) savesInProgress.delete(target);
  }
}

/** saveModel's work once `dir` is resolved to `target` and no other save of this process is writing there. */
async function saveInto(model: tfl.LayersModel, dir: string, target: string, metadata: ModelMetadataInput | undefined): Promise<SavedModel> {
  const { json, weights } = await modelFiles(model, metadata);
  const modelJsonText = JSON.stringify(json);
  const parent = path.dirname(target);
  const temporary = temporarySibling(target, 'tmp');
  try {
    await fs.mkdir(parent, { recursive: true });
    await restoreInterruptedSave(dir);
    await removeLeftovers(target);
    await checkReplaceable(dir, target);
    await fs.mkdir(temporary);
    await pause('temporary-folder');
    await writeFileAtomic(path.join(temporary, WEIGHTS_BIN), weights);
    await pause('weights-written');
    await writeFileAtomic(path.join(temporary, MODEL_JSON), modelJsonText);
    await syncFolder(temporary);
    await pause('model-json-written');
    await swapInto(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw saveError(dir, error);
  }
  await removeLeftovers(target);
  return {
    dir,
    modelJsonPath: path.join(dir, MODEL_JSON),
    weightsPath: path.join(dir, WEIGHTS_BIN),
    modelJsonBytes: Buffer.byteLength(modelJsonText, 'utf8'),
    weightsBytes: weights.byteLength,
    parameterCount: json.weightsManifest[0].weights.reduce((sum, spec) => sum + elementCount(spec.shape), 0),
  };
}

/** The two files of a model in TensorFlow.js's layers format, held in memory. */
export interface ModelFileContents {
  /** model.json's text; its manifest names one weights file, `weights.bin`. */
  readonly modelJson: string;
  /** weights.bin's bytes. */
  readonly weights: Uint8Array;
}

/**
 * The files saveModel would write for `model`, in memory instead of on disk:
 * for serving a model over HTTP, where `tf.loadLayersModel(url)` in a web
 * page reads them as they are. Metadata as in saveModel.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function modelFileContents(model: tfl.LayersModel, metadata?: ModelMetadataInput): Promise<ModelFileContents> {
  const { json, weights } = await modelFiles(model, metadata);
  return { modelJson: JSON.stringify(json), weights };
}

/** model.json's content and the weights' bytes for `model`, with metadata checked. */
async function modelFiles(model: tfl.LayersModel, metadata: ModelMetadataInput | undefined): Promise<{ json: ModelJsonFile; weights: Uint8Array }> {
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
  return { json, weights };
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

async function pause(step: SaveStep): Promise<void> {
  if (saveProbe.pause) await saveProbe.pause(step);
}

/**
 * The absolute path `dir` stands for once symbolic links are followed (a link
 * to a folder not created yet gives that folder), so that a save replaces the
 * folder a link points to and keeps the link.
 */
async function followLinks(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (let hops = 0; hops < 40; hops++) {
    const stat = await fs.lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new DataFileError(dir, `cannot save or load a model here: ${describeFsError(error)}`, { cause: error });
    });
    if (!stat?.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await fs.readlink(current));
  }
  throw new DataFileError(dir, 'too many levels of symbolic links (a loop?)');
}

/**
 * Checks that replacing `target` (the folder `dir` stands for) loses nothing
 * but a model: if it exists, it must be a folder holding only regular files
 * named model.json or *.bin.
 */
async function checkReplaceable(dir: string, target: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DataFileError(dir, `cannot save a model here: ${describeFsError(error)}`, { cause: error });
  }
  if (!stat.isDirectory()) throw new DataFileError(dir, 'cannot save a model here: it exists and is not a folder');
  // What vanishes meanwhile (another process moving the folder aside to replace it) has nothing to lose.
  const gone = (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  };
  const others: string[] = [];
  for (const name of (await fs.readdir(target).catch(gone)) ?? []) {
    const entry = await fs.lstat(path.join(target, name)).catch(gone);
    if (entry === undefined || (entry.isFile() && (name === MODEL_JSON || name.endsWith('.bin')))) continue;
    const kind = entry.isSymbolicLink() ? 'a symbolic link' : describeFileKind(entry);
    others.push(name === MODEL_JSON || name.endsWith('.bin') ? `${name}: ${kind}` : name);
  }
  if (others.length > 0) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? `, ... (${others.length} in all)` : '');
    throw new DataFileError(dir, `refusing to replace this folder with a model: it holds other files (${shown})`);
  }
}

/** How many times a save moves aside a folder another process renamed into place meanwhile before giving up. */
const SWAP_ATTEMPTS = 5;

/**
 * Puts the complete folder `temporary` in place of `target`: moves the folder
 * at `target` (if any) aside to a `.old` sibling, renames the new folder in,
 * then deletes what was moved aside. A kill between the two renames leaves
 * no folder at `target`, which restoreInterruptedSave repairs. If another
 * process renames its folder in between, that one is moved aside too and the
 * rename retried. If the rename fails otherwise, the previous folder is moved back.
 */
async function swapInto(temporary: string, target: string): Promise<void> {
  const parent = path.dirname(target);
  const asides: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const aside = temporarySibling(target, 'old');
    const movedAside = await fs.rename(target, aside).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false; // nothing to move: a first save, or another save is between its renames
        throw error;
      },
    );
    if (movedAside) {
      asides.push(aside);
      await syncFolder(parent);
      await pause('old-moved-aside');
    }
    try {
      await fs.rename(temporary, target);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && attempt < SWAP_ATTEMPTS) continue;
      if (movedAside) await moveBack(aside, target, error);
      throw error;
    }
  }
  await syncFolder(parent);
  await pause('new-renamed-in');
  // The new model is in place; failing to delete the old copies must not fail the save (the next save retries).
  for (const aside of asides) await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  await pause('old-removed');
}

/** Renames the previous model back after the new one could not be renamed in. */
async function moveBack(aside: string, target: string, cause: unknown): Promise<void> {
  try {
    await fs.rename(aside, target);
  } catch (restoreError) {
    throw new Error(`${describeSaveFailure(cause)}, and the previous model could not be moved back from ${aside}: ${describeFsError(restoreError)}`, { cause });
  }
}

/**
 * Repairs the folder `dir` after a save was killed between moving the previous
 * model aside and renaming the new one in: when `dir` does not exist, the
 * newest complete `.tmp` sibling left by a process no longer running (the
 * new model: it was complete and flushed to disk before the previous one was
 * moved) is renamed to `dir`, else the newest complete `.old` one (the
 * previous model). Complete means model.json passes loadModel's checks and
 * every weights file has the size the manifest needs. Leftovers of running
 * processes are never touched, and nothing is deleted. Returns whether a
 * folder was put back. Used by loadModel, readModelMetadata, saveModel and
 * loadOrTrainBestCnn.
 */
export async function restoreInterruptedSave(dir: string): Promise<boolean> {
  const target = await followLinks(dir);
  if (await fs.lstat(target).then(() => true, () => false)) return false;
  const newestFirst = async (suffix: string) => (await staleSiblings(target, suffix)).reverse();
  for (const candidate of [...(await newestFirst('tmp')), ...(await newestFirst('old'))]) {
    if (!(await inspectModelFolder(candidate).then(() => true, () => false))) continue;
    try {
      await fs.rename(candidate, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false; // another process put a model there first
      throw error;
    }
    await syncFolder(path.dirname(target));
    return true;
  }
  return false;
}

/** Removes the `.tmp` and `.old` siblings of `target` that killed saves left behind. */
async function removeLeftovers(target: string): Promise<void> {
  await removeStaleSiblings(target, 'tmp');
  await removeStaleSiblings(target, 'old');
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

/** A failed save's error as a DataFileError naming the model folder; errors that are not about files pass unchanged. */
function saveError(dir: string, error: unknown): unknown {
  if (error instanceof DataFileError || typeof (error as NodeJS.ErrnoException | undefined)?.code !== 'string') return error;
  return new DataFileError(dir, `cannot save the model: ${describeSaveFailure(error)}`, { cause: error });
}

/** Words for a file-system error of a save, keeping the error code for searches: "no space left on the device (ENOSPC)". */
function describeSaveFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const words: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the file system is read-only',
    EFBIG: 'a file would exceed the size limit set for this process',
    ENOTEMPTY: 'another process kept saving a model into the same folder at the same time',
    EEXIST: 'another process kept saving a model into the same folder at the same time',
  };
  return words[code] ? `${words[code]} (${code})` : describeFsError(error);
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

/** The largest model.json loadModel reads: the topologies of this series take under 10 KB, a large converted model a few MB. */
const MAX_MODEL_JSON_BYTES = 32 * 1024 * 1024;

/**
 * Loads a model saved by saveModel (or by any TensorFlow.js layers-model
 * saver) from the folder `dir`. The returned model is not compiled.
 *
 * Guarantees:
 * - Before tfjs sees anything, model.json is checked (a regular file of at
 *   most 32 MB, JSON with or without a UTF-8 byte-order mark, a layers model
 *   with a topology and a weights manifest; a model.json without `format`,
 *   written by tfjs before 1.0, is accepted), and so is every weights file
 *   the manifest lists: each named once, each a regular file, and their sizes
 *   exactly what the listed weights need, all checked before any weights are read.
 * - A Dense or Conv2D layer whose size in the topology disagrees with its
 *   weights in the manifest is refused before tfjs allocates it.
 * - Any problem, and any failure of tfjs to build the model, is a
 *   DataFileError naming the file at fault, and leaves no tensor or variable
 *   behind (`tf.memory()` is as before the call).
 * - If a save into `dir` was killed between its two renames, the model is
 *   first put back (see saveModel).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  await restoreInterruptedSave(dir).catch(() => false); // best effort: a read-only folder is still loaded
  const modelJsonPath = path.join(dir, MODEL_JSON);
  const { json, files } = await inspectModelFolder(dir);
  const weightData = await readWeights(files);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const model = await buildModel(json, weightSpecs, weightData, modelJsonPath);
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
 * there is none), after the same checks of model.json as loadModel (and the
 * same repair of an interrupted save); the weights are not read.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  await restoreInterruptedSave(dir).catch(() => false);
  return (await readModelJson(dir)).userDefinedMetadata ?? {};
}

/** A weights file a manifest lists, with the size it had when checked. */
interface WeightsFile {
  readonly file: string;
  readonly size: number;
}

/**
 * Checks a model folder without reading its weights: model.json (readModelJson),
 * that its layers' sizes match the manifest, and that the weights files are
 * distinct regular files whose sizes are exactly what each manifest group needs.
 * Returns model.json and the weights files in manifest order.
 */
async function inspectModelFolder(dir: string): Promise<{ json: ModelJsonFile; files: WeightsFile[] }> {
  const json = await readModelJson(dir);
  const modelJsonPath = path.join(dir, MODEL_JSON);
  checkLayerSizes(json, modelJsonPath);
  const seen = new Set<string>();
  const files: WeightsFile[] = [];
  for (const [g, group] of json.weightsManifest.entries()) {
    const groupFiles: WeightsFile[] = [];
    for (const name of group.paths) {
      const file = path.join(dir, name);
      if (seen.has(file)) throw new DataFileError(modelJsonPath, `weightsManifest[${g}].paths names ${JSON.stringify(name)} a second time; each weights file is read once`);
      seen.add(file);
      groupFiles.push({ file, size: await regularFileSize(file) });
    }
    checkGroupSize(group, groupFiles);
    files.push(...groupFiles);
  }
  return { json, files };
}

/** The size of `file`, after checking it is a regular file (a DataFileError naming it otherwise). */
async function regularFileSize(file: string): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    throw new DataFileError(file, `cannot read weights listed in ${MODEL_JSON}: ${describeFsError(error)}`, { cause: error });
  }
  if (!stat.isFile()) throw new DataFileError(file, `is ${describeFileKind(stat)}, not a regular file of weights`);
  return stat.size;
}

/** Throws a DataFileError about the group's last file unless the files' sizes add up to what its weights need. */
function checkGroupSize(group: tf.io.WeightsManifestConfig[number], files: readonly WeightsFile[]): void {
  const actual = files.reduce((sum, f) => sum + f.size, 0);
  const expected = group.weights.reduce((sum, spec) => sum + specByteLength(spec), 0);
  if (actual === expected) return;
  const what = files.length === 1 ? 'the file has' : `its ${files.length} shards together have`;
  const kind = actual < expected ? 'truncated' : 'too long';
  throw new DataFileError(
    files[files.length - 1].file,
    `${kind}: ${what} ${actual} bytes, but the ${group.weights.length} weights ${MODEL_JSON} lists for it need ${expected} bytes`,
  );
}

/** Reads the weights files, already checked by inspectModelFolder, into one buffer; a file that changed size since is refused. */
async function readWeights(files: readonly WeightsFile[]): Promise<ArrayBuffer> {
  const joined = new Uint8Array(files.reduce((sum, f) => sum + f.size, 0));
  let offset = 0;
  for (const { file, size } of files) {
    const { handle, size: now } = await openRegularFile(file);
    try {
      if (now !== size) throw new DataFileError(file, `changed while the model was being loaded: ${now} bytes, ${size} when checked`);
      await readFully(handle, joined.subarray(offset, offset + size), 0, file);
    } finally {
      await handle.close().catch(() => undefined);
    }
    offset += size;
  }
  return joined.buffer;
}

/** How loadModel's errors about a model tfjs would not build begin. */
const CANNOT_BUILD = 'TensorFlow.js cannot build the model it describes';

/**
 * Builds the model tfjs-layers describes in model.json and sets its weights.
 * On any failure, whatever tfjs built (the layers' variables, the decoded
 * weights) is disposed before a DataFileError about model.json is thrown.
 */
async function buildModel(json: ModelJsonFile, weightSpecs: tf.io.WeightsManifestEntry[], weightData: ArrayBuffer, file: string): Promise<tfl.LayersModel> {
  const variablesBefore = new Set(Object.keys(tf.engine().state.registeredVariables));
  let model: tfl.LayersModel | undefined;
  try {
    // The topology alone: tfjs would leave the tensors it decoded undisposed if setting the weights failed.
    const built = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        ...(json.userDefinedMetadata !== undefined ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
        ...(json.trainingConfig !== undefined ? { trainingConfig: json.trainingConfig } : {}),
      }),
    );
    model = built;
    tf.tidy(() => built.loadWeights(tf.io.decodeWeights(weightData, weightSpecs), true));
    return built;
  } catch (error) {
    model?.dispose();
    disposeVariablesOf(json, variablesBefore);
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFileError(file, `${CANNOT_BUILD}: ${message}`, { cause: error });
  }
}

/**
 * Disposes the variables registered since `before` whose names belong to the
 * topology's layers: those of a model tfjs failed to finish building, which it
 * does not dispose itself. Variables other code made meanwhile are left alone.
 */
function disposeVariablesOf(json: ModelJsonFile, before: ReadonlySet<string>): void {
  const layerNames = layerConfigs(json).map((layer) => layer.name);
  const registered = tf.engine().state.registeredVariables;
  for (const [name, variable] of Object.entries(registered)) {
    if (!before.has(name) && layerNames.some((layer) => name.startsWith(`${layer}/`))) variable.dispose();
  }
}

/** A layer of model.json's topology: its class, its name and its (Keras, snake_case) config. */
interface LayerConfig {
  readonly className: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** The layers listed in model.json's topology (Sequential or functional; old files may nest it under `model_config`). */
function layerConfigs(json: ModelJsonFile): LayerConfig[] {
  let topology = json.modelTopology as Record<string, unknown>;
  if (isObject(topology.model_config)) topology = topology.model_config as Record<string, unknown>;
  const config = topology.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? (config as Record<string, unknown>).layers : undefined;
  if (!Array.isArray(layers)) return [];
  return layers.flatMap((layer: unknown) => {
    if (!isObject(layer)) return [];
    const { class_name: className, config: layerConfig } = layer as Record<string, unknown>;
    if (typeof className !== 'string' || !isObject(layerConfig)) return [];
    const name = (layerConfig as Record<string, unknown>).name;
    return typeof name === 'string' ? [{ className, name, config: layerConfig as Record<string, unknown> }] : [];
  });
}

/**
 * Refuses a Dense or Conv2D layer whose size in the topology (units, filters,
 * kernel size) disagrees with its kernel in the weights manifest, or whose
 * kernel the manifest lacks: tfjs would allocate the layer as the topology
 * says (a Dense layer inflated to 300,000 units took 1.1 GB) before noticing.
 */
function checkLayerSizes(json: ModelJsonFile, file: string): void {
  const shapes = new Map(json.weightsManifest.flatMap((group) => group.weights.map((spec) => [spec.name, spec.shape] as const)));
  const show = (shape: readonly unknown[]) => `[${shape.join(', ')}]`;
  for (const { className, name, config } of layerConfigs(json)) {
    let expected: (number | undefined)[];
    if (className === 'Dense') expected = [undefined, config.units as number];
    else if (className === 'Conv2D') {
      const k = config.kernel_size;
      const [kh, kw] = Array.isArray(k) ? (k as number[]) : [k as number, k as number];
      expected = [kh, kw, undefined, config.filters as number];
    } else continue;
    const kernel = shapes.get(`${name}/kernel`);
    if (!kernel) throw new DataFileError(file, `${CANNOT_BUILD}: layer ${name} (${className}) has no weight ${name}/kernel in the weights manifest`);
    const matches = kernel.length === expected.length && expected.every((n, i) => n === undefined || n === kernel[i]);
    if (!matches) {
      const wanted = show(expected.map((n) => (n === undefined ? 'any' : n)));
      throw new DataFileError(file, `${CANNOT_BUILD}: layer ${name} (${className}) needs a kernel of shape ${wanted} by its topology, but the weights manifest lists ${show(kernel)}`);
    }
  }
}

/** Reads and checks `dir/model.json`, throwing DataFileErrors about it. */
async function readModelJson(dir: string): Promise<ModelJsonFile> {
  const file = path.join(dir, MODEL_JSON);
  let text: string;
  try {
    text = (await readRegularFile(file, { maxBytes: MAX_MODEL_JSON_BYTES, what: MODEL_JSON })).toString('utf8');
  } catch (error) {
    const e = error as DataFileError;
    const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
    const hint = code === 'ENOENT' ? ` (is ${dir} a folder written by saveModel?)` : '';
    throw new DataFileError(file, `cannot read the model: ${e.problem ?? describeFsError(error)}${hint}`, { cause: error });
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1); // a byte-order mark, as some Windows editors write
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
