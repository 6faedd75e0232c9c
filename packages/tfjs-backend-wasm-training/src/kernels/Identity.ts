/**
 * Identity for the wasm backend: the output shares its input's buffer (see
 * shared_buffer.ts) where tfjs-backend-wasm copies it.
 */
import { Identity } from '@tensorflow/tfjs-core';

import type { TrainingKernel } from '../kernel_utils';
import { makeSharing } from './shared_buffer';

/** Identity, replacing tfjs-backend-wasm's copy; string tensors still go to it. */
export const identityKernel: TrainingKernel = { kernelName: Identity, replaces: true, makeKernelFunc: makeSharing(Identity) };
