#!/usr/bin/env node
/**
 * The main job: reproduces the series' results headless and writes them to
 * reports/ (results.json and figures). Usage:
 *   npm start [-- --profile quick|full] [--backend wasm|cpu|tensorflow] [--out DIR]
 * The profile also comes from MNIST_PROFILE, the backend from MNIST_BACKEND.
 */
import * as path from 'node:path';
import { eachArgument } from './args';
import { parseBackendName, useBestBackend } from '../backend/select';
import { labelCounts } from '../data/digit-set';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { MLP_784 } from '../models/architectures';
import { reportsDir } from '../paths';
import { currentProfile, epochsFor, profileByName, type Profile } from '../profile';
import { recordResult } from '../reports/results';
import { dataFigures } from '../reports/series-figures';
import { terminalProgress } from '../train/progress-bar';
import { evaluateModel, trainModel } from '../train/train';

interface Args {
  profile: Profile;
  backend?: ReturnType<typeof parseBackendName>;
  /** Folder for results and figures; default reports/ (reports/quick/ in the quick profile). */
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profile: currentProfile() };
  eachArgument(argv, (flag, value) => {
    if (flag === '--profile') args.profile = profileByName(value());
    else if (flag === '--backend') args.backend = parseBackendName(value());
    else if (flag === '--out') args.out = path.resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm start [-- --profile quick|full] [--backend tensorflow|wasm|cpu] [--out DIR]');
      process.exit(0);
    } else throw new Error(`unknown option ${flag} (try --help)`);
  });
  return args;
}

const step = (text: string) => console.log(`\n== ${text}`);

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const { profile } = args;
  // A quick run must not replace the results of a full one.
  const outDir = args.out ?? (profile.name === 'full' ? reportsDir() : path.join(reportsDir(), profile.name));
  console.log(`mnist-ts main job, profile "${profile.name}" -> ${path.relative(process.cwd(), outDir) || '.'}`);

  step('Backend');
  const backend = await useBestBackend({ backend: args.backend });

  step('MNIST');
  const loadStarted = performance.now();
  const mnist = await loadMnist();
  console.log(`Loaded from ${mnist.location.description}; SHA-256 checksums verified (${((performance.now() - loadStarted) / 1000).toFixed(1)} s).`);
  for (const [name, set] of [['train', mnist.train], ['test', mnist.test]] as const) {
    console.log(`  ${name}: ${set.count} images of ${set.rows}x${set.cols}, per digit ${labelCounts(set).join(' ')}`);
  }
  const data = mnistForProfile(mnist, profile);
  if (profile.name !== 'full') console.log(`  profile ${profile.name}: ${data.train.count} training and ${data.test.count} test images`);

  step('Figures');
  const figures = path.join(outDir, 'figures');
  for (const { name, figure } of await dataFigures(mnist.train, mnist.test)) {
    await figure.save(path.join(figures, `${name}.svg`));
    await figure.save(path.join(figures, `${name}.png`));
    console.log(`  ${path.join(path.relative(process.cwd(), figures) || '.', name)}.svg and .png`);
  }

  const arch = MLP_784;
  step(`Training ${arch.name}: ${arch.description} (${arch.source})`);
  const model = arch.build({ seed: 0 });
  const epochs = epochsFor(arch.epochs, profile);
  const progress = terminalProgress();
  const trained = await trainModel(model, data.train, { epochs, batchSize: arch.batchSize, inputLayout: arch.inputLayout, seed: 0, ...progress });
  const test = await evaluateModel(model, data.test, arch.inputLayout);
  console.log(`  test accuracy ${(test.accuracy * 100).toFixed(2)}%, test loss ${test.loss.toFixed(4)}, ${trained.seconds.toFixed(1)} s`);
  const resultsFile = path.join(outDir, 'results.json');
  await recordResult(resultsFile, {
    name: arch.name,
    description: arch.description,
    parameters: model.countParams(),
    epochs,
    batchSize: arch.batchSize,
    backend: backend.name,
    profile: profile.name,
    trainImages: data.train.count,
    trainingSeconds: Number(trained.seconds.toFixed(2)),
    secondsPerEpoch: Number((trained.seconds / epochs).toFixed(2)),
    testAccuracy: Number(test.accuracy.toFixed(4)),
    testLoss: Number(test.loss.toFixed(4)),
    finishedAt: new Date().toISOString(),
  });
  model.dispose();
  step('Done');
  console.log(`Results: ${resultsFile}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});
