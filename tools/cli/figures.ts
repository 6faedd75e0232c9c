#!/usr/bin/env node
/**
 * Redraws every figure of the series from what the main job saved (the
 * results file with each model's history, and the best CNN), with no
 * training: `npm run figures [-- --profile quick]`.
 */
import * as path from 'node:path';
import { currentProfile, loadMnist, mnistForProfile, modelsDirFor, profileByName, reportsDirFor, useBestBackend } from '@mnist-ts/lib';
import { eachArgument, exitWithError, usage, UsageError } from '../args';
import { drawReportFigures } from '../report-figures';

const HELP = () =>
  usage('figures', '[options]', [
    ['--profile quick|full', 'which run to draw (default: MNIST_PROFILE, else full)'],
    ['--out DIR', 'folder holding results.json; figures go to DIR/figures (default: reports/, reports/quick/ in the quick profile)'],
    ['--models DIR', 'folder holding best-cnn/ (default: models/, models/quick/ in the quick profile)'],
    ['--help, -h', 'this help'],
  ]);

async function main(argv: string[]): Promise<void> {
  let profile = currentProfile();
  let out: string | undefined;
  let models: string | undefined;
  eachArgument(argv, (flag, value) => {
    if (flag === '--profile') profile = profileByName(value());
    else if (flag === '--out') out = path.resolve(value());
    else if (flag === '--models') models = path.resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(HELP());
      process.exit(0);
    } else throw new UsageError(`unknown option ${flag} (try --help)`);
  });
  const outDir = out ?? reportsDirFor(profile.name);
  const started = performance.now();
  await useBestBackend({ log: null });
  const mnist = await loadMnist();
  const { test } = mnistForProfile(mnist, profile);
  const written = await drawReportFigures({
    mnist, test, resultsFile: path.join(outDir, 'results.json'), modelsDir: models ?? modelsDirFor(profile.name), figuresDir: path.join(outDir, 'figures'),
  });
  console.log(`${written.length} figures redrawn in ${((performance.now() - started) / 1000).toFixed(1)} s, no training.`);
}

main(process.argv.slice(2)).catch((error: unknown) => exitWithError(error));
