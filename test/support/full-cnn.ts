/**
 * The full-profile best CNN (and chapter 08's piece checker) for tests that need a model that reads digits
 * well: the project's models/best-cnn when `npm start` has made it (only
 * read, never changed), else one trained once (the series' default CNN,
 * about two minutes) into .cache/test-models/best-cnn, where later runs find it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { profileByName } from '../../lib/base/profile';
import { loadOrTrainBestCnn } from '../../lib/train/best-cnn';

const projectDir = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** Trains the full-profile piece checker into the folder given as its argument. */
const TRAIN_CHECKER = `
  const { useBestBackend } = require('./lib/backend/select');
  const { profileByName } = require('./lib/base/profile');
  const { loadOrTrainPieceChecker } = require('./lib/train/piece-checker');
  (async () => {
    await useBestBackend({ log: () => undefined });
    const ready = await loadOrTrainPieceChecker({ profile: profileByName('full'), dir: process.argv[1], log: () => undefined });
    ready.model.dispose();
  })().catch((error) => { console.error(error); process.exit(1); });
`;

/** The folder of the full-profile best CNN, trained first when there is none (the caller has set a backend). */
export async function fullBestCnnDir(): Promise<string> {
  const projectBest = path.join(projectDir, 'models', 'best-cnn');
  if (existsSync(path.join(projectBest, 'model.json'))) return projectBest;
  const dir = path.join(projectDir, '.cache', 'test-models', 'best-cnn');
  const ready = await loadOrTrainBestCnn({ profile: profileByName('full'), dir, log: () => undefined });
  ready.model.dispose();
  return dir;
}

/**
 * The folder of the full-profile piece checker (chapter 08): the project's
 * models/piece-checker when `npm start` has made it, else one trained once
 * (about four minutes) into .cache/test-models/piece-checker.
 */
export async function fullPieceCheckerDir(): Promise<string> {
  const projectChecker = path.join(projectDir, 'models', 'piece-checker');
  if (existsSync(path.join(projectChecker, 'model.json'))) return projectChecker;
  const dir = path.join(projectDir, '.cache', 'test-models', 'piece-checker');
  if (existsSync(path.join(dir, 'model.json'))) return dir;
  // In a child process: cutting a thousand numbers into pieces runs about five times slower inside Jest's sandbox.
  await run(process.execPath, ['-r', path.join(__dirname, 'ts-register.js'), '-e', TRAIN_CHECKER, dir], { cwd: projectDir, maxBuffer: 64 * 1024 * 1024 });
  return dir;
}
