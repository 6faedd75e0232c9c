import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, type RegistrationReport } from 'tfjs-backend-wasm-training';

/** The TensorFlow.js backends lib can run on, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'wasm-stock', 'cpu'] as const;

/**
 * `tensorflow` is tfjs-node (native libtensorflow), `wasm` WebAssembly with
 * XNNPACK plus the training kernels of tfjs-backend-wasm-training, `wasm-stock`
 * the wasm backend exactly as tfjs ships it (for comparison: it cannot train
 * CNNs), `cpu` plain JavaScript.
 */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Environment variable that forces a backend. */
export const BACKEND_ENV = 'MNIST_BACKEND';

/** What `useBestBackend` chose and why. */
export interface BackendChoice {
  readonly name: BackendName;
  /** One line for people: the backend and why it was chosen. */
  readonly description: string;
  /** Kernels lib registered on this backend (empty unless wasm). */
  readonly addedKernels: readonly string[];
}

export interface BackendOptions {
  /** Force this backend; defaults to the MNIST_BACKEND environment variable, else the fastest available. */
  readonly backend?: BackendName;
  /** Where to report the choice; defaults to console.log. Pass `null` to stay silent. */
  readonly log?: ((line: string) => void) | null;
}

/**
 * Parses a backend name, with a clear error listing the valid ones.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function parseBackendName(name: string): BackendName {
  const key = name.trim().toLowerCase();
  const alias = key === 'tfjs-node' || key === 'node' ? 'tensorflow' : key;
  if ((BACKEND_NAMES as readonly string[]).includes(alias)) return alias as BackendName;
  throw new Error(`unknown backend "${name}": choose one of ${BACKEND_NAMES.join(', ')}`);
}

/** Loads tfjs-node if it is installed; returns the reason when it cannot. */
function loadTfjsNode(): string | undefined {
  try {
    require('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') ? undefined : 'tfjs-node loaded but registered no backend';
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'MODULE_NOT_FOUND' ? 'tfjs-node is not installed' : `tfjs-node failed to load (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Loads tfjs's cpu and wasm backends (their factories and stock kernels).
 * Done on first use rather than on import, so that importing the library
 * changes nothing in TensorFlow.js until a backend is asked for.
 */
export function loadBackends(): void {
  require('@tensorflow/tfjs-backend-cpu');
  require('@tensorflow/tfjs-backend-wasm');
}

/**
 * Stops the cpu backend's one-time advert for tfjs-node (a console warning on
 * its first tensor): lib already says which backend runs and why.
 */
export function quietCpuBackend(): void {
  loadBackends();
  (tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null)!.firstUse = false;
}

/** Activates a backend; on wasm registers the training kernels first, on wasm-stock puts tfjs's own kernels back. */
async function activate(name: BackendName): Promise<RegistrationReport> {
  loadBackends();
  const report = name === 'wasm' ? registerWasmTrainingKernels() : { registered: [] };
  if (name === 'wasm-stock') unregisterWasmTrainingKernels();
  const tfName = name === 'wasm-stock' ? 'wasm' : name;
  if (!(await tf.setBackend(tfName))) throw new Error(`the ${name} backend failed to initialise`);
  if (name === 'cpu') quietCpuBackend();
  return report;
}

/**
 * Picks and activates a backend: the forced one (option or MNIST_BACKEND),
 * else tfjs-node when it is installed, else wasm, else cpu. On wasm it first
 * registers the training kernels tfjs lacks. Reports the choice in one line.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export async function useBestBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const log = options.log === undefined ? console.log : options.log;
  const envValue = process.env[BACKEND_ENV];
  const forced = options.backend ?? (envValue ? parseBackendName(envValue) : undefined);

  let name: BackendName;
  let why: string;
  if (forced) {
    if (forced === 'tensorflow') {
      const problem = loadTfjsNode();
      if (problem) throw new Error(`backend "tensorflow" was requested but ${problem}`);
    }
    name = forced;
    why = options.backend ? 'requested' : `forced by ${BACKEND_ENV}`;
  } else {
    const problem = loadTfjsNode();
    if (!problem) {
      name = 'tensorflow';
      why = 'tfjs-node is installed';
    } else {
      name = 'wasm';
      why = `${problem}; wasm is the fastest backend npm alone installs`;
    }
  }

  // A forced backend must start; a chosen one falls back to the next in line (wasm, then cpu).
  const fallbacks: BackendName[] = forced ? [] : (['wasm', 'cpu'] as BackendName[]).filter((b) => b !== name);
  let report: RegistrationReport | undefined;
  while (report === undefined) {
    try {
      report = await activate(name);
    } catch (error) {
      const next = fallbacks.shift();
      if (!next) throw error;
      why = `${name} failed to start (${(error as Error).message}); ${next} is the fallback`;
      name = next;
    }
  }
  const refused = report.refused ? `; training kernels not registered: ${report.refused}` : '';
  const description = `TensorFlow.js backend: ${name} (${why}${refused})`;
  log?.(description);
  return { name, description, addedKernels: report.registered };
}
