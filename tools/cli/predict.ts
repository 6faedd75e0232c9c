#!/usr/bin/env node
/**
 * Recognises handwritten digits in image files with a trained model. Usage:
 *   npm run -s predict -- [--model DIR] [--json] [--number] [--] <image...>  (--help for more)
 * With --number each image holds a whole number (several digits in a line),
 * read with readNumber (chapter 08) instead of one digit, with the piece
 * checker the main job trains (models/piece-checker/) when there is one.
 * Without --model it uses the series' best CNN (models/best-cnn/), training
 * one first when there is none. Paths are taken relative to the folder the
 * command was typed in (npm's INIT_CWD), and printed as they were given.
 * Every file is checked before a model is loaded or trained. Prints one line
 * per image as soon as it is recognised, or with --json one JSON object per
 * line: { file, digit, confidence, probabilities } or { file, error }. Exits
 * with 1 when any image failed (the others are still predicted) or the model
 * does not give digit probabilities, 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import {
  checkDigitClassifier, checkImageFile, currentProfile, DataFileError, displayPath, loadModel, loadOrTrainBestCnn, loadPieceChecker, type NumberReading, pieceCheckerDir,
  type ReadyCnn, readNumberFile, recogniseEach, useBestBackend,
} from '@mnist-ts/lib';
import { eachArgument, exitWithError, usage, UsageError, userPath } from '../args';

interface Args {
  /** The model folder as given, if any. */
  model?: string;
  json: boolean;
  /** Each image holds a number of several digits. */
  number: boolean;
  /** The piece checker folder as given; false with --no-checker; default the profile's, when one is saved. */
  checker?: string | false;
  /** The image files as given. */
  files: string[];
}

