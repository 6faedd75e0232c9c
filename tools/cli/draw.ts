#!/usr/bin/env node
/**
 * The draw-a-digit page: draw a digit (or upload a photo) and watch the
 * network you trained read it. Usage:
 *   npm run draw -- [--port N] [--host ADDRESS] [--model ID ...]   serve it, print its URL
 *   npm run draw -- --build DIR [--model ID ...]                  write it for a static host
 * (--help for more). The models are the ones saved under models/ by the
 * main job and the notebooks (MNIST_MODELS_DIR moves it); when there are
 * none, the quick profile's CNN is trained first (seconds), saying so.
 */
import {
  displayPath, loadOrTrainBestCnn, modelsDir, profileByName, useBestBackend,
} from '@mnist-ts/lib';
import { eachArgument, exitWithError, usage, UsageError, userPath } from '../args';
import { type DrawChecker, type DrawModel, findDrawModels } from '../draw/models';
import { serveSite } from '../draw/server';
import { makeSite } from '../draw/site';
import { describeModel } from '../draw/site-manifest';
import { writeSite } from '../draw/write-site';

interface Args {
  port: number;
  host: string;
  /** The folder to write the static site into, as given. */
  build?: string;
  /** Model ids to offer ("best-cnn", "quick/lenet5"); all when empty. */
  models: string[];
}

const USAGE = () =>
  usage('draw', '[options]', [
    ['--port N', 'the port to serve on (default 0: a free one, printed)'],
    ['--host ADDRESS', 'the address to listen on (default 127.0.0.1: this computer only)'],
    ['--model ID', 'offer this saved model (a folder under models/, e.g. best-cnn or quick/lenet5); repeat for more; default all'],
    ['--build DIR', 'write the page and its models into DIR for any static host instead of serving it'],
    ['--help, -h', 'this help'],
  ]);

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 0, host: '127.0.0.1', models: [] };
  eachArgument(argv, (arg, value) => {
    if (arg === '--port') {
      const text = value();
      const port = Number(text);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs a whole number 0..65535, got "${text}"`);
      args.port = port;
    } else if (arg === '--host') args.host = value();
    else if (arg === '--model') args.models.push(value());
    else if (arg === '--build') args.build = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE());
      process.exit(0);
    } else throw new UsageError(`unknown option ${arg}`);
  });
  return args;
}

/** The saved models, training the quick CNN first when there is none at all, and the piece checker if one is saved. */
async function modelsToOffer(wanted: readonly string[]): Promise<{ models: DrawModel[]; checker?: DrawChecker }> {
  const root = modelsDir();
  let found = await findDrawModels(root);
  for (const { problem } of found.refused) console.error(`warning: not offered: ${problem}`);
  if (found.models.length === 0 && found.refused.length === 0) {
    console.log(
      `No trained model in ${displayPath(root)}/ yet, so the quick profile's CNN is trained now (well under a minute) to have one.\n` +
        'It reads digits poorly: for the real thing run `npm start` (about 13 minutes) or notebook 05, then start this again.',
    );
    const quick = await loadOrTrainBestCnn({ profile: profileByName('quick') });
    quick.model.dispose();
    found = await findDrawModels(root);
  }
  if (found.models.length === 0) throw new Error(`no model under ${displayPath(root)}/ can be loaded (see the warnings above): train one with \`npm start\``);
  const checker = found.checker;
  if (wanted.length === 0) return { models: [...found.models], checker };
  const unknown = wanted.filter((id) => !found.models.some((model) => model.entry.id === id));
  if (unknown.length > 0) {
    throw new UsageError(`no saved model ${unknown.join(', ')} under ${displayPath(root)}/; there are: ${found.models.map((model) => model.entry.id).join(', ')}`);
  }
  return { models: wanted.map((id) => found.models.find((model) => model.entry.id === id)!), checker };
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  await useBestBackend({ log: () => undefined });
  const { models, checker } = await modelsToOffer(args.models);
  const site = await makeSite(models, checker);
  console.log(checker ? `Numbers are read with the piece checker in ${checker.entry.id}/.` : 'No piece checker saved: numbers are read with the classifier alone (npm start trains one).');
  if (args.build !== undefined) {
    const bytes = await writeSite(site, userPath(args.build));
    console.log(`Wrote the draw page and ${models.length} model${models.length === 1 ? '' : 's'} (${(bytes / 1e6).toFixed(1)} MB) to ${args.build}/.`);
    console.log(`Any static file server shows it, e.g. python3 -m http.server --directory ${args.build}`);
    return;
  }
  const server = await serveSite(site, { host: args.host, port: args.port });
  console.log(`Models offered, the first loaded: ${models.map((model) => `\n  ${describeModel(model.entry)}`).join('')}`);
  console.log(`\nDraw a digit: ${server.url}\n(press Ctrl+C to stop)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => exitWithError(error, USAGE));
