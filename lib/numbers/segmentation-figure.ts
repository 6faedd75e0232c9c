/**
 * Pictures of how a number was read (chapter 08): the picture, or the ink
 * alone, with what segmentation found drawn over it in colours of their own:
 * the boxes of the connected pieces of ink, the segments they were joined
 * into, the candidate cuts of each segment, the cuts chosen, the digits read
 * (box and answer) and, when known, the true digits' boxes. The picture is
 * embedded as a PNG in the SVG, so a photo with grain costs a few kilobytes
 * instead of an element per pixel.
 */
import { PNG } from 'pngjs';
import { Figure, escapeXml } from '../charts/figure';
import { FONT_FAMILY, PALETTE, RIGHT_COLOR, TEXT_COLOR, WRONG_COLOR } from '../charts/theme';
import type { Box } from '../handwriting/crop';
import { type GrayImage, toBytes } from '../handwriting/gray-image';
import type { PixelBox } from './number-set';
import type { NumberReading, SegmentSplit } from './read-number';
import type { Cut, Segmentation } from './segment';

/** What segmentationFigure can draw over the picture. */
export type SegmentationLayer = 'components' | 'segments' | 'candidates' | 'cuts' | 'digits' | 'truth';

/** How segmentationFigure draws. */
export interface SegmentationFigureOptions {
  /** Under the overlays: the picture in grey as the reader worked on it (default), or the ink alone, bright on black. */
  readonly background?: 'picture' | 'ink';
  /**
   * The overlays, drawn in this order (later ones on top); `[]` for the picture alone. Default: for
   * a reading, segments, candidates, cuts and digits; for a segmentation, components, segments (and
   * the cuts of `splits` when given); truth whenever `truth` is given.
   */
  readonly layers?: readonly SegmentationLayer[];
  /**
   * The splits whose candidate and chosen cuts the `candidates` and `cuts` layers draw; default the
   * reading's own. With a segmentation alone, these are the only cuts there are to draw (e.g. one
   * segment's candidateCuts: `[{ segment, candidates, cuts: [] }]`).
   */
  readonly splits?: readonly SegmentSplit[];
  /** The true digits' ink boxes in picture pixels (NumberSample.boxes), for the `truth` layer. */
  readonly truth?: readonly PixelBox[];
  /** The true digits as text (NumberSample.text): a digit read is captioned in green when the reading has the right length and that digit is right, else in vermilion. */
  readonly truthText?: string;
  /** Only this part of the working image (e.g. one segment's box, widened), to look closely. */
  readonly region?: Box;
  /** Screen pixels per working pixel; default the largest of 1, 1.5, 2, 3 or 4 that keeps the picture within 880 pixels wide. */
  readonly scale?: number;
  readonly title?: string;
  /** A line under the picture naming each layer's colour and count; default true. */
  readonly legend?: boolean;
}

/** Colour, line and legend text of each layer. */
const LAYER_STYLE: Readonly<Record<SegmentationLayer, { readonly color: string; readonly width: number; readonly dash?: string; readonly name: string }>> = {
  components: { color: PALETTE[4], width: 1.5, dash: '3 2', name: 'ink pieces' },
  segments: { color: PALETTE[0], width: 2, name: 'segments' },
  candidates: { color: PALETTE[1], width: 1.5, dash: '4 3', name: 'candidate cuts' },
  cuts: { color: PALETTE[3], width: 2.5, name: 'chosen cuts' },
  digits: { color: PALETTE[2], width: 1.5, name: 'digits read' },
  truth: { color: PALETTE[5], width: 1.5, dash: '2 2', name: 'true digits' },
};

const MAX_WIDTH = 880;
const LABEL_SPACE = 16;
const LEGEND_HEIGHT = 22;
const TITLE_HEIGHT = 24;

/**
 * A grey image as PNG bytes (8-bit greyscale), its values rounded and clamped
 * to 0..255: to embed a picture in a figure, or to save one (a generated
 * number, say) and read it back with readNumberFile.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function grayImageToPng(image: GrayImage): Uint8Array {
  if (image.width === 0 || image.height === 0) throw new RangeError(`grayImageToPng: the image is empty (${image.width}x${image.height})`);
  const png = new PNG({ width: image.width, height: image.height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(toBytes(image));
  const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The part of an image inside a box (clipped to the image). */
function cropTo(image: GrayImage, box: Box): GrayImage {
  const pixels = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) pixels.set(image.pixels.subarray((box.y + y) * image.width + box.x, (box.y + y) * image.width + box.x + box.width), y * box.width);
  return { width: box.width, height: box.height, pixels };
}

