/**
 * Cast for the wasm backend: to the same dtype the output shares its input's
 * buffer, and to 'bool' values become value != 0 (see shared_buffer.ts).
 */
import { Cast } from '@tensorflow/tfjs-core';

import type { TrainingKernel } from '../kernel_utils';
import { makeSharing } from './shared_buffer';

/** Cast, replacing tfjs-backend-wasm's for the same dtype and for 'bool'; other casts still go to it. */
export const castKernel: TrainingKernel = { kernelName: Cast, replaces: true, makeKernelFunc: makeSharing(Cast) };
