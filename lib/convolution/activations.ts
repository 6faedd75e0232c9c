import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { imageAt, type ImageSet } from '../data/digit-set';

/** What one layer of a convolutional model makes of one image: its channels, height by width. */
export interface LayerActivation {
  /** The layer's name, e.g. `conv_1`. */
  readonly layer: string;
  /** The layer's class name, e.g. `Conv2D`. */
  readonly kind: string;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  /** Channel c as a row-by-row map of `rows * cols` values. */
  readonly maps: readonly Float32Array[];
}

/** Names of the layers whose output is a stack of maps (height × width × channels): convolutions and pooling. */
function mapLayerNames(model: tfl.LayersModel): string[] {
  return model.layers.filter((layer) => (layer.outputShape as (number | null)[]).length === 4).map((layer) => layer.name);
}

/**
 * Feeds one image (pixels divided by 255, as the models are trained) through
 * a model taking 28×28×1 inputs and returns the output of the named layers
 * (default: every convolution and pooling layer), each split into its channels.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function layerActivations(model: tfl.LayersModel, images: ImageSet, options: { index?: number; layers?: readonly string[] } = {}): LayerActivation[] {
  const names = options.layers ?? mapLayerNames(model);
  if (names.length === 0) throw new Error(`model ${model.name} has no layer with height × width × channels outputs`);
  const layers = names.map((name) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`model ${model.name} has no layer "${name}"; its layers are ${model.layers.map((l) => l.name).join(', ')}`);
    if ((layer.outputShape as unknown[]).length !== 4) throw new Error(`layer ${name} does not output maps (its output shape is ${JSON.stringify(layer.outputShape)})`);
    return layer;
  });
  const pixels = imageAt(images, options.index ?? 0);
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((layer) => layer.output as tfl.SymbolicTensor) });
  const input = tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [1, images.rows, images.cols, 1]);
  const outputs = [probe.predict(input)].flat() as tf.Tensor[];
  try {
    return layers.map((layer, i) => {
      const [, rows, cols, channels] = outputs[i].shape;
      const values = outputs[i].dataSync();
      const maps = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: rows * cols }, (_, p) => values[p * channels + c]));
      return { layer: layer.name, kind: layer.getClassName(), rows, cols, channels, maps };
    });
  } finally {
    tf.dispose([input, ...outputs]);
  }
}
