#!/usr/bin/env node
/**
 * Registers the tslab kernel with the user's Jupyter so the notebooks open in
 * JupyterLab. Runs after `npm install`; never fails the install: without
 * Jupyter it says how to get it.
 */
import { registerTslabKernel } from '../notebook/kernel';

registerTslabKernel().then(
  (message) => console.log(message),
  (error: unknown) => console.log(`Could not register the tslab kernel (${(error as Error).message}); the rest of the install is fine.`),
);
