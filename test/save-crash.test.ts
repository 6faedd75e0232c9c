/**
 * saveModel killed with SIGKILL in a real child process (test/support/save-child.ts): at every
 * step of its protocol, and at random instants during repeated saves of two models. After
 * every kill the folder loads as one of the two models, complete, and the next save leaves
 * no hidden leftover beside it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, MODEL_JSON, readModelMetadata, SAVE_STEPS, type SaveStep, saveModel } from '../lib/models/persist';
import { constantModel, KERNEL_A, KERNEL_B } from './support/save-child';

let root: string;
let modelA: tfl.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  modelA = constantModel(KERNEL_A);
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'mnist-save-crash-'));
});

/** Children still running, killed at the end should a test fail before it kills them. */
const running = new Set<ChildProcessWithoutNullStreams>();

afterAll(async () => {
  running.forEach((child) => child.kill('SIGKILL'));
  modelA.dispose();
  await fsp.rm(root, { recursive: true, force: true });
});

/** A running save-child.ts and what it printed so far. */
interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** The lines it printed so far. */
  readonly lines: readonly string[];
  /** Resolves when it has exited. */
  readonly exited: Promise<void>;
  /** Resolves when the child prints `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  /** Kills it with SIGKILL and waits until it is gone (so its process id is no longer running). */
  kill(): Promise<void>;
}

/** The command line of save-child.ts with these arguments. */
const childCommand = (dir: string, ...args: string[]) => [process.execPath, '-r', path.join(__dirname, 'support', 'ts-register.js'), path.join(__dirname, 'support', 'save-child.ts'), dir, ...args];

/** Starts save-child.ts with these arguments. */
function startChild(dir: string, ...args: string[]): Child {
  const [command, ...rest] = childCommand(dir, ...args);
  return watch(spawn(command, rest, { cwd: path.join(__dirname, '..') }));
}

/** Follows a child's output and exit. */
function watch(child: ChildProcessWithoutNullStreams): Child {
  const lines: string[] = [];
  let stderr = '';
  const waiting = new Set<() => void>();
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiting.forEach((check) => check());
  });
  return {
    process: child,
    lines,
    exited,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!lines.includes(line)) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
        void exited.then(() => reject(new Error(`save-child exited before printing "${line}" (printed ${JSON.stringify(lines)}): ${stderr}`)));
      }),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The hidden siblings saves leave beside the folder `model` (temporary and moved-aside folders). */
const leftovers = async (parent: string) => (await fsp.readdir(parent)).filter((name) => name.startsWith('.model.'));

/** Loads the model in `dir`, checks every weight has one value (a complete model A or B), and returns it. */
async function weightValue(dir: string): Promise<number> {
  const { model } = await loadModel(dir, { expectInputShape: [784] });
  const values = new Set((await Promise.all(model.getWeights().map((w) => w.data()))).flatMap((data) => Array.from(data)));
  model.dispose();
  expect(values.size).toBe(1);
  return [...values][0];
}

const stepIndex = (step: SaveStep) => SAVE_STEPS.indexOf(step);

describe('a save killed at each step of the protocol', () => {
  test.each(SAVE_STEPS)('replacing model A by model B, killed after "%s": A or B is loaded, complete; the next save leaves no leftover', async (step) => {
    const parent = await fsp.mkdtemp(path.join(root, `replace-${step}-`));
    const dir = path.join(parent, 'model');
    await saveModel(modelA, dir, { model: 'A' });
    const child = startChild(dir, 'pause', step);
    await child.waitFor(`paused ${step}`);
    await child.kill();

    const moved = stepIndex(step) >= stepIndex('old-moved-aside');
    // Killed between the two renames: no folder at the target, both copies beside it (the broken state).
    if (step === 'old-moved-aside') expect(await fsp.readdir(parent)).not.toContain('model');
    expect(await weightValue(dir)).toBe(moved ? KERNEL_B : KERNEL_A);
    expect(await readModelMetadata(dir)).toEqual({ model: moved ? 'B' : 'A' });

    await saveModel(modelA, dir, { model: 'A again' });
    expect(await fsp.readdir(parent)).toEqual(['model']);
    expect(await readModelMetadata(dir)).toEqual({ model: 'A again' });
  });

  test.each(SAVE_STEPS.filter((step) => step !== 'old-moved-aside' && step !== 'old-removed'))(
    'a first save, killed after "%s": B once its files are complete, else no model (an incomplete copy is never put in place)',
    async (step) => {
      const parent = await fsp.mkdtemp(path.join(root, `first-${step}-`));
      const dir = path.join(parent, 'model');
      const child = startChild(dir, 'pause', step);
      await child.waitFor(`paused ${step}`);
      await child.kill();

      if (stepIndex(step) >= stepIndex('model-json-written')) {
        expect(await weightValue(dir)).toBe(KERNEL_B);
      } else {
        await expect(loadModel(dir)).rejects.toThrow(/model\.json: cannot read the model: file not found/);
        expect(await leftovers(parent)).toHaveLength(1); // the incomplete temporary folder, left for the next save
      }
      await saveModel(modelA, dir, { model: 'A' });
      expect(await fsp.readdir(parent)).toEqual(['model']);
      expect(await weightValue(dir)).toBe(KERNEL_A);
    },
  );

  test('a load while a live saver is between its renames touches nothing of it; after the saver is killed the load puts B back', async () => {
    const parent = await fsp.mkdtemp(path.join(root, 'live-'));
    const dir = path.join(parent, 'model');
    await saveModel(modelA, dir, { model: 'A' });
    const child = startChild(dir, 'pause', 'old-moved-aside');
    await child.waitFor('paused old-moved-aside');
    const during = (await leftovers(parent)).sort();
    expect(during).toHaveLength(2); // its new folder (.tmp) and the previous one moved aside (.old)
    await expect(loadModel(dir)).rejects.toThrow(new RegExp(`${MODEL_JSON}: cannot read the model: file not found`));
    expect((await leftovers(parent)).sort()).toEqual(during);

    await child.kill();
    expect(await weightValue(dir)).toBe(KERNEL_B);
    await saveModel(modelA, dir);
    expect(await fsp.readdir(parent)).toEqual(['model']);
  });
});

