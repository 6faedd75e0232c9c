#!/usr/bin/env node
/**
 * The benchmark: training and inference samples/s of every tutorial
 * architecture on every available backend, side by side in one run, with
 * the ratios between backends. Each (architecture, backend, workers) runs in
 * a fresh Node process, so backends and kernels never mix. Usage:
 *   npm run bench [-- --arch lenet5,mlp-784] [--backend wasm,cpu] [--workers 1,2] [--samples 2048] [--batch-size 64|recipe] [--json] [--compare-fit]
 * --compare-fit also times tfjs's model.fit on the same batches. --workers
 * times training through trainModel with each number of threads
 * (data-parallel) and prints the speed-ups; without it, lib's trainStep alone
 * in the main thread.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eachArgument, exitWithError, positiveInteger, usage, UsageError } from '../args';
import { parseBackendName, useBestBackend, type BackendName, loadMnist, ARCHITECTURE_LIST, architectureByName, type Architecture, markdownTable } from '@mnist-ts/lib';
import { type Measurement, measureArchitecture } from '../measure';

const run = promisify(execFile);

interface BenchArgs {
  archs: Architecture[];
  backends: BackendName[];
  /** Threads to train with, side by side; undefined: trainStep in the main thread (1). */
  workers: number[] | undefined;
  samples: number;
  /** One batch size for every architecture, or each architecture's own (its tutorial's). */
  batchSize: number | 'recipe';
  json: boolean;
  compareFit: boolean;
}

/**
 * Untimed steps before timing training through trainModel (--workers), for every thread count
 * alike: a fresh worker's JavaScript and WebAssembly start cold and take some dozen steps to
 * reach speed (with 3, two workers measured 10-30% below their steady rate on the MLPs).
 */
const THREAD_WARMUP_STEPS = 20;

/** Samples timed on the cpu backend, which trains CNNs at a few images per second (one warm-up step there). */
const CPU_SAMPLES = { mlp: 512, cnn: 64 };

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = {
    archs: [...ARCHITECTURE_LIST],
    backends: tfjsNodeInstalled() ? ['cpu', 'wasm-stock', 'wasm', 'tensorflow'] : ['cpu', 'wasm-stock', 'wasm'],
    workers: undefined,
    samples: 2048,
    batchSize: 64,
    json: false,
    compareFit: false,
  };
  eachArgument(argv, (flag, value) => {
    if (flag === '--arch') args.archs = value().split(',').map(architectureByName);
    else if (flag === '--backend') args.backends = value().split(',').map(parseBackendName);
    else if (flag === '--workers') args.workers = value().split(',').map((text) => positiveInteger(flag, text));
    else if (flag === '--samples') args.samples = positiveInteger(flag, value());
    else if (flag === '--batch-size') {
      const text = value();
      args.batchSize = text === 'recipe' ? 'recipe' : positiveInteger(flag, text);
    }
    else if (flag === '--json') args.json = true;
    else if (flag === '--compare-fit') args.compareFit = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(
        usage('bench', '[options]', [
          ['--arch NAME[,NAME...]', `architectures (default: all): ${ARCHITECTURE_LIST.map((a) => a.name).join(', ')}`],
          ['--backend NAME[,NAME...]', 'backends side by side: cpu, wasm-stock, wasm, tensorflow (default: all available)'],
          ['--workers N[,N...]', 'threads to train with, side by side (data-parallel, through trainModel; default: trainStep in the main thread)'],
          ['--samples N', 'training samples timed per architecture and backend'],
          ['--batch-size N|recipe', "batch size (default 64), or 'recipe': each architecture's own, as the main job trains it"],
          ['--json', 'one JSON object per measurement and line'],
          ['--compare-fit', "also time tfjs's model.fit on the same batches"],
          ['--help, -h', 'this help'],
        ]),
      );
      process.exit(0);
    } else throw new UsageError(`unknown option ${flag} (try --help)`);
  });
  return args;
}

/** What one worker process reports: a measurement, or why the backend cannot run the architecture. */
type WorkerResult = Measurement | { arch: string; backend: string; workers: number; batchSize: number; error: string };

