import * as tfl from '@tensorflow/tfjs-layers';
import { type BuildOptions, compileClassifier, seededGlorot } from './common';
import { dropoutSeed, seededDropout } from './seeded-dropout';

/** One layer of a small CNN, described as data so each architecture reads as a list. */
export type CnnLayer =
  | { readonly conv: number; readonly kernel: number; readonly activation?: 'relu' | 'tanh' }
  | { readonly pool: number }
  | { readonly dropout: number }
  | { readonly dense: number; readonly activation: 'relu' | 'tanh' };

/** Options of `buildCnn`: those of every builder, plus the architecture's defaults and overrides. */
export interface CnnOptions extends BuildOptions {
  /** Optimiser when `optimizer` is not given (the one the source tutorial used); default adam. */
  readonly defaultOptimizer?: BuildOptions['optimizer'];
  /** Rate of every dropout layer, replacing the rates in the layer list; must be in [0, 1). */
  readonly dropout?: number;
  /** How many classes the softmax output has; default 10 (the digits). Chapter 08's piece checker uses 11. */
  readonly classes?: number;
}

/**
 * A convolutional classifier for 28x28x1 images: the given layers, a flatten
 * before the first dense layer, and a softmax output (10 classes unless `options.classes` says otherwise). Weights and
 * dropout masks are seeded from `options.seed` and each layer's position, so
 * the same seed gives the same model and the same training run.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function buildCnn(name: string, layers: readonly CnnLayer[], options: CnnOptions = {}): tfl.Sequential {
  const seed = options.seed ?? 0;
  if (options.dropout !== undefined && !(options.dropout >= 0 && options.dropout < 1)) {
    throw new RangeError(`dropout rate must be in [0, 1), got ${options.dropout}`);
  }
  const classes = options.classes ?? 10;
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be a whole number of at least 2, got ${classes}`);
  if (options.dropout !== undefined && !layers.some((layer) => 'dropout' in layer)) {
    throw new Error(`${name} has no dropout layer to set the rate of`);
  }
  const model = tfl.sequential({ name });
  let flattened = false;
  const first = (i: number) => (i === 0 ? { inputShape: [28, 28, 1] } : {});
  layers.forEach((layer, i) => {
    if ('conv' in layer) {
      model.add(
        tfl.layers.conv2d({
          ...first(i), filters: layer.conv, kernelSize: layer.kernel, activation: layer.activation ?? 'relu',
          kernelInitializer: seededGlorot(seed, i), name: `conv_${i + 1}`,
        }),
      );
    } else if ('pool' in layer) {
      model.add(tfl.layers.maxPooling2d({ ...first(i), poolSize: layer.pool, name: `pool_${i + 1}` }));
    } else if ('dropout' in layer) {
      // A fresh mask per training step, drawn from the model's seed, the layer's position and the step.
      model.add(seededDropout({ ...first(i), rate: options.dropout ?? layer.dropout, seed: dropoutSeed(seed, i), name: `dropout_${i + 1}` }));
    } else {
      if (!flattened) model.add(tfl.layers.flatten({ name: 'flatten' }));
      flattened = true;
      model.add(tfl.layers.dense({ units: layer.dense, activation: layer.activation, kernelInitializer: seededGlorot(seed, i), name: `dense_${i + 1}` }));
    }
  });
  if (!flattened) model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: seededGlorot(seed, layers.length), name: 'output' }));
  compileClassifier(model, { optimizer: options.optimizer ?? options.defaultOptimizer, learningRate: options.learningRate });
  return model;
}

/** LeNet-5 as seed 000 builds it for 28x28 inputs: conv 6@5x5, pool, conv 16@5x5, pool, dense 120 and 84 (tanh), 10. */
export const LENET5_LAYERS: readonly CnnLayer[] = [
  { conv: 6, kernel: 5 }, { pool: 2 }, { conv: 16, kernel: 5 }, { pool: 2 },
  { dense: 120, activation: 'tanh' }, { dense: 84, activation: 'tanh' },
];

/** Seed 002's CNN: conv 32, 64, 64 (3x3) with pooling between, dense 64, 10: 93,322 parameters. */
export const CNN_32_64_64_LAYERS: readonly CnnLayer[] = [
  { conv: 32, kernel: 3 }, { pool: 2 }, { conv: 64, kernel: 3 }, { pool: 2 }, { conv: 64, kernel: 3 },
  { dense: 64, activation: 'relu' },
];

/** Seed 004's simple CNN: conv 32@5x5, pool, dropout 0.2, dense 128, 10. */
export const CNN_SIMPLE_LAYERS: readonly CnnLayer[] = [
  { conv: 32, kernel: 5 }, { pool: 2 }, { dropout: 0.2 }, { dense: 128, activation: 'relu' },
];

/** Seed 004's larger CNN: conv 30@5x5, pool, conv 15@3x3, pool, dropout 0.2, dense 128, dense 50, 10. */
export const CNN_LARGER_LAYERS: readonly CnnLayer[] = [
  { conv: 30, kernel: 5 }, { pool: 2 }, { conv: 15, kernel: 3 }, { pool: 2 }, { dropout: 0.2 },
  { dense: 128, activation: 'relu' }, { dense: 50, activation: 'relu' },
];
