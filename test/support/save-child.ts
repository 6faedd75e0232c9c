/**
 * A process for test/save-crash.test.ts to kill while it saves models:
 *
 *   node -r ./test/support/ts-register.js test/support/save-child.ts DIR loop
 *     waits for a line on stdin, then saves model A and model B into DIR in
 *     turn until it is killed. Prints "ready" once loaded, "saving" when it
 *     starts and "saved N" after every 10th save; exits 1 if a save fails.
 *   ... DIR once
 *     saves model B into DIR once; prints "saved", or "error: MESSAGE" and exits 2.
 *   ... DIR pause STEP
 *     saves model B into DIR once, printing "paused STEP" and waiting forever
 *     when saveModel reaches STEP (one of SAVE_STEPS); prints "saved" if it never does.
 *
 * Model A and B are Dense 784->10 layers whose weights are all KERNEL_A or KERNEL_B.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveModel, saveProbe, type SaveStep } from '../../lib/models/persist';

/** Every weight of model A. */
export const KERNEL_A = 0.25;
/** Every weight of model B. */
export const KERNEL_B = 0.5;

/** A Dense 784->10 model (31 KB of weights) whose every weight is `value`. */
export function constantModel(value: number): tfl.LayersModel {
  const model = tfl.sequential();
  const constant = tfl.initializers.constant({ value });
  model.add(tfl.layers.dense({ inputShape: [784], units: 10, kernelInitializer: constant, biasInitializer: constant }));
  return model;
}

async function main(): Promise<void> {
  const [dir, mode, step] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const models = [constantModel(KERNEL_A), constantModel(KERNEL_B)];
  if (mode === 'pause') {
    saveProbe.pause = async (reached: SaveStep) => {
      if (reached !== step) return;
      process.stdout.write(`paused ${reached}\n`);
      await new Promise<never>(() => undefined); // until killed
    };
    await saveModel(models[1], dir, { model: 'B' });
    process.stdout.write('saved\n');
    return;
  }
  if (mode === 'once') {
    process.on('SIGXFSZ', () => undefined); // under `ulimit -f`, a write past the limit then fails with EFBIG instead of killing
    try {
      await saveModel(models[1], dir, { model: 'B' });
      process.stdout.write('saved\n');
    } catch (error) {
      process.stdout.write(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
      process.exitCode = 2;
    }
    return;
  }
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write('saving\n');
  for (let i = 1; ; i++) {
    await saveModel(models[i % 2], dir, { model: i % 2 === 0 ? 'A' : 'B' });
    if (i % 10 === 0) process.stdout.write(`saved ${i}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
