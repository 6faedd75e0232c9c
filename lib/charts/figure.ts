import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '../base/atomic-write';
import { PNG_FONT_FAMILY } from './theme';

/**
 * A finished chart: SVG markup plus its size and title. `show(figure)` puts
 * it in a notebook's output and `figure.save(file)` writes it as SVG or PNG,
 * so the same object serves a student and a report.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export class Figure {
  constructor(
    /** The complete SVG document. */
    readonly svg: string,
    readonly width: number,
    readonly height: number,
    /** A short title, also used in terminals where the picture cannot show. */
    readonly title: string,
  ) {}

  /**
   * Rasterises the figure to PNG bytes, `scale` image pixels per SVG pixel
   * (2 gives a sharp picture on high-density screens and in documents).
   * Text uses the system's fonts; generic sans-serif falls back to DejaVu Sans.
   */
  toPNG(scale = 2): Uint8Array {
    if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`toPNG: scale must be a positive number, not ${scale}`);
    const renderer = new Resvg(this.svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: '#ffffff',
      font: { loadSystemFonts: true, defaultFontFamily: PNG_FONT_FAMILY, sansSerifFamily: PNG_FONT_FAMILY },
      logLevel: 'off',
    });
    const png = renderer.render().asPng();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  }

  /**
   * Saves the figure as SVG or PNG, chosen by the file name's extension
   * (`.svg` or `.png`, PNG at twice the size); returns the path written.
   * The file is replaced atomically, so a reader never sees half of it.
   */
  async save(file: string): Promise<string> {
    const extension = path.extname(file).toLowerCase();
    if (extension === '.svg') await writeFileAtomic(file, this.svg);
    else if (extension === '.png') await writeFileAtomic(file, this.toPNG());
    else throw new Error(`${file}: figures save as .svg or .png, not "${extension || '(no extension)'}"`);
    return file;
  }
}

/** Escapes text for use inside SVG/XML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
