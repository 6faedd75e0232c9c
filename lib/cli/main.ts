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
import { type Architecture, ARCHITECTURE_LIST, architectureByName } from '../models/architectures';
import { loadModel, saveModel } from '../models/persist';
import { trainingCurves } from '../charts/training-curves';
import type { Figure } from '../charts/figure';
import { modelsDirFor, reportsDir } from '../paths';
import { currentProfile, profileByName, type Profile } from '../profile';
import { comparisonFigure, comparisonTable } from '../reports/comparison';
import { type ModelResult, recordResult } from '../reports/results';
import { dataFigures } from '../reports/series-figures';
import { bestByTestAccuracy, saveRun, trainArchitecture } from '../train/experiment';

interface Args {
  profile: Profile;
  backend?: ReturnType<typeof parseBackendName>;
  /** Folder for results and figures; default reports/ (reports/quick/ in the quick profile). */
  out?: string;
  /** Folder for the trained models; default models/ (models/quick/ in the quick profile). */
  models?: string;
  /** Architectures to train; default all of them. */
  architectures: Architecture[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profile: currentProfile(), architectures: [...ARCHITECTURE_LIST] };
  let chosen: Architecture[] | undefined;
  eachArgument(argv, (flag, value) => {
    if (flag === '--profile') args.profile = profileByName(value());
    else if (flag === '--backend') args.backend = parseBackendName(value());
    else if (flag === '--out') args.out = path.resolve(value());
    else if (flag === '--models') args.models = path.resolve(value());
    else if (flag === '--arch') (chosen ??= []).push(...value().split(',').map((name) => architectureByName(name.trim())));
    else if (flag === '--help' || flag === '-h') {
      console.log(
        'usage: npm start [-- --profile quick|full] [--backend tensorflow|wasm|cpu] [--arch NAME[,NAME...]] [--out DIR] [--models DIR]\n' +
          `architectures: ${ARCHITECTURE_LIST.map((a) => a.name).join(', ')} (default: all)`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${flag} (try --help)`);
  });
  if (chosen) args.architectures = chosen;
  return args;
}

/** Saves a figure as SVG and PNG under `folder/name` and says so. */
async function saveFigure(folder: string, name: string, figure: Figure): Promise<void> {
  await figure.save(path.join(folder, `${name}.svg`));
  await figure.save(path.join(folder, `${name}.png`));
  console.log(`  ${path.join(path.relative(process.cwd(), folder) || '.', name)}.svg and .png`);
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
  for (const { name, figure } of await dataFigures(mnist.train, mnist.test)) await saveFigure(figures, name, figure);

  const models = args.models ?? modelsDirFor(profile.name);
  const resultsFile = path.join(outDir, 'results.json');
  const results: ModelResult[] = [];
  for (const arch of args.architectures) {
    step(`Training ${arch.name}: ${arch.description} (${arch.source})`);
    const run = await trainArchitecture(arch, data, { profile, seed: 0, progress: 'auto' });
    try {
      const { result } = run;
      console.log(
        `  test accuracy ${(result.testAccuracy * 100).toFixed(2)}%, test loss ${result.testLoss.toFixed(4)}, ` +
          `${result.trainingSeconds.toFixed(1)} s (${result.secondsPerEpoch.toFixed(1)} s per epoch on ${backend.name})`,
      );
      await recordResult(resultsFile, result);
      results.push(result);
      const saved = path.join(models, arch.name);
      await saveRun(run, saved);
      console.log(`  model saved to ${path.relative(process.cwd(), saved)}/`);
      const monitored = result.validationImages === 0 ? 'test' : 'validation';
      await saveFigure(figures, `${arch.name}-training-curves`, await trainingCurves(run.training.history, `${arch.name}: training curves`, monitored));
    } finally {
      run.model.dispose();
    }
  }
  const cnns = results.filter((result) => architectureByName(result.name).inputLayout === 'image');
  if (cnns.length > 0) {
    // The CNN chapters 05-07 and the predict command use: the most accurate one.
    const best = bestByTestAccuracy(cnns.map((result) => ({ result }))).result;
    const bestDir = path.join(models, 'best-cnn');
    const loaded = await loadModel(path.join(models, best.name));
    try {
      await saveModel(loaded.model, bestDir, loaded.metadata);
    } finally {
      loaded.model.dispose();
    }
    console.log(`  best CNN by test accuracy: ${best.name}, saved to ${path.relative(process.cwd(), bestDir)}/`);
  }
  if (results.length > 0) {
    step('Comparison');
    console.log(comparisonTable(results));
    await saveFigure(figures, 'models-compared', await comparisonFigure(results));
  }
  step('Done');
  console.log(`Results: ${resultsFile}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});
