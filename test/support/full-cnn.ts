/**
 * The full-profile best CNN for tests that need a model that reads digits
 * well: the project's models/best-cnn when `npm start` has made it (only
 * read, never changed), else one trained once (the series' default CNN,
 * about two minutes) into .cache/test-models/best-cnn, where later runs find it.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { profileByName } from '../../lib/base/profile';
import { loadOrTrainBestCnn } from '../../lib/train/best-cnn';

const projectDir = path.join(__dirname, '..', '..');

/** The folder of the full-profile best CNN, trained first when there is none (the caller has set a backend). */
export async function fullBestCnnDir(): Promise<string> {
  const projectBest = path.join(projectDir, 'models', 'best-cnn');
  if (existsSync(path.join(projectBest, 'model.json'))) return projectBest;
  const dir = path.join(projectDir, '.cache', 'test-models', 'best-cnn');
  const ready = await loadOrTrainBestCnn({ profile: profileByName('full'), dir, log: () => undefined });
  ready.model.dispose();
  return dir;
}
