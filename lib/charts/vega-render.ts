import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Figure } from './figure';
import { vegaLiteConfig } from './theme';

/** Labels every chart takes: a title and the names of its axes. */
export interface ChartOptions {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

/**
 * Renders a vega-lite specification, with the library's theme, to a Figure.
 * Runs headless: vega's "none" renderer writes SVG text, no browser or canvas.
 */
export async function renderVegaLite(spec: Record<string, unknown>, fallbackTitle: string): Promise<Figure> {
  const themed = { ...spec, config: vegaLiteConfig() } as unknown as TopLevelSpec;
  const compiled = compile(themed).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    const size = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    if (!size) throw new Error('renderVegaLite: vega returned SVG without a width and height');
    const title = typeof spec.title === 'string' && spec.title ? spec.title : fallbackTitle;
    return new Figure(svg, Number(size[1]), Number(size[2]), title);
  } finally {
    view.finalize();
  }
}

/** The axis title of a label, or no title when the label is missing. */
export function axisTitle(label: string | undefined): string | null {
  return label ?? null;
}
