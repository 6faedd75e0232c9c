/**
 * A picture of every preprocessing step side by side (for chapter 07), drawn
 * with imageGrid: each step is fitted into a tile of the same size. Small
 * images (the 20x20 and 28x28 steps) are enlarged by whole pixels so their
 * pixels stay sharp squares; large ones are shrunk by area averaging.
 */
import type { Figure } from '../charts/figure';
import { imageGrid } from '../charts/image-grid';
import type { ImageSet } from '../data/digit-set';
import { createGrayImage, type GrayImage, toBytes } from './gray-image';
import type { PreprocessedDigit, PreprocessSteps } from './preprocess';
import { fitInBox } from './resize';

/** The steps in display order, with their captions. */
const STEP_CAPTIONS: Readonly<Record<keyof PreprocessSteps, string>> = {
  gray: 'grey',
  inkOnDark: 'ink on dark',
  background: 'background',
  cleaned: 'ink only',
  cropped: 'cropped',
  thickened: 'pen width',
  scaled: 'fit 20x20',
  centred: '28x28',
};

/** `image` in a `size` x `size` tile (background 0): whole-pixel enlarged when small, shrunk when large, centred. */
function tileImage(image: GrayImage, size: number): GrayImage {
  const longer = Math.max(image.width, image.height);
  let fitted: GrayImage;
  if (longer <= size) {
    const factor = Math.max(1, Math.floor(size / longer));
    fitted = createGrayImage(image.width * factor, image.height * factor);
    for (let y = 0; y < fitted.height; y++) {
      for (let x = 0; x < fitted.width; x++) fitted.pixels[y * fitted.width + x] = image.pixels[Math.floor(y / factor) * image.width + Math.floor(x / factor)];
    }
  } else {
    fitted = fitInBox(image, size);
  }
  const tile = createGrayImage(size, size);
  const left = Math.floor((size - fitted.width) / 2);
  const top = Math.floor((size - fitted.height) / 2);
  for (let y = 0; y < fitted.height; y++) tile.pixels.set(fitted.pixels.subarray(y * fitted.width, (y + 1) * fitted.width), (top + y) * size + left);
  return tile;
}

/** The steps of a preprocessed digit as equal tiles for imageGrid, with a caption each. */
function stepTiles(result: PreprocessedDigit, tileSize = 84): { images: ImageSet; captions: string[] } {
  const names = Object.keys(STEP_CAPTIONS) as (keyof PreprocessSteps)[];
  const pixels = new Uint8Array(names.length * tileSize * tileSize);
  names.forEach((name, i) => pixels.set(toBytes(tileImage(result.steps[name], tileSize)), i * tileSize * tileSize));
  const captions = names.map((name) => (name === 'inkOnDark' ? (result.inverted ? 'inverted' : 'not inverted') : STEP_CAPTIONS[name]));
  return { images: { images: pixels, count: names.length, rows: tileSize, cols: tileSize }, captions };
}

/**
 * A figure of every preprocessing step of one digit, left to right, with captions and an optional title.
 *
 * Introduced in chapter 07 (Your own handwriting, notebooks/07-your-own-handwriting.ipynb).
 */
export function stepsFigure(result: PreprocessedDigit, options: { readonly title?: string; readonly tileSize?: number; readonly scale?: number } = {}): Promise<Figure> {
  const { images, captions } = stepTiles(result, options.tileSize ?? 84);
  return imageGrid(images, { captions, columns: images.count, scale: options.scale ?? 2, title: options.title });
}
