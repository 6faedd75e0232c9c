#!/usr/bin/env node
/**
 * The main job: reproduces the series' results headless and writes them to
 * reports/ (results.json and figures) and models/. Run `npm start -- --help`
 * for the options. The profile also comes from MNIST_PROFILE, the backend
 * from MNIST_BACKEND.
 */
import * as path from 'node:path';
import {
  type Architecture, ARCHITECTURE_LIST, architectureByName, BACKEND_ENV, bestByTestAccuracy, comparisonTable, currentProfile, displayPath, labelCounts, loadMnist,
  loadModel, mnistForProfile, modelsDirFor, parseBackendName, type Profile, profileByName, readResults, recordResult, reportsDirFor, saveModel,
  saveRun, showProgress, trainArchitecture, trainPieceChecker, useBestBackend,
} from '@mnist-ts/lib';
import { eachArgument, exitWithError, parseValue, usage, UsageError, userPath } from '../args';
import { drawReportFigures } from '../report-figures';

interface Args {
  /** The profile --profile names; default MNIST_PROFILE's, else full. */
  profile?: Profile;
  backend?: ReturnType<typeof parseBackendName>;
  /** Folder for results and figures; default reports/ (reports/quick/ in the quick profile). */
  out?: string;
  /** Folder for the trained models; default models/ (models/quick/ in the quick profile). */
  models?: string;
  /** Architectures to train; default all of them. */
  architectures: Architecture[];
  /** Train chapter 08's piece checker too: in a whole run, not in a partial one (--arch). */
  pieceChecker: boolean;
}

const HELP = () =>
  usage('start', '[options]', [
    ['--profile quick|full', 'how much data and how many epochs (default: MNIST_PROFILE, else full)'],
    ['--backend NAME', 'tensorflow, wasm, wasm-stock or cpu (default: MNIST_BACKEND, else the fastest available)'],
    ['--arch NAME[,NAME...]', `architectures to train (default: all, and chapter 08's piece checker): ${ARCHITECTURE_LIST.map((a) => a.name).join(', ')}`],
    ['--out DIR', 'folder for results.json and figures/ (default: reports/, reports/quick/ in the quick profile)'],
    ['--models DIR', 'folder for the trained models (default: models/, models/quick/ in the quick profile)'],
    ['--help, -h', 'this help'],
  ]);

function parseArgs(argv: string[]): Args {
  const args: Args = { architectures: [...ARCHITECTURE_LIST], pieceChecker: true };
  let chosen: Architecture[] | undefined;
  eachArgument(argv, (flag, value) => {
    if (flag === '--profile') args.profile = parseProfile(value());
    else if (flag === '--backend') args.backend = parseValue(() => parseBackendName(value()));
    else if (flag === '--out') args.out = userPath(value());
    else if (flag === '--models') args.models = userPath(value());
    else if (flag === '--arch') (chosen ??= []).push(...value().split(',').map((name) => parseValue(() => architectureByName(name.trim()))));
    else if (flag === '--help' || flag === '-h') {
      console.log(HELP());
      process.exit(0);
    } else throw new UsageError(`unknown option ${flag}`);
  });
  if (chosen) [args.architectures, args.pieceChecker] = [chosen, false];
  return args;
}

/** The profile --profile names (profileByName's own message is about MNIST_PROFILE). */
function parseProfile(name: string): Profile {
  try {
    return profileByName(name);
  } catch {
    throw new UsageError(`unknown profile "${name}": --profile must be quick or full`);
  }
}

/**
 * Refuses, before any data is loaded, a backend that cannot train one of the
 * chosen architectures: tfjs's stock wasm backend has no kernel for the
 * filter gradient of a convolution (Conv2DBackpropFilter), so it trains no
 * CNN (see lib/backend/select.ts).
 */