test('50 SIGKILLs at random instants during repeated saves of models A and B: the folder always loads as A or B', async () => {
  const KILLS = 50;
  const parent = await fsp.mkdtemp(path.join(root, 'kill-loop-'));
  const dir = path.join(parent, 'model');
  await saveModel(modelA, dir, { model: 'A' });
  const broken: string[] = [];
  let missingAfterKill = 0;
  let killsLeavingLeftovers = 0;
  let mostLeftoversAfterNextSave = 0;
  const seen = new Set<number>();
  // Two children start while one saves, so the loop does not wait for Node and tfjs to load each time.
  const pool = [startChild(dir, 'loop'), startChild(dir, 'loop')];
  for (let kill = 0; kill < KILLS; kill++) {
    const child = pool.shift()!;
    if (kill + pool.length < KILLS - 1) pool.push(startChild(dir, 'loop'));
    await child.waitFor('ready');
    child.process.stdin.write('go\n');
    await child.waitFor('saving');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
    await child.kill();

    if (!(await fsp.readdir(parent)).includes('model')) missingAfterKill++;
    if ((await leftovers(parent)).length > 0) killsLeavingLeftovers++;
    try {
      seen.add(await weightValue(dir));
    } catch (error) {
      broken.push(`kill ${kill}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await saveModel(modelA, dir, { model: 'A' });
    mostLeftoversAfterNextSave = Math.max(mostLeftoversAfterNextSave, (await leftovers(parent)).length);
  }
  console.log(
    `${KILLS} SIGKILLs: no folder at the target after ${missingAfterKill}, hidden leftovers after ${killsLeavingLeftovers}, ` +
      `target not loadable after ${broken.length}, leftovers after the next save: up to ${mostLeftoversAfterNextSave} ` +
      `(${(await leftovers(parent)).length} at the end); models seen: ${[...seen].join(', ')}`,
  );
  expect(broken).toEqual([]);
  expect(mostLeftoversAfterNextSave).toBe(0);
  expect([...seen].every((value) => value === KERNEL_A || value === KERNEL_B)).toBe(true);
});

test('a real write failure (a file-size limit: EFBIG) is one line naming the model folder; the previous model is kept, nothing left behind', async () => {
  const parent = await fsp.mkdtemp(path.join(root, 'efbig-'));
  const dir = path.join(parent, 'model');
  await saveModel(modelA, dir, { model: 'A' });
  // 16 KB: model.json (under 1 KB) fits, the 31 KB of weights do not. A real write failing, as on a full disk.
  const [command, ...args] = childCommand(dir, 'once');
  const quoted = [command, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = watch(spawn('sh', ['-c', `ulimit -f 16 && exec ${quoted}`], { cwd: path.join(__dirname, '..') }));
  await child.exited;
  expect(child.process.exitCode).toBe(2);
  expect(child.lines).toEqual([`error: DataFileError: ${dir}: cannot save the model: a file would exceed the size limit set for this process (EFBIG)`]);
  expect(await fsp.readdir(parent)).toEqual(['model']);
  expect(await weightValue(dir)).toBe(KERNEL_A);
});

test('two processes saving into one folder over and over at once: no save fails, and the folder always loads as A or B', async () => {
  const parent = await fsp.mkdtemp(path.join(root, 'two-savers-'));
  const dir = path.join(parent, 'model');
  const children = [startChild(dir, 'loop'), startChild(dir, 'loop')];
  await Promise.all(children.map((child) => child.waitFor('ready')));
  children.forEach((child) => child.process.stdin.write('go\n'));
  // Each save that failed would end its process, and waitFor would reject.
  await Promise.all(children.map((child) => child.waitFor('saved 30')));
  await Promise.all(children.map((child) => child.kill()));
  expect([KERNEL_A, KERNEL_B]).toContain(await weightValue(dir));
  await saveModel(modelA, dir);
  expect(await fsp.readdir(parent)).toEqual(['model']);
});
