#!/usr/bin/env node
/**
 * Registers the tslab kernel with the user's Jupyter so the notebooks open in
 * JupyterLab. Runs after `npm install`; never fails the install: without
 * Jupyter it says how to get it.
 */
import * as path from 'node:path';
import { installedKernels, jupyterDataDir, writeTslabKernelSpec } from '../notebook/kernel';

async function main(): Promise<void> {
  const dataDir = await jupyterDataDir();
  if (!dataDir) {
    console.log(
      'Jupyter was not found, so the TypeScript (tslab) kernel was not registered. To open the notebooks, install ' +
        'JupyterLab ("pip install jupyterlab", or on Debian/Ubuntu "sudo apt-get install jupyter-notebook") and run "npm install" again.',
    );
    return;
  }
  if ((await installedKernels()).includes('tslab')) {
    console.log('Jupyter already has a tslab kernel; the notebooks use it.');
    return;
  }
  const file = await writeTslabKernelSpec(dataDir, 'tslab');
  console.log(`Registered the TypeScript kernel for Jupyter: ${path.dirname(file)}`);
}

main().catch((error: unknown) => {
  console.log(`Could not register the tslab kernel (${(error as Error).message}); the rest of the install is fine.`);
});
