#!/usr/bin/env node
/**
 * Registers the tslab kernel with the user's Jupyter so the notebooks open in
 * JupyterLab. Runs after `npm install`; never fails the install: without
 * Jupyter it says how to get it.
 */
import { usage } from '../args';
import { registerTslabKernel } from '../notebook/kernel';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage('prepare', '', [['--help, -h', 'this help (the command takes no options; JUPYTER names the jupyter command to ask)']]));
  process.exit(0);
}
registerTslabKernel().then(
  (message) => console.log(message),
  (error: unknown) => console.log(`Could not register the tslab kernel (${(error as Error).message}); the rest of the install is fine.`),
);
