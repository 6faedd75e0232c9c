import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { notebookDisplay } from '../notebook/display';

/**
 * A finished chart: SVG markup plus its size and title. It shows inline in a
 * notebook and saves to a file, so the same object serves a student and a report.
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

  /** Displays the figure in the notebook's output; prints a one-line note in a terminal. */
  show(): void {
    const display = notebookDisplay();
    if (display) display.svg(this.svg);
    else console.log(`[figure: ${this.title}, ${this.width}x${this.height} px]`);
  }

  /** Saves the figure as SVG (the file name's extension must be `.svg`); returns the path written. */
  async save(file: string): Promise<string> {
    if (path.extname(file).toLowerCase() !== '.svg') {
      throw new Error(`${file}: figures save as .svg`);
    }
    await writeFileAtomic(file, this.svg);
    return file;
  }
}

/** Escapes text for use inside SVG/XML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
