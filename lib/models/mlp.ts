import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface MlpOptions {
  /** Units of each hidden layer, in order, e.g. [784] or [256, 128, 64]. */
  readonly hidden: readonly number[];
  /** Inputs per example; default 784 (a flattened 28x28 image). */
  readonly inputSize?: number;
  /** Output classes; default 10. */
  readonly classes?: number;
  /** Activation of the hidden layers; default relu. */
  readonly activation?: 'relu' | 'tanh' | 'sigmoid';
  /** Adam's learning rate; default 0.001 (Keras's and tfjs's default). */
  readonly learningRate?: number;
  /** Seed of the weight initialisers, so the same seed gives the same starting weights; default 0. */
  readonly seed?: number;
}

/**
 * A multilayer perceptron for classification: dense hidden layers, then a
 * softmax output, compiled with Adam and categorical cross-entropy.
 */
export function buildMlp(options: MlpOptions): tfl.Sequential {
  const seed = options.seed ?? 0;
  const model = tfl.sequential({ name: `mlp_${options.hidden.join('_')}` });
  const sizes = [...options.hidden, options.classes ?? 10];
  sizes.forEach((units, i) => {
    const isOutput = i === sizes.length - 1;
    model.add(
      tfl.layers.dense({
        units,
        activation: isOutput ? 'softmax' : (options.activation ?? 'relu'),
        inputShape: i === 0 ? [options.inputSize ?? 784] : undefined,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + i }),
        biasInitializer: 'zeros',
        name: isOutput ? 'output' : `hidden_${i + 1}`,
      }),
    );
  });
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 0.001),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
