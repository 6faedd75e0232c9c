import type * as tfl from '@tensorflow/tfjs-layers';
import type { Figure } from '../charts/figure';
import { valueMapsFigure, type ValueMap } from '../charts/value-maps';

export interface FiltersOptions {
  /** The convolution layer whose filters to draw; default the model's first Conv2D layer. */
  readonly layer?: string;
  /** Side in screen pixels of each drawn filter; default 100 for a layer over one input channel, else 56. */
  readonly tileSize?: number;
  readonly title?: string;
}

/**
 * The learned filters of a convolution layer as small images: mid-gray for a
 * weight of 0, lighter for positive weights, darker for negative ones, each
 * square scaled by its own largest magnitude. One row per filter; a filter that
 * reads several input channels shows one square per channel.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export async function filtersFigure(model: tfl.LayersModel, options: FiltersOptions = {}): Promise<Figure> {
  const layer = options.layer
    ? model.layers.find((l) => l.name === options.layer)
    : model.layers.find((l) => l.getClassName() === 'Conv2D');
  if (!layer) throw new Error(options.layer ? `model ${model.name} has no layer "${options.layer}"` : `model ${model.name} has no Conv2D layer`);
  if (layer.getClassName() !== 'Conv2D') throw new Error(`layer ${layer.name} is a ${layer.getClassName()}, not a Conv2D layer`);
  const kernel = layer.getWeights()[0];
  const [kRows, kCols, inChannels, filters] = kernel.shape;
  const weights = kernel.dataSync();
  const maps: ValueMap[] = [];
  for (let f = 0; f < filters; f++) {
    for (let c = 0; c < inChannels; c++) {
      const values = Float32Array.from({ length: kRows * kCols }, (_, p) => weights[(p * inChannels + c) * filters + f]);
      const caption = inChannels === 1 ? `filter ${f + 1}` : c === 0 ? `${f + 1}` : undefined;
      maps.push({ values, rows: kRows, cols: kCols, caption });
    }
  }
  const columns = inChannels === 1 ? Math.min(filters, 8) : inChannels;
  return valueMapsFigure(maps, {
    title: options.title ?? `${layer.name}: ${filters} learned ${kRows}×${kCols} filters${inChannels > 1 ? ` over ${inChannels} input channels (one row per filter)` : ''}`,
    tileSize: options.tileSize ?? (inChannels === 1 ? 100 : 56), columns, shading: 'signed',
  });
}
