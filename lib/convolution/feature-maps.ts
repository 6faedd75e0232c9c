import type * as tfl from '@tensorflow/tfjs-layers';
import type { Figure } from '../charts/figure';
import { stackFigures } from '../charts/stack';
import { valueMapsFigure } from '../charts/value-maps';
import { imageAt, type ImageSet } from '../data/digit-set';
import { layerActivations } from './activations';

export interface FeatureMapsOptions {
  /** Which image of the set to feed; default 0. */
  readonly index?: number;
  /** Layers to show, in order; default every convolution and pooling layer. */
  readonly layers?: readonly string[];
  /** Side in screen pixels of each drawn map; default 64. */
  readonly tileSize?: number;
  /** Maps per row; default 8. */
  readonly columns?: number;
  readonly title?: string;
}

/**
 * The feature maps one digit produces in a convolutional model: the digit,
 * then one block per layer (its name and output shape as the heading) with
 * each channel drawn as a small image, black for 0 and white for the
 * channel's largest value.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export async function featureMapsFigure(model: tfl.LayersModel, images: ImageSet, options: FeatureMapsOptions = {}): Promise<Figure> {
  const index = options.index ?? 0;
  const tileSize = options.tileSize ?? 64;
  const columns = options.columns ?? 8;
  const activations = layerActivations(model, images, { index, layers: options.layers });
  const input = await valueMapsFigure([{ values: imageAt(images, index), rows: images.rows, cols: images.cols }], {
    title: options.title ?? `What ${model.name} makes of one digit`, tileSize: tileSize * 1.5, shading: 'positive',
  });
  const blocks: Figure[] = [input];
  for (const activation of activations) {
    blocks.push(
      await valueMapsFigure(
        activation.maps.map((values, c) => ({ values, rows: activation.rows, cols: activation.cols, caption: String(c + 1) })),
        { title: `${activation.layer} (${activation.kind}): ${activation.channels} maps of ${activation.rows}×${activation.cols}`, tileSize, columns, shading: 'positive' },
      ),
    );
  }
  return stackFigures(blocks, { gap: 4, title: options.title ?? `feature maps of ${model.name}` });
}
