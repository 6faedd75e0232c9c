#!/usr/bin/env node
/**
 * Executes the notebooks top to bottom in a clean tslab kernel and, when a
 * notebook ran without an error, replaces it with the executed copy so the
 * committed notebooks carry real outputs. `npm run notebooks -- --help` for usage.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { eachArgument, exitWithError, usage, UsageError } from '../args';
import { executeNotebook, formatProblems } from '../notebook/execute';
import { currentProfile, profileByName, projectDir } from '@mnist-ts/lib';

async function main(argv: string[]): Promise<number> {
  let profile = currentProfile().name;
  const wanted: string[] = [];
  eachArgument(argv, (arg, value) => {
    if (arg === '--profile') profile = profileByName(value()).name;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        usage('notebooks', '[options] [notebook name parts...]', [
          ['--profile quick|full', 'the profile to run in (default: MNIST_PROFILE, else full)'],
          ['name parts', 'run only the notebooks whose file names contain one of them, e.g. 03 04'],
          ['--help, -h', 'this help'],
        ]),
      );
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (try --help)`);
    else wanted.push(arg);
  });
  const dir = path.join(projectDir(), 'notebooks');
  const all = (await fs.readdir(dir)).filter((name) => name.endsWith('.ipynb')).sort();
  const chosen = wanted.length ? all.filter((name) => wanted.some((w) => name.includes(w))) : all;
  if (chosen.length === 0) throw new Error(`no notebook in ${dir} matches ${wanted.join(', ')}`);
  let failures = 0;
  for (const name of chosen) {
    const file = path.join(dir, name);
    const staging = path.join(dir, `.${name}.executed`);
    console.log(`Running ${name} (profile ${profile})...`);
    const result = await executeNotebook(file, { profile, outputPath: staging });
    if (result.problems.length) {
      failures++;
      await fs.rm(staging, { force: true });
      console.error(`${name} failed after ${result.seconds.toFixed(0)} s; the committed notebook is unchanged:\n${formatProblems(result.problems)}`);
    } else {
      await fs.rename(staging, file);
      console.log(`${name}: ran in ${result.seconds.toFixed(0)} s, outputs saved.`);
    }
  }
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => exitWithError(error),
);