/** Runs inside the worker process: one architecture on one backend (with `workers` threads, when given). */
async function worker(archName: string, backend: BackendName, samples: number, batchSize: number, compareFit: boolean, workers: number | undefined): Promise<void> {
  await useBestBackend({ backend, log: null });
  const arch = architectureByName(archName);
  const { train } = await loadMnist();
  let result: WorkerResult;
  try {
    const slow = backend === 'cpu';
    result = await measureArchitecture(arch, train, backend, { batchSize, samples, compareFit: compareFit && !slow, warmupSteps: slow ? 1 : workers === undefined ? 3 : THREAD_WARMUP_STEPS, workers });
  } catch (error) {
    result = { arch: archName, backend, workers: workers ?? 1, batchSize, error: (error as Error).message.split('\n')[0] };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function measureInChild(arch: Architecture, backend: BackendName, workers: number | undefined, args: BenchArgs): Promise<WorkerResult> {
  const batchSize = args.batchSize === 'recipe' ? arch.batchSize : args.batchSize;
  const cpuSamples = arch.inputLayout === 'image' ? CPU_SAMPLES.cnn : CPU_SAMPLES.mlp;
  const samples = backend === 'cpu' ? Math.min(args.samples, cpuSamples) : args.samples;
  try {
    const { stdout } = await run(process.execPath, [__filename, '--worker', arch.name, backend, String(samples), String(batchSize), String(args.compareFit), String(workers ?? '')], {
      env: { ...process.env, MNIST_BACKEND: backend },
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as WorkerResult;
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n');
    return { arch: arch.name, backend, workers: workers ?? 1, batchSize, error: stderr[stderr.length - 1] };
  }
}

const rate = (r: WorkerResult | undefined, key: 'trainSamplesPerSec' | 'inferSamplesPerSec') =>
  (r && !('error' in r) ? r[key] : undefined) ?? undefined;
const formatRate = (value: number | undefined) => (value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US'));
const formatRatio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(1)}x`);

/** The runs of one backend with each number of threads: a column each. */
interface Column {
  readonly backend: BackendName;
  readonly workers: number;
  readonly label: string;
}

function columnsOf(args: BenchArgs): Column[] {
  const counts = args.workers ?? [1];
  return args.backends.flatMap((backend) =>
    counts.map((workers) => ({ backend, workers, label: args.workers && args.workers.length > 1 ? `${backend} x${workers}` : backend })),
  );
}

/** The table people read: samples/s per backend (and threads), then the ratios that matter. */
function summaryTable(results: WorkerResult[], args: BenchArgs): string {
  const columns = columnsOf(args);
  const find = (arch: string, backend: string, workers: number) => results.find((r) => r.arch === arch && r.backend === backend && r.workers === workers);
  const counts = args.workers ?? [1];
  const ratios: [BackendName, BackendName][] = (
    [['wasm', 'wasm-stock'], ['wasm', 'cpu'], ['tensorflow', 'wasm']] as [BackendName, BackendName][]
  ).filter(([a, b]) => args.backends.includes(a) && args.backends.includes(b));
  // The speed-up of each thread count over the first one given (e.g. --workers 1,2: x2 / x1).
  const speedups = args.backends.flatMap((backend) => counts.slice(1).map((workers) => ({ backend, workers })));
  const header = [
    'architecture',
    ...columns.map((c) => `train ${c.label}`),
    ...ratios.map(([a, b]) => `train ${a} / ${b}`),
    ...speedups.map(({ backend, workers }) => `${backend} x${workers} / x${counts[0]}`),
    ...columns.map((c) => `infer ${c.label}`),
  ];
  const rows = args.archs.map((arch) => [
    arch.name,
    ...columns.map((c) => formatRate(rate(find(arch.name, c.backend, c.workers), 'trainSamplesPerSec'))),
    ...ratios.map(([a, b]) => formatRatio(rate(find(arch.name, a, counts[0]), 'trainSamplesPerSec'), rate(find(arch.name, b, counts[0]), 'trainSamplesPerSec'))),
    ...speedups.map(({ backend, workers }) =>
      formatSpeedup(rate(find(arch.name, backend, workers), 'trainSamplesPerSec'), rate(find(arch.name, backend, counts[0]), 'trainSamplesPerSec')),
    ),
    ...columns.map((c) => formatRate(rate(find(arch.name, c.backend, c.workers), 'inferSamplesPerSec'))),
  ]);
  return markdownTable(header, rows);
}

/** A speed-up with two decimals (1.72x): thread counts differ by less than backends do. */
const formatSpeedup = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`);

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--worker') {
    await worker(argv[1], parseBackendName(argv[2]), Number(argv[3]), Number(argv[4]), argv[5] === 'true', argv[6] ? Number(argv[6]) : undefined);
    return;
  }
  const args = parseArgs(argv);
  if (!args.json) {
    const threads = args.workers ? `, trained through trainModel with ${args.workers.join(', ')} thread(s) (x1, x2, ...)` : '';
    console.log(`Benchmark: ${args.batchSize === 'recipe' ? "each architecture's own batch size" : `batch ${args.batchSize}`}, ${args.samples} training samples per measurement (cpu: at most ${CPU_SAMPLES.mlp} for MLPs, ${CPU_SAMPLES.cnn} for CNNs)${threads}, inference in batches of 1000; samples per second.`);
  }
  const results: WorkerResult[] = [];
  for (const arch of args.archs) {
    for (const column of columnsOf(args)) {
      const { backend } = column;
      const result = await measureInChild(arch, backend, args.workers ? column.workers : undefined, args);
      results.push(result);
      if (args.json) console.log(JSON.stringify(result));
      else if ('error' in result) console.log(`  ${arch.name} on ${column.label}: cannot train (${result.error})`);
      else {
        const fit = result.fitStepMs === undefined ? '' : `; model.fit ${result.fitStepMs.toFixed(1)} ms`;
        const train = result.trainError
          ? `cannot train (${result.trainError})`
          : `train ${formatRate(rate(result, 'trainSamplesPerSec'))}/s (step ${result.stepMs?.toFixed(1)} ms, ${result.kernelMs?.toFixed(1)} in kernels${fit})`;
        console.log(`  ${arch.name} on ${column.label}: ${train}, infer ${formatRate(result.inferSamplesPerSec)}/s`);
      }
    }
  }
  if (!args.json) console.log(`\n${summaryTable(results, args)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => exitWithError(error));
