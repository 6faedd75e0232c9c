import * as tfl from '@tensorflow/tfjs-layers';
import { type BuildOptions, compileClassifier, seededGlorot } from './common';

export interface MlpOptions extends BuildOptions {
  /** Units of each hidden layer, in order, e.g. [784] or [256, 128, 64]. */
  readonly hidden: readonly number[];
  /** Inputs per example; default 784 (a flattened 28x28 image). */
  readonly inputSize?: number;
  /** Output classes; default 10. */
  readonly classes?: number;
  /** Activation of the hidden layers; default relu. */
  readonly activation?: 'relu' | 'tanh' | 'sigmoid';
}

/**
 * A multilayer perceptron for classification: dense hidden layers, then a
 * softmax output, compiled with categorical cross-entropy (Adam by default).
 *
 * Introduced in chapter 04 (Multilayer perceptrons, notebooks/04-multilayer-perceptrons.ipynb).
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
        kernelInitializer: seededGlorot(seed, i),
        name: isOutput ? 'output' : `hidden_${i + 1}`,
      }),
    );
  });
  compileClassifier(model, { optimizer: options.optimizer, learningRate: options.learningRate });
  return model;
}