function checkBackendCanTrain(args: Args): void {
  const envValue = process.env[BACKEND_ENV];
  const backend = args.backend ?? (envValue ? parseBackendName(envValue) : undefined);
  if (backend !== 'wasm-stock') return;
  const cnns = args.architectures.filter((arch) => arch.inputLayout === 'image').map((arch) => arch.name);
  if (cnns.length === 0) return;
  const problem =
    `the wasm-stock backend cannot train convolutional networks (${cnns.join(', ')}): tfjs's stock wasm backend has no ` +
    'Conv2DBackpropFilter kernel; use the wasm backend, or choose MLPs only with --arch';
  if (args.backend) throw new UsageError(`--backend wasm-stock: ${problem}`);
  throw new Error(`${BACKEND_ENV}=wasm-stock: ${problem}`);
}

const step = (text: string) => console.log(`\n== ${text}`);

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  checkBackendCanTrain(args);
  const profile = args.profile ?? currentProfile();
  const outDir = args.out ?? reportsDirFor(profile.name);
  console.log(`mnist-ts main job, profile "${profile.name}" -> ${displayPath(outDir)}`);

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

  const models = args.models ?? modelsDirFor(profile.name);
  const resultsFile = path.join(outDir, 'results.json');
  for (const arch of args.architectures) {
    step(`Training ${arch.name}: ${arch.description} (${arch.source})`);
    const run = await trainArchitecture(arch, data, { seed: 0, progress: showProgress() });
    try {
      const { result } = run;
      console.log(
        `  test accuracy ${(result.testAccuracy * 100).toFixed(2)}%, test loss ${result.testLoss.toFixed(4)}, ` +
          `${result.trainingSeconds.toFixed(1)} s (${result.secondsPerEpoch.toFixed(1)} s per epoch on ${backend.name})`,
      );
      await recordResult(resultsFile, result);
      const saved = path.join(models, arch.name);
      await saveRun(run, saved);
      console.log(`  model saved to ${displayPath(saved)}/`);
    } finally {
      run.model.dispose();
    }
  }
  // The best CNN is chosen among every CNN the results file records (this run's and earlier
  // ones of a partial run), so best-cnn/, results.json and the figures always agree.
  const recorded = (await readResults(resultsFile)).models;
  const cnns = recorded.filter((result) => ARCHITECTURE_LIST.some((arch) => arch.name === result.name && arch.inputLayout === 'image'));
  if (cnns.length > 0) {
    const best = bestByTestAccuracy(cnns.map((result) => ({ result }))).result;
    const bestDir = path.join(models, 'best-cnn');
    const loaded = await loadModel(path.join(models, best.name));
    try {
      await saveModel(loaded.model, bestDir, loaded.metadata);
    } finally {
      loaded.model.dispose();
    }
    console.log(`Best CNN by test accuracy: ${best.name}, saved to ${displayPath(bestDir)}/`);
  }
  if (args.pieceChecker) {
    step("Training the piece checker of chapter 08 (whole digit or not, on pieces of numbers made of training digits)");
    const trained = await trainPieceChecker(data.train, { profile, progress: showProgress() });
    try {
      const { metadata } = trained;
      const checkerDir = path.join(models, 'piece-checker');
      await saveModel(trained.model, checkerDir, metadata);
      console.log(
        `  ${String(metadata.wholePieces)} whole digits and ${String(metadata.wrongPieces)} wrong pieces cut from ${4 * Number(metadata.perKind)} numbers, ` +
          `with the ${data.train.count} training digits: held-out accuracy ${(100 * Number(metadata.validationAccuracy)).toFixed(2)}%, ` +
          `${trained.training.seconds.toFixed(1)} s; saved to ${displayPath(checkerDir)}/`,
      );
    } finally {
      trained.model.dispose();
    }
  }
  if (recorded.length > 0) {
    step('Comparison');
    console.log(comparisonTable(recorded));
  }
  step('Figures');
  await drawReportFigures({ mnist, test: data.test, resultsFile, modelsDir: models, figuresDir: path.join(outDir, 'figures') });
  step('Done');
  console.log(`Results: ${resultsFile}`);
}

main(process.argv.slice(2)).catch((error: unknown) => exitWithError(error, HELP));
