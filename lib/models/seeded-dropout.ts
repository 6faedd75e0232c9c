import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The arguments of tfjs-layers' `tf.layers.dropout` (rate, noiseShape, name, ...). */
type DropoutLayerArgs = Parameters<typeof tfl.layers.dropout>[0];
/** The keyword arguments a layer's `call` receives (`training`, `mask`). */
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** Arguments of a seeded dropout layer: those of `tf.layers.dropout`, with the seed required. */
export type SeededDropoutArgs = Omit<DropoutLayerArgs, 'noiseShape' | 'seed'> & {
  /** Shape of the keep/drop flags, broadcast over the input; null entries take the input's size, e.g. [null, 1]. */
  readonly noiseShape?: (number | null)[];
  /** Base seed of the layer's masks; each training call draws from this seed and the call's number. */
  readonly seed: number;
};

/**
 * Inverted dropout whose masks are reproducible yet fresh on every training step.
 *
 * tfjs-layers' own Dropout either draws its masks from Math.random (no seed),
 * so a run cannot be repeated, or, given a seed, hands that same seed to the
 * random generator on every call, so it drops the same units on every step.
 * This layer counts its training calls and draws call n's mask from the
 * generator seeded with `${seed}/${n}`: two models built with the same seed
 * drop the same units step after step, and consecutive steps drop different
 * units. As in Keras, kept units are scaled by 1 / (1 - rate) during training,
 * and at inference (no `training: true` keyword) the layer is the identity.
 *
 * It serialises as the stock layer: `getClassName()` is `'Dropout'` and
 * `getConfig()` is Dropout's config (rate, noiseShape, seed, name, ...), so a
 * saved model.json loads with stock `tf.loadLayersModel` (as a plain Dropout,
 * whose seed there would give one fixed mask if that model were trained
 * further). The class is not registered for deserialisation, so stock
 * Dropout stays what `Dropout` means when loading.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export class SeededDropout extends tfl.layers.Layer {
  /** The class name written to model.json: the stock Dropout's, on purpose. */
  static readonly className = 'Dropout';
  /** Fraction of units dropped in training, clamped to [0, 1] as tfjs does; 0 or 1 drop nothing. */
  readonly rate: number;
  /** Shape of the keep/drop flags (null entries take the input's size), or undefined for the input's shape. */
  readonly noiseShape: (number | null)[] | undefined;
  /** Base seed of the masks. */
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = Math.max(Math.min(args.rate, 1), 0);
    this.noiseShape = args.noiseShape;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  /** How many masks the layer has drawn (training calls with 0 < rate < 1). */
  get trainingCalls(): number {
    return this.calls;
  }

  /** Starts the mask sequence over, as in a freshly built layer. */
  resetMaskSequence(): void {
    this.calls = 0;
  }

  /** The seed of training call `call`'s mask (0-based): distinct for every layer seed and call. */
  maskSeed(call: number): string {
    return `${this.seed}/${call}`;
  }

  /** Training (`kwargs.training` true): the input times a fresh seeded mask scaled by 1 / (1 - rate). Otherwise the input. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const input = Array.isArray(inputs) ? single(inputs) : inputs;
      // As tfjs-layers' Dropout: training mode only when the `training` keyword is set and true.
      const training = kwargs['training'] == null ? false : Boolean(kwargs['training']);
      if (!(this.rate > 0 && this.rate < 1) || !training) return input;
      const keep = 1 - this.rate;
      const noise = tf.randomUniform(this.maskShape(input), 0, 1, 'float32', this.maskSeed(this.calls++));
      // floor(u + keep) is 1 with probability keep; kept units are scaled by 1 / keep.
      const multiplier = tf.div(tf.floor(tf.add(noise, keep)), keep);
      return tf.mul(input, multiplier);
    });
  }

  /** The stock Dropout's config: rate, noiseShape, seed, and the base layer's name, trainable, ... */
  override getConfig(): tf.serialization.ConfigDict {
    // The stock Dropout's keys and values (its noiseShape is undefined when not given, as here).
    const config: tf.serialization.ConfigDict = { rate: this.rate, noiseShape: this.noiseShape as tf.serialization.ConfigDictValue, seed: this.seed };
    Object.assign(config, super.getConfig());
    return config;
  }

  private maskShape(input: tf.Tensor): number[] {
    if (this.noiseShape == null) return input.shape;
    return this.noiseShape.map((size, axis) => size ?? input.shape[axis]);
  }
}

function single(inputs: tf.Tensor[]): tf.Tensor {
  if (inputs.length !== 1) throw new Error(`Dropout expects exactly one input tensor, got ${inputs.length}`);
  return inputs[0];
}

/**
 * A dropout layer with reproducible, per-step masks (see SeededDropout); serialises as stock Dropout.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function seededDropout(args: SeededDropoutArgs): SeededDropout {
  return new SeededDropout(args);
}

/**
 * The base seed of the dropout layer at `layerIndex` in a model built with
 * `seed`: `seed * 1000 + layerIndex`, the same derivation as the layers'
 * weight initialisers (seededGlorot), unique per layer of a model with fewer
 * than 1000 layers. The masks then add the call number (see SeededDropout).
 */
export function dropoutSeed(seed: number, layerIndex: number): number {
  return seed * 1000 + layerIndex;
}
