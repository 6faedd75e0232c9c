import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { WasmAdamOptimizer } from 'tfjs-backend-wasm-training';

/** Optimisers the series' tutorials use. */
export type OptimizerName = 'adam' | 'rmsprop' | 'sgd';

/** Options every model builder takes. */
export interface BuildOptions {
  /** Seed of the weight initialisers (and dropout), so the same seed gives the same model; default 0. */
  readonly seed?: number;
  /** Optimiser; each builder defaults to what its tutorial used. */
  readonly optimizer?: OptimizerName;
  /** Learning rate; default: the optimiser's usual default (0.001 for Adam and RMSprop, 0.01 for SGD). */
  readonly learningRate?: number;
}

/**
 * A glorot-uniform initialiser whose seed is derived from the model's seed and the layer's position.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function seededGlorot(seed: number, layerIndex: number): ReturnType<typeof tfl.initializers.glorotUniform> {
  return tfl.initializers.glorotUniform({ seed: seed * 1000 + layerIndex });
}

function makeOptimizer(name: OptimizerName, learningRate?: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      // tfjs's Adam (Keras defaults: beta 0.9 / 0.999, epsilon 1e-7), one pass per weight on wasm.
      return new WasmAdamOptimizer(learningRate ?? 0.001, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate ?? 0.001);
    case 'sgd':
      return tf.train.sgd(learningRate ?? 0.01);
  }
}

/**
 * Compiles a classifier: the chosen optimiser (default Adam), categorical
 * cross-entropy and accuracy.
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
 */
export function compileClassifier(model: tfl.LayersModel, options: Omit<BuildOptions, 'seed'> = {}): void {
  model.compile({ optimizer: makeOptimizer(options.optimizer ?? 'adam', options.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}