/** The region clipped to the image, or the whole image. */
function clipRegion(image: GrayImage, region: Box | undefined): Box {
  if (!region) return { x: 0, y: 0, width: image.width, height: image.height };
  const x = Math.max(0, Math.floor(region.x));
  const y = Math.max(0, Math.floor(region.y));
  const width = Math.min(image.width, Math.ceil(region.x + region.width)) - x;
  const height = Math.min(image.height, Math.ceil(region.y + region.height)) - y;
  if (width <= 0 || height <= 0) throw new RangeError(`segmentationFigure: the region ${region.x},${region.y} ${region.width}x${region.height} lies outside the ${image.width}x${image.height} picture`);
  return { x, y, width, height };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** A short hexadecimal hash of a text (FNV-1a, 32 bits). */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** A cut as the points of a line along the left edge of its column, row by row. */
function cutPoints(cut: Cut, top: number): [number, number][] {
  const points: [number, number][] = [];
  cut.columns.forEach((column, row) => {
    points.push([column, top + row], [column, top + row + 1]);
  });
  // Rows where the column does not change add nothing: keep the corners only.
  return points.filter((point, i) => i === 0 || i === points.length - 1 || !(points[i - 1][0] === point[0] && points[i + 1][0] === point[0]));
}

/**
 * What a reading of a number found, drawn over its picture (see the module
 * comment): pass a NumberReading (readNumber) for every layer, or a
 * Segmentation (findSegments) for the pieces and segments (and the cuts of
 * `options.splits`). The default layers are those there is something to draw
 * for: the segments, the cuts and the digits of a reading (with the true boxes
 * when given), the pieces and segments of a segmentation. Everything
 * is drawn in the working image's pixels (`segmentation.scale` times the
 * picture's), the digits' and the true boxes converted to them. Each overlay
 * element carries its layer as its class (`class="cuts"`), and the legend
 * counts them; with a `region`, only those reaching into it are drawn and counted.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export async function segmentationFigure(input: NumberReading | Segmentation, options: SegmentationFigureOptions = {}): Promise<Figure> {
  const reading = 'segmentation' in input ? input : undefined;
  const segmentation = reading ? reading.segmentation : (input as Segmentation);
  const splits = options.splits ?? reading?.splits;
  const layers = options.layers ?? [
    ...(reading ? [] : (['components'] as const)),
    'segments' as const,
    ...(splits ? (['candidates', 'cuts'] as const) : []),
    ...(reading ? (['digits'] as const) : []),
    ...(options.truth ? (['truth'] as const) : []),
  ];
  for (const layer of layers) {
    if (!(layer in LAYER_STYLE)) throw new RangeError(`segmentationFigure: unknown layer ${JSON.stringify(layer)} (known: ${Object.keys(LAYER_STYLE).join(', ')})`);
    if (!splits && (layer === 'candidates' || layer === 'cuts')) throw new Error(`segmentationFigure: the ${layer} layer needs splits: a reading (readNumber's result) or options.splits`);
    if (!reading && layer === 'digits') throw new Error('segmentationFigure: the digits layer needs a reading (readNumber\'s result), not a segmentation alone');
    if (layer === 'truth' && !options.truth) throw new Error('segmentationFigure: the truth layer needs options.truth (the true digits\' boxes)');
  }
  const picture = options.background === 'ink' ? segmentation.cleaned : segmentation.gray;
  const region = clipRegion(picture, options.region);
  const scale = options.scale ?? ([4, 3, 2, 1.5, 1].find((s) => s * region.width <= MAX_WIDTH) ?? MAX_WIDTH / region.width);
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`segmentationFigure: scale must be a positive number, not ${scale}`);
  const titleHeight = options.title ? TITLE_HEIGHT : 0;
  const labelSpace = layers.includes('digits') ? LABEL_SPACE : 4;
  const legend = options.legend ?? true;
  const pad = 6;
  const imageWidth = round2(region.width * scale);
  const imageHeight = round2(region.height * scale);
  const legendWidth = (texts: readonly string[]) => texts.reduce((sum, text) => sum + 22 + 6.5 * text.length + 14, pad);
  const titleWidth = options.title ? 9.5 * options.title.length + 2 * pad : 0;
  const width = Math.ceil(Math.max(imageWidth + 2 * pad, 320, titleWidth, legend ? legendWidth(layers.map((layer) => `${LAYER_STYLE[layer].name} (000)`)) : 0));
  const left = round2((width - imageWidth) / 2);
  const top = titleHeight + labelSpace;
  const height = Math.ceil(top + imageHeight + (legend ? LEGEND_HEIGHT : 0) + pad);
  // Working pixels to figure pixels.
  const fx = (x: number) => round2(left + (x - region.x) * scale);
  const fy = (y: number) => round2(top + (y - region.y) * scale);
  const toWorking = (box: PixelBox): Box => ({ x: box[0] * segmentation.scale, y: box[1] * segmentation.scale, width: box[2] * segmentation.scale, height: box[3] * segmentation.scale });

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title) parts.push(`<text x="${width / 2}" y="17" text-anchor="middle" font-size="15" font-weight="bold" fill="${TEXT_COLOR}">${escapeXml(options.title)}</text>`);
  const png = Buffer.from(grayImageToPng(cropTo(picture, region))).toString('base64');
  parts.push(`<image x="${left}" y="${top}" width="${imageWidth}" height="${imageHeight}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,${png}"/>`);
  // Overlays reaching outside the region are clipped. A notebook shows many figures in one page, where
  // SVG ids are shared: the clip's id is made from the picture and the region, so two figures share it
  // only when they would clip alike.
  const clipId = `picture-${hashText(`${png}:${region.x},${region.y},${region.width},${region.height}:${scale}:${top}:${left}`)}`;
  parts.push(`<clipPath id="${clipId}"><rect x="${left}" y="${top - labelSpace}" width="${imageWidth}" height="${imageHeight + labelSpace}"/></clipPath>`, `<g clip-path="url(#${clipId})">`);

  const counts = new Map<SegmentationLayer, number>();
  // Only what reaches into the region is drawn and counted.
  const inRegion = (box: Box) => box.x < region.x + region.width && box.x + box.width > region.x && box.y < region.y + region.height && box.y + box.height > region.y;
  const rect = (layer: SegmentationLayer, box: Box): string => {
    if (!inRegion(box)) return '';
    const style = LAYER_STYLE[layer];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    return `<rect class="${layer}" x="${fx(box.x)}" y="${fy(box.y)}" width="${round2(box.width * scale)}" height="${round2(box.height * scale)}" fill="none" stroke="${style.color}" stroke-width="${style.width}"${dash}/>`;
  };
  const line = (layer: SegmentationLayer, cut: Cut, segmentTop: number): string => {
    const leftmost = Math.min(...cut.columns);
    if (!inRegion({ x: leftmost, y: segmentTop, width: Math.max(...cut.columns) - leftmost + 1, height: cut.columns.length })) return '';
    const style = LAYER_STYLE[layer];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    const points = cutPoints(cut, segmentTop).map(([x, y]) => `${fx(x)},${fy(y)}`).join(' ');
    return `<polyline class="${layer}" points="${points}" fill="none" stroke="${style.color}" stroke-width="${style.width}"${dash} stroke-linejoin="round"/>`;
  };
  for (const layer of layers) {
    const drawn: string[] = [];
    if (layer === 'components') for (const piece of segmentation.components) drawn.push(rect(layer, piece.box));
    else if (layer === 'segments') for (const segment of segmentation.segments) drawn.push(rect(layer, segment.box));
    else if (layer === 'candidates' || layer === 'cuts') {
      for (const split of splits!) for (const cut of layer === 'cuts' ? split.cuts : split.candidates) drawn.push(line(layer, cut, split.segment.box.y));
    } else if (layer === 'truth') for (const box of options.truth!) drawn.push(rect(layer, toWorking(box)));
    else {
      const lengthRight = options.truthText !== undefined && options.truthText.length === reading!.digits.length;
      reading!.digits.forEach((digit, i) => {
        const box = toWorking(digit.box);
        const right = options.truthText === undefined ? undefined : lengthRight && options.truthText[i] === String(digit.digit);
        const color = right === undefined ? TEXT_COLOR : right ? RIGHT_COLOR : WRONG_COLOR;
        if (!inRegion(box)) return;
        drawn.push(rect(layer, box));
        const label = `${digit.digit} ${Math.floor(100 * digit.confidence)}%`;
        drawn.push(`<text class="digit-label" x="${round2(fx(box.x) + (box.width * scale) / 2)}" y="${round2(fy(box.y) - 4)}" text-anchor="middle" font-size="12" font-weight="bold" fill="${color}">${escapeXml(label)}</text>`);
      });
    }
    counts.set(layer, drawn.filter((element) => element.startsWith('<rect') || element.startsWith('<polyline')).length);
    parts.push(...drawn.filter((element) => element !== ''));
  }
  parts.push('</g>');

  if (legend) {
    let x = pad;
    const y = top + imageHeight + 16;
    for (const layer of layers) {
      const style = LAYER_STYLE[layer];
      const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
      const text = `${style.name} (${counts.get(layer)})`;
      parts.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${style.color}" stroke-width="${Math.max(2, style.width)}"${dash}/>`);
      parts.push(`<text class="legend" x="${x + 22}" y="${y}" font-size="11" fill="${TEXT_COLOR}">${escapeXml(text)}</text>`);
      x += 22 + 6.5 * text.length + 14;
    }
  }
  parts.push('</svg>');
  return new Figure(parts.join('\n'), width, height, options.title ?? 'segmentation');
}
