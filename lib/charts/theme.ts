/**
 * The one look shared by every chart of the library: fonts, sizes, colours.
 * Change a value here and all charts follow.
 */

/**
 * Okabe-Ito colours, chosen to stay distinguishable with the common forms of
 * colour blindness (black left out: it is kept for text).
 */
export const PALETTE: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#999999'];

/** Caption colours in image grids: a right prediction and a wrong one (from the palette). */
export const RIGHT_COLOR = '#009E73';
export const WRONG_COLOR = '#D55E00';

/** Text colour on light and on dark backgrounds. */
export const TEXT_COLOR = '#222222';
export const TEXT_ON_DARK = '#ffffff';

/** Fonts as SVG names them; viewers pick the first they have. */
export const FONT_FAMILY = 'Helvetica, Arial, DejaVu Sans, sans-serif';
/** The family PNG rendering uses for "sans-serif" and unknown names (installed on Debian/Ubuntu). */
export const PNG_FONT_FAMILY = 'DejaVu Sans';

const TITLE_FONT_SIZE = 16;
const AXIS_TITLE_FONT_SIZE = 13;
export const LABEL_FONT_SIZE = 11;

/** Size of a chart's plotting area in pixels (axes, legend and title come on top). */
export const PLOT_WIDTH = 480;
export const PLOT_HEIGHT = 300;

/** The sequential colour scheme of heatmaps (light = low, dark = high). */
export const HEATMAP_SCHEME = 'blues';

/** The theme as a vega-lite `config` block. */
export function vegaLiteConfig(): Record<string, unknown> {
  return {
    background: '#ffffff',
    padding: 12,
    font: FONT_FAMILY,
    view: { stroke: null },
    title: { fontSize: TITLE_FONT_SIZE, fontWeight: 'bold', color: TEXT_COLOR, anchor: 'middle', offset: 12 },
    axis: {
      titleFontSize: AXIS_TITLE_FONT_SIZE,
      titleFontWeight: 'normal',
      titleColor: TEXT_COLOR,
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: TEXT_COLOR,
      domainColor: '#888888',
      tickColor: '#888888',
      gridColor: '#e8e8e8',
    },
    legend: { titleFontSize: AXIS_TITLE_FONT_SIZE, labelFontSize: 12, labelColor: TEXT_COLOR, symbolSize: 120 },
    range: { category: [...PALETTE] },
    mark: { color: PALETTE[0] },
  };
}