const USAGE = () =>
  usage('predict', '[options] [--] <image.png|image.jpg ...>', [
    ['--model DIR', 'a model folder written by saveModel (default: models/best-cnn/, trained first when missing)'],
    ['--json', 'one JSON object per line: { file, digit, confidence, probabilities } or { file, error }'],
    ['--number', 'each image holds a number (digits in a line): prints its digits; with --json { file, text, spaced, confidence, digits: [{ digit, confidence, box: [x, y, width, height] }] }'],
    ['--checker DIR', 'with --number: the piece checker to judge the cuts with (default: models/piece-checker/ when `npm start` has trained it)'],
    ['--no-checker', 'with --number: read with the classifier alone'],
    ['--', 'everything after it is an image file, even a name starting with -'],
    ['--help, -h', 'this help'],
  ]);

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, number: false, files: [] };
  const addFile = (file: string) => args.files.push(file);
  eachArgument(
    argv,
    (arg, value) => {
      if (arg === '--model') args.model = value();
      else if (arg === '--json') args.json = true;
      else if (arg === '--number') args.number = true;
      else if (arg === '--checker') args.checker = value();
      else if (arg === '--no-checker') args.checker = false;
      else if (arg === '--help' || arg === '-h') {
        console.log(USAGE());
        process.exit(0);
      } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (a file whose name starts with - goes after --)`);
      else addFile(arg);
    },
    addFile,
  );
  if (args.files.length === 0) throw new UsageError('no image files given');
  if (args.checker !== undefined && !args.number) throw new UsageError(`${args.checker === false ? '--no-checker' : '--checker'} goes with --number only`);
  return args;
}

/**
 * A full garbage collection, run after an image whenever more than about one
 * large photo's buffers are waiting to be freed (32 MB), so that memory stays
 * flat in the number of files. Left to itself, V8 lets the freed buffers of
 * earlier photos (about 35 MB for each 1024x1024 one) pile up much longer:
 * measured with 200 photos of 1024x1024, peak memory was 1.7x that of one
 * photo (258 MB against 150 MB), and 1.3x with these collections (about 45 ms
 * each, after every such photo; small photos need one every ten or so).
 */
const collectGarbage = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();
const GARBAGE_LIMIT_BYTES = 32 * 1024 * 1024;

/** Environment variable that makes predict name each file on stderr as recognition takes it up, for tests of the order. */
const TRACE_ENV = 'MNIST_PREDICT_TRACE';

/**
 * The files to read, made absolute, handed to recogniseEach one at a time as
 * it asks for them; with MNIST_PREDICT_TRACE=1 each is announced on stderr
 * ("reading <file>") at that moment, so a test can see that a result is
 * printed before the next file is taken up.
 */
function* filesToRead(files: readonly string[]): Generator<string> {
  const trace = process.env[TRACE_ENV] === '1';
  for (const file of files) {
    if (trace) console.error(`reading ${file}`);
    yield userPath(file);
  }
}

/** Messages about models and backends go to stderr, so stdout holds only predictions. */
const note = (line: string) => console.error(line);

/** Prints one image's failure: the file as the user gave it and what is wrong with it. */
function printFailure(file: string, problem: string, json: boolean): void {
  if (json) console.log(JSON.stringify({ file, error: `${file}: ${problem}` }));
  else console.error(`error: ${file}: ${problem}`);
}

/** What is wrong with a file, without its name (a DataFileError's problem, else the message). */
function problemOf(error: unknown): string {
  return error instanceof DataFileError ? error.problem : error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  // Every file is checked before a model is loaded, let alone trained for minutes.
  const refused = new Map<string, string>();
  for (const file of new Set(args.files)) {
    await checkImageFile(userPath(file)).catch((error: unknown) => refused.set(file, problemOf(error)));
  }
  const readable = args.files.filter((file) => !refused.has(file));
  // Files refused are reported in their place among the results, without a second look.
  let failures = 0;
  let next = 0;
  const printRefused = () => {
    for (; next < args.files.length && refused.has(args.files[next]); next++) {
      failures++;
      printFailure(args.files[next], refused.get(args.files[next])!, args.json);
    }
  };
  printRefused();
  if (readable.length === 0) return 1;

  await useBestBackend({ log: note });
  const ready = args.model === undefined ? await loadOrTrainBestCnn({ log: note }) : await loadGivenModel(args.model);
  const modelSource = args.model ?? displayPath(ready.dir);
  try {
    if (args.number) {
      checkDigitClassifier(ready.model, modelSource);
      const pieceChecker = await numberChecker(args.checker);
      try {
        for (const file of filesToRead(readable)) {
          const given = args.files[next++];
          const ok = await printNumber(ready.model, pieceChecker, file, given, args.json);
          if (!ok) failures++;
          printRefused();
          if (process.memoryUsage().arrayBuffers > GARBAGE_LIMIT_BYTES) collectGarbage();
        }
      } finally {
        pieceChecker?.dispose();
      }
      return failures > 0 ? 1 : 0;
    }
    // recogniseEach yields one result per file, in order, as soon as it is known; nothing is kept.
    for await (const result of recogniseEach(ready.model, filesToRead(readable), { modelSource })) {
      const file = args.files[next++];
      if ('error' in result) {
        failures++;
        printFailure(file, result.problem, args.json);
      } else if (args.json) {
        const { digit, confidence, probabilities } = result;
        console.log(JSON.stringify({ file, digit, confidence: round(confidence), probabilities: probabilities.map(round) }));
      } else {
        console.log(`${file}: ${result.digit} (${(100 * result.confidence).toFixed(1)}%)`);
      }
      printRefused();
      if (process.memoryUsage().arrayBuffers > GARBAGE_LIMIT_BYTES) collectGarbage();
    }
  } finally {
    ready.model.dispose();
  }
  return failures > 0 ? 1 : 0;
}

/** Reads the number in one file and prints it (the file as the user gave it); false when the file could not be read or holds no ink. */
async function printNumber(model: ReadyCnn['model'], pieceChecker: ReadyCnn['model'] | undefined, file: string, given: string, json: boolean): Promise<boolean> {
  let reading: NumberReading;
  try {
    reading = await readNumberFile(model, file, { pieceChecker });
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    printFailure(given, error.problem, json);
    return false;
  }
  if (json) {
    const digits = reading.digits.map(({ digit, confidence, box }) => ({ digit, confidence: round(confidence), box }));
    console.log(JSON.stringify({ file: given, text: reading.text, spaced: reading.spaced, confidence: round(reading.confidence), digits }));
  } else {
    console.log(`${given}: ${reading.spaced} (${(100 * reading.confidence).toFixed(1)}%)`);
  }
  return true;
}

/**
 * The piece checker for --number: the folder --checker names, none with
 * --no-checker, else the profile's saved one, or none (with a note) when
 * the main job has not trained it yet.
 */
async function numberChecker(given: string | false | undefined): Promise<ReadyCnn['model'] | undefined> {
  if (given === false) return undefined;
  if (given !== undefined) return (await loadGivenModel(given, loadPieceChecker)).model;
  const dir = pieceCheckerDir(currentProfile().name);
  if (!existsSync(path.join(dir, 'model.json'))) {
    note(`No piece checker in ${displayPath(dir)}/: reading with the classifier alone, which cuts touching digits worse (npm start trains one).`);
    return undefined;
  }
  return (await loadPieceChecker(dir)).model;
}

/** Loads the model folder the user named; errors name its files as the user would (under the folder as given). */
async function loadGivenModel(given: string, load: (dir: string) => Promise<{ model: ReadyCnn['model'] }> = loadModel): Promise<Pick<ReadyCnn, 'model' | 'dir'>> {
  const dir = userPath(given);
  try {
    return { model: (await load(dir)).model, dir };
  } catch (error) {
    if (!(error instanceof DataFileError) || path.relative(dir, error.file).startsWith('..')) throw error;
    throw new DataFileError(path.join(given, path.relative(dir, error.file)), error.problem, { cause: error });
  }
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => exitWithError(error, USAGE),
);
