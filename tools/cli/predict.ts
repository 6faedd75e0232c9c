#!/usr/bin/env node
/**
 * Recognises handwritten digits in image files with a trained model. Usage:
 *   npm run -s predict -- [--model DIR] [--json] <image...>  (--help for more)
 * Without --model it uses the series' best CNN (models/best-cnn/), training
 * one first when there is none. Prints one line per image, or with --json one
 * JSON object per line: { file, digit, confidence, probabilities } or
 * { file, error }. Exits with 1 when any image failed (the others are still
 * predicted), 2 on bad usage.
 */
import * as path from 'node:path';
import { eachArgument, usage } from '../args';
import { useBestBackend, recogniseDigits, loadModel, loadOrTrainBestCnn } from '@mnist-ts/lib';

interface Args {
  model?: string;
  json: boolean;
  files: string[];
}

const USAGE = () =>
  usage('predict', '[options] <image.png|image.jpg ...>', [
    ['--model DIR', 'a model folder written by saveModel (default: models/best-cnn/, trained first when missing)'],
    ['--json', 'one JSON object per line: { file, digit, confidence, probabilities } or { file, error }'],
    ['--help, -h', 'this help'],
  ]);

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, files: [] };
  eachArgument(argv, (arg, value) => {
    if (arg === '--model') args.model = path.resolve(value());
    else if (arg === '--json') args.json = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE());
      process.exit(0);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.files.push(arg);
  });
  if (args.files.length === 0) throw new UsageError('no image files given');
  return args;
}

class UsageError extends Error {}

/** Messages about models and backends go to stderr, so stdout holds only predictions. */
const note = (line: string) => console.error(line);

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  await useBestBackend({ log: note });
  const { model } = args.model ? await loadModel(args.model) : await loadOrTrainBestCnn({ log: note });
  let failures = 0;
  for (const result of await recogniseDigits(model, args.files)) {
    if ('error' in result) {
      failures++;
      if (args.json) console.log(JSON.stringify({ file: result.file, error: result.error }));
      else console.error(`error: ${result.error}`);
    } else if (args.json) {
      const { file, digit, confidence, probabilities } = result;
      console.log(JSON.stringify({ file, digit, confidence: round(confidence), probabilities: probabilities.map(round) }));
    } else {
      console.log(`${result.file}: ${result.digit} (${(100 * result.confidence).toFixed(1)}%)`);
    }
  }
  model.dispose();
  return failures > 0 ? 1 : 0;
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    if (error instanceof UsageError) console.error(USAGE());
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
