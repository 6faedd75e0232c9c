#!/usr/bin/env node
/**
 * Draws the sample handwriting pictures of data/samples/ again (generated
 * strokes on photo-like paper, seeded): `npm run samples [-- DIR]`.
 */
import * as path from 'node:path';
import { usage } from '../args';
import { makeSamples } from '../samples/make-samples';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(usage('samples', '[DIR]', [
    ['DIR', 'folder to write the pictures and their README.md to (default: data/samples/ of the project)'],
    ['--help, -h', 'this help'],
  ]));
  process.exit(0);
}
const unknown = argv.find((arg) => arg.startsWith('-'));
if (unknown) {
  console.error(`error: unknown option ${unknown} (try --help)`);
  process.exit(2);
}
makeSamples(argv[0]).then(
  (files) => console.log(`wrote ${files.length} samples to ${path.dirname(files[0])}`),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  },
);
