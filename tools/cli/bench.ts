#!/usr/bin/env node
/**
 * The benchmark: training and inference samples/s of every tutorial
 * architecture on every available backend, side by side in one run, with
 * the ratios between backends. Each (architecture, backend) pair runs in a
 * fresh Node process, so backends and kernels never mix. Usage:
 *   npm run bench [-- --arch lenet5,mlp-784] [--backend wasm,cpu] [--samples 2048] [--batch-size 64] [--json] [--compare-fit]
 * --compare-fit also times tfjs's model.fit on the same batches.
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
  samples: number;
  batchSize: number;
  json: boolean;
  compareFit: boolean;
}

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
    samples: 2048,
    batchSize: 64,
    json: false,
    compareFit: false,
  };
  eachArgument(argv, (flag, value) => {
    if (flag === '--arch') args.archs = value().split(',').map(architectureByName);
    else if (flag === '--backend') args.backends = value().split(',').map(parseBackendName);
    else if (flag === '--samples') args.samples = positiveInteger(flag, value());
    else if (flag === '--batch-size') args.batchSize = positiveInteger(flag, value());
    else if (flag === '--json') args.json = true;
    else if (flag === '--compare-fit') args.compareFit = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(
        usage('bench', '[options]', [
          ['--arch NAME[,NAME...]', `architectures (default: all): ${ARCHITECTURE_LIST.map((a) => a.name).join(', ')}`],
          ['--backend NAME[,NAME...]', 'backends side by side: cpu, wasm-stock, wasm, tensorflow (default: all available)'],
          ['--samples N', 'training samples timed per architecture and backend'],
          ['--batch-size N', 'batch size (default 64)'],
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
type WorkerResult = Measurement | { arch: string; backend: string; batchSize: number; error: string };

/** Runs inside the worker process: one architecture on one backend. */
async function worker(archName: string, backend: BackendName, samples: number, batchSize: number, compareFit: boolean): Promise<void> {
  await useBestBackend({ backend, log: null });
  const arch = architectureByName(archName);
  const { train } = await loadMnist();
  let result: WorkerResult;
  try {
    const slow = backend === 'cpu';
    result = await measureArchitecture(arch, train, backend, { batchSize, samples, compareFit: compareFit && !slow, warmupSteps: slow ? 1 : 3 });
  } catch (error) {
    result = { arch: archName, backend, batchSize, error: (error as Error).message.split('\n')[0] };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function measureInChild(arch: Architecture, backend: BackendName, args: BenchArgs): Promise<WorkerResult> {
  const cpuSamples = arch.inputLayout === 'image' ? CPU_SAMPLES.cnn : CPU_SAMPLES.mlp;
  const samples = backend === 'cpu' ? Math.min(args.samples, cpuSamples) : args.samples;
  try {
    const { stdout } = await run(process.execPath, [__filename, '--worker', arch.name, backend, String(samples), String(args.batchSize), String(args.compareFit)], {
      env: { ...process.env, MNIST_BACKEND: backend },
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as WorkerResult;
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n');
    return { arch: arch.name, backend, batchSize: args.batchSize, error: stderr[stderr.length - 1] };
  }
}

const rate = (r: WorkerResult | undefined, key: 'trainSamplesPerSec' | 'inferSamplesPerSec') =>
  (r && !('error' in r) ? r[key] : undefined) ?? undefined;
const formatRate = (value: number | undefined) => (value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US'));
const formatRatio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(1)}x`);

/** The table people read: samples/s per backend, then the ratios that matter. */
function summaryTable(results: WorkerResult[], args: BenchArgs): string {
  const find = (arch: string, backend: string) => results.find((r) => r.arch === arch && r.backend === backend);
  const ratios: [BackendName, BackendName][] = (
    [['wasm', 'wasm-stock'], ['wasm', 'cpu'], ['tensorflow', 'wasm']] as [BackendName, BackendName][]
  ).filter(([a, b]) => args.backends.includes(a) && args.backends.includes(b));
  const header = [
    'architecture',
    ...args.backends.map((b) => `train ${b}`),
    ...ratios.map(([a, b]) => `train ${a} / ${b}`),
    ...args.backends.map((b) => `infer ${b}`),
  ];
  const rows = args.archs.map((arch) => [
    arch.name,
    ...args.backends.map((b) => formatRate(rate(find(arch.name, b), 'trainSamplesPerSec'))),
    ...ratios.map(([a, b]) => formatRatio(rate(find(arch.name, a), 'trainSamplesPerSec'), rate(find(arch.name, b), 'trainSamplesPerSec'))),
    ...args.backends.map((b) => formatRate(rate(find(arch.name, b), 'inferSamplesPerSec'))),
  ]);
  return markdownTable(header, rows);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--worker') {
    await worker(argv[1], parseBackendName(argv[2]), Number(argv[3]), Number(argv[4]), argv[5] === 'true');
    return;
  }
  const args = parseArgs(argv);
  if (!args.json) {
    console.log(`Benchmark: batch ${args.batchSize}, ${args.samples} training samples per measurement (cpu: at most ${CPU_SAMPLES.mlp} for MLPs, ${CPU_SAMPLES.cnn} for CNNs), inference in batches of 1000; samples per second.`);
  }
  const results: WorkerResult[] = [];
  for (const arch of args.archs) {
    for (const backend of args.backends) {
      const result = await measureInChild(arch, backend, args);
      results.push(result);
      if (args.json) console.log(JSON.stringify(result));
      else if ('error' in result) console.log(`  ${arch.name} on ${backend}: cannot train (${result.error})`);
      else {
        const fit = result.fitStepMs === undefined ? '' : `; model.fit ${result.fitStepMs.toFixed(1)} ms`;
        const train = result.trainError
          ? `cannot train (${result.trainError})`
          : `train ${formatRate(rate(result, 'trainSamplesPerSec'))}/s (step ${result.stepMs?.toFixed(1)} ms, ${result.kernelMs?.toFixed(1)} in kernels${fit})`;
        console.log(`  ${arch.name} on ${backend}: ${train}, infer ${formatRate(result.inferSamplesPerSec)}/s`);
      }
    }
  }
  if (!args.json) console.log(`\n${summaryTable(results, args)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => exitWithError(error));
