import type * as tfl from '@tensorflow/tfjs-layers';
import type { InputLayout } from '../data/tensors';
import { buildMlp } from './mlp';

/** A network of the source tutorials with the hyperparameters they used. */
export interface Architecture {
  /** Stable name used in results, figures and benchmarks, e.g. `mlp-784`. */
  readonly name: string;
  /** What it is, in a few words. */
  readonly description: string;
  /** The source tutorial it comes from. */
  readonly source: string;
  /** How images are fed: flattened rows (MLPs) or 28x28x1 (CNNs). */
  readonly inputLayout: InputLayout;
  readonly batchSize: number;
  readonly epochs: number;
  /** A fresh, compiled model with seeded initial weights. */
  build(seed?: number): tfl.LayersModel;
}

/** The seed-004 baseline: one hidden layer as wide as the input, Adam, batch 200, 10 epochs. */
export const MLP_784: Architecture = {
  name: 'mlp-784',
  description: 'MLP 784-784-10 (relu, softmax)',
  source: 'seed 004 baseline',
  inputLayout: 'flat',
  batchSize: 200,
  epochs: 10,
  build: (seed = 0) => buildMlp({ hidden: [784], seed }),
};

/** Every architecture the series trains, by name. */
export const ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  [MLP_784.name]: MLP_784,
};

/** Looks up an architecture by name, with an error listing the known names. */
export function architectureByName(name: string): Architecture {
  const found = ARCHITECTURES[name];
  if (!found) throw new Error(`unknown architecture "${name}": choose one of ${Object.keys(ARCHITECTURES).join(', ')}`);
  return found;
}
