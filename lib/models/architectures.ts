import type * as tfl from '@tensorflow/tfjs-layers';
import type { InputLayout } from '../data/tensors';
import { buildCnn, CNN_32_64_64_LAYERS, CNN_LARGER_LAYERS, CNN_SIMPLE_LAYERS, type CnnLayer, LENET5_LAYERS } from './cnn';
import type { BuildOptions, OptimizerName } from './common';
import { buildMlp, type MlpOptions } from './mlp';

/**
 * Options of `Architecture.build`: those of every builder (seed, optimiser,
 * learning rate), plus the few hyperparameters worth varying. Anything left
 * out keeps the value the source tutorial used.
 */
export interface ArchitectureBuildOptions extends BuildOptions {
  /** Rate of the dropout layers (cnn-simple and cnn-larger; their default is 0.2); an error for the others. */
  readonly dropout?: number;
  /** Activation of the hidden layers of the MLPs (default relu); an error for the CNNs. */
  readonly activation?: MlpOptions['activation'];
}

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
  /** Batch size, epochs and optimiser of the source tutorial (build's default optimiser). */
  readonly batchSize: number;
  readonly epochs: number;
  readonly optimizer: OptimizerName;
  /**
   * How the source trained it. True (seed 000): hold out a validation split
   * and keep the weights of the epoch with the best validation accuracy.
   * False (seeds 002-004): train on every training image and keep the last epoch.
   */
  readonly keepBestEpoch: boolean;
  /**
   * A fresh, compiled model with seeded initial weights (and, for the CNNs,
   * seeded dropout masks); options override the source's hyperparameters.
   */
  build(options?: ArchitectureBuildOptions): tfl.LayersModel;
}

/** Seed 000 keeps its best epoch on a validation set; the other tutorials train on all 60,000 images. */
const keepsBestEpoch = (source: string): boolean => source === 'seed 000';

function mlp(name: string, hidden: number[], source: string, batchSize: number, epochs: number): Architecture {
  return {
    name, source, batchSize, epochs, optimizer: 'adam', inputLayout: 'flat', keepBestEpoch: keepsBestEpoch(source),
    description: `MLP 784-${hidden.join('-')}-10 (relu, softmax)`,
    build: (options = {}) => {
      if (options.dropout !== undefined) throw new Error(`${name} has no dropout layer to set the rate of`);
      return buildMlp({ ...options, hidden });
    },
  };
}

export const MLP_256_128_64 = mlp('mlp-256-128-64', [256, 128, 64], 'seed 000', 64, 10);
/** The seed-004 baseline: one hidden layer as wide as the input, Adam, batch 200, 10 epochs. */
export const MLP_784 = mlp('mlp-784', [784], 'seed 004 baseline', 200, 10);
export const MLP_512_512 = mlp('mlp-512-512', [512, 512], 'seed 003', 64, 10);

/** A CNN of the tutorials: its layers, and the batch, epochs and optimiser its source used. */
function cnn(
  name: string,
  layers: readonly CnnLayer[],
  fit: { source: string; description: string; batchSize: number; epochs: number; optimizer: OptimizerName },
): Architecture {
  return {
    name, source: fit.source, description: fit.description, batchSize: fit.batchSize, epochs: fit.epochs, optimizer: fit.optimizer,
    inputLayout: 'image', keepBestEpoch: keepsBestEpoch(fit.source),
    build: (options = {}) => {
      if (options.activation !== undefined) throw new Error(`${name}: the activation option is for the MLPs; a CNN's activations are part of its layer list`);
      return buildCnn(name.replace(/-/g, '_'), layers, { ...options, defaultOptimizer: fit.optimizer });
    },
  };
}

export const LENET5 = cnn('lenet5', LENET5_LAYERS, {
  source: 'seed 000', description: 'LeNet-5: conv 6@5x5, pool, conv 16@5x5, pool, dense 120-84 (tanh), 10',
  batchSize: 500, epochs: 10, optimizer: 'adam',
});
export const CNN_32_64_64 = cnn('cnn-32-64-64', CNN_32_64_64_LAYERS, {
  source: 'seed 002', description: 'CNN: conv 32-64-64 (3x3) with pooling, dense 64, 10',
  batchSize: 64, epochs: 5, optimizer: 'rmsprop',
});
export const CNN_SIMPLE = cnn('cnn-simple', CNN_SIMPLE_LAYERS, {
  source: 'seed 004', description: 'simple CNN: conv 32@5x5, pool, dropout 0.2, dense 128, 10',
  batchSize: 200, epochs: 10, optimizer: 'adam',
});
export const CNN_LARGER = cnn('cnn-larger', CNN_LARGER_LAYERS, {
  source: 'seed 004', description: 'larger CNN: conv 30@5x5, pool, conv 15@3x3, pool, dropout 0.2, dense 128-50, 10',
  batchSize: 200, epochs: 10, optimizer: 'adam',
});

/** Every architecture the series trains, in the order of the chapters. */
export const ARCHITECTURE_LIST: readonly Architecture[] = [MLP_256_128_64, MLP_784, MLP_512_512, LENET5, CNN_32_64_64, CNN_SIMPLE, CNN_LARGER];

/** Every architecture, by name. */
export const ARCHITECTURES: Readonly<Record<string, Architecture>> = Object.fromEntries(ARCHITECTURE_LIST.map((a) => [a.name, a]));

/**
 * Looks up an architecture by name, with an error listing the known names.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function architectureByName(name: string): Architecture {
  const found = ARCHITECTURES[name];
  if (!found) throw new Error(`unknown architecture "${name}": choose one of ${Object.keys(ARCHITECTURES).join(', ')}`);
  return found;
}
