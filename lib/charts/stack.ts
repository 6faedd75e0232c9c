import { Figure } from './figure';

/** The attributes of an SVG document's root element, minus its size, placed at (x, y). */
function placeAt(svg: string, x: number, y: number): string {
  const body = svg.replace(/^\s*<\?xml[^>]*>\s*/, '');
  return body.replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
}

/**
 * Stacks figures top to bottom into one figure (one SVG document), e.g. a
 * progress bar above training curves, so that a single notebook output can
 * show both and be redrawn in place.
 */
export function stackFigures(figures: readonly Figure[], options: { gap?: number; title?: string } = {}): Figure {
  if (figures.length === 0) throw new Error('stackFigures: no figures');
  const gap = options.gap ?? 8;
  const width = Math.max(...figures.map((f) => f.width));
  let y = 0;
  const parts: string[] = [];
  for (const figure of figures) {
    parts.push(placeAt(figure.svg, 0, y));
    y += figure.height + gap;
  }
  const height = y - gap;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}</svg>`;
  return new Figure(svg, width, height, options.title ?? figures.map((f) => f.title).join(' / '));
}
