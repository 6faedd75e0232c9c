/**
 * The saved models the draw page offers: every folder under models/ (and
 * under each profile's models/<profile>/) that loads as a digit classifier,
 * read once into memory so the page serves exactly what was checked, even if
 * a training run replaces a folder while the server runs.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkDigitClassifier, checkPieceChecker, DataFileError, loadModel, type ModelMetadata, modelFileContents, PIECE_CLASSES } from '@mnist-ts/lib';
import type { DrawCheckerEntry, DrawModelEntry } from './site-manifest';

/** A model ready to be served: what the page is told about it, and its two files. */
export interface DrawModel {
  readonly entry: DrawModelEntry;
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/** A piece checker ready to be served (chapter 08: the page reads numbers with it). */
export interface DrawChecker {
  readonly entry: DrawCheckerEntry;
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/** What was found: the models that load, the piece checker if one does, and the folders that do not, with the reason. */
export interface FoundModels {
  readonly models: readonly DrawModel[];
  /** The full profile's piece checker when there is one, else the first found. */
  readonly checker?: DrawChecker;
  readonly refused: readonly { readonly dir: string; readonly problem: string }[];
}

/** The folder of the best CNN, offered first: the one the main job and chapter 05 save. */
const BEST_CNN = 'best-cnn';

/** Folders holding a model.json: `root/<name>/` and `root/<profile>/<name>/`, as relative ids ("best-cnn", "quick/lenet5"). */
async function modelFolders(root: string): Promise<string[]> {
  const ids: string[] = [];
  const children = async (dir: string) => (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
  const hasModel = async (dir: string) => (await fs.stat(path.join(dir, 'model.json')).catch(() => undefined))?.isFile() === true;
  for (const child of await children(root)) {
    const dir = path.join(root, child.name);
    if (await hasModel(dir)) ids.push(child.name);
    else for (const inner of await children(dir)) if (await hasModel(path.join(dir, inner.name))) ids.push(`${child.name}/${inner.name}`);
  }
  return ids;
}

/** A value of a model's metadata: from its `result` (as the main job and the notebooks save it), else from the top level. */
function metadataValue(metadata: ModelMetadata, key: string): unknown {
  const result = metadata.result;
  const fromResult = result && typeof result === 'object' && !Array.isArray(result) ? result[key] : undefined;
  return fromResult ?? metadata[key];
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const number = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** Full-profile models first (then each profile's folder), the best CNN first in each, then by test accuracy (highest first), then by id. */
function servingOrder(a: DrawModelEntry, b: DrawModelEntry): number {
  const group = (entry: DrawModelEntry) => (entry.id.includes('/') ? entry.id.split('/')[0] : '');
  const best = (entry: DrawModelEntry) => (entry.id.split('/').pop() === BEST_CNN ? 0 : 1);
  return group(a).localeCompare(group(b)) || best(a) - best(b) || (b.testAccuracy ?? -1) - (a.testAccuracy ?? -1) || a.id.localeCompare(b.id);
}

/**
 * Loads every model saved under `root` (see the module comment) with lib's
 * loadModel, which checks its files, and keeps those that classify 28x28
 * digits (checkDigitClassifier); a model with a piece checker's eleven
 * outputs is checked as one (checkPieceChecker) and kept apart, for reading
 * numbers. A folder that fails is reported in `refused` with the reason; the
 * others are still offered.
 */
export async function findDrawModels(root: string): Promise<FoundModels> {
  const models: DrawModel[] = [];
  const checkers: DrawChecker[] = [];
  const refused: { dir: string; problem: string }[] = [];
  for (const id of await modelFolders(root)) {
    const dir = path.join(root, ...id.split('/'));
    try {
      const { model, metadata } = await loadModel(dir);
      try {
        const output = model.outputs[0].shape;
        if (output[output.length - 1] === PIECE_CLASSES) {
          checkPieceChecker(model, path.join(dir, 'model.json')); // its input and outputs, naming the folder
          checkers.push({ entry: { id, url: `models/${id}/model.json` }, ...(await modelFileContents(model)) });
          continue; // disposed below
        }
        checkDigitClassifier(model, dir);
        const files = await modelFileContents(model);
        const entry: DrawModelEntry = {
          id,
          url: `models/${id}/model.json`,
          name: text(metadataValue(metadata, 'name')) ?? text(metadata.architecture) ?? model.name,
          description: text(metadataValue(metadata, 'description')),
          testAccuracy: number(metadataValue(metadata, 'testAccuracy')),
          profile: text(metadataValue(metadata, 'profile')),
          parameters: model.countParams(),
        };
        models.push({ entry, ...files });
      } finally {
        model.dispose();
      }
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      refused.push({ dir, problem: error.message });
    }
  }
  models.sort((a, b) => servingOrder(a.entry, b.entry));
  const checker = checkers.find((each) => !each.entry.id.includes('/')) ?? checkers[0];
  return { models, checker, refused };
}
