/** Checks on figures shared by the chart tests: well-formed SVG, its texts, PNG headers. */
import { Resvg } from '@resvg/resvg-js';
import type { Figure } from '../../lib/charts/figure';

/** Checks that every tag is closed in order: a small XML well-formedness test. */
export function expectWellFormed(svg: string): void {
  const open: string[] = [];
  const tags = svg.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g);
  for (const [, closing, name, , selfClosing] of tags) {
    if (closing) expect(open.pop()).toBe(name);
    else if (!selfClosing) open.push(name);
  }
  expect(open).toEqual([]);
  // resvg parses the document and throws on malformed XML.
  expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow();
}

/** The texts of all <text> elements, entities decoded. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) =>
    text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
  );
}

/** Checks a PNG's signature and that its IHDR size is the figure's size times `scale`. */
export function expectPng(png: Uint8Array, figure: Figure, scale: number): void {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const header = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  expect(header.toString('latin1', 12, 16)).toBe('IHDR');
  expect(header.readUInt32BE(16)).toBe(Math.round(figure.width * scale));
  expect(header.readUInt32BE(20)).toBe(Math.round(figure.height * scale));
}
