/**
 * Turning drawn strokes into something that looks like a photo or scan of
 * paper: ink of some colour and pressure on coloured paper, uneven lighting,
 * grain and specks of dirt, or a transparent background. Used by
 * make-samples.ts.
 */
import { SeededRandom } from '@mnist-ts/lib';
import { gaussian } from './sample-strokes';

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** How the paper and ink look. */
export interface PaperOptions {
  /** Colour of the paper (or board) and of the ink (or chalk). */
  readonly paper: Rgb;
  readonly ink: Rgb;
  /** Opacity of the ink where the pen passed fully, 0..1; default 0.95. It varies by up to ±15% along the strokes like pen pressure. */
  readonly inkStrength?: number;
  /** Uneven lighting: the brightness falls by `strength` (0..1) across the picture in the direction `angle` (degrees, 0 = to the right, 90 = down). */
  readonly lighting?: { readonly strength: number; readonly angle: number };
  /** Grain: standard deviation of random noise added to every pixel, in grey levels; default 0. */
  readonly noise?: number;
  /** Number of small dark specks (dust) scattered on the paper; default 0. */
  readonly specks?: number;
  /** Leave the paper out: transparent background, the ink's coverage as its alpha. */
  readonly transparent?: boolean;
  readonly seed: number;
}

/** A smooth random field of values in about -1..1 (a few crossing waves), for pen pressure. */
function smoothField(random: SeededRandom, width: number, height: number): (x: number, y: number) => number {
  const waves = Array.from({ length: 3 }, () => ({
    fx: (random.next() * 4 + 1) / Math.max(width, height),
    fy: (random.next() * 4 + 1) / Math.max(width, height),
    phase: random.next() * 2 * Math.PI,
  }));
  return (x, y) => waves.reduce((sum, w) => sum + Math.sin(2 * Math.PI * (w.fx * x + w.fy * y) + w.phase), 0) / waves.length;
}

/**
 * Lays ink onto paper. `coverage` (0..1 per pixel, row by row) says how much
 * of each pixel the pen covered, e.g. the alpha channel of rendered strokes.
 * Returns RGBA bytes.
 */
export function inkOnPaper(coverage: Float32Array, width: number, height: number, options: PaperOptions): Uint8Array {
  const random = new SeededRandom(options.seed);
  const pressure = smoothField(random, width, height);
  const strength = options.inkStrength ?? 0.95;
  const noise = options.noise ?? 0;
  const angle = ((options.lighting?.angle ?? 0) * Math.PI) / 180;
  const fall = options.lighting?.strength ?? 0;
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  // Project the corners on the lighting direction, so the brightness runs from 1 to 1 - fall across the picture.
  const projections = [0, width * ux, height * uy, width * ux + height * uy];
  const low = Math.min(...projections);
  const span = Math.max(...projections) - low || 1;

  const paper = new Float32Array(width * height); // darkening by specks, 0..1
  for (let s = 0; s < (options.specks ?? 0); s++) {
    const cx = random.next() * width;
    const cy = random.next() * height;
    const radius = 0.6 + random.next() * 1.2;
    const darkness = 0.3 + random.next() * 0.4;
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        paper[y * width + x] = Math.max(paper[y * width + x], darkness * Math.min(1, Math.max(0, radius + 0.5 - d)));
      }
    }
  }

  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const opacity = Math.min(1, coverage[i] * strength * (1 + 0.15 * pressure(x, y)));
      const light = 1 - (fall * ((x + 0.5) * ux + (y + 0.5) * uy - low)) / span;
      const grain = noise > 0 ? gaussian(random, noise) : 0;
      for (let c = 0; c < 3; c++) {
        if (options.transparent) {
          out[i * 4 + c] = options.ink[c];
        } else {
          const surface = options.paper[c] * (1 - paper[i] * 0.7);
          out[i * 4 + c] = clampByte((surface * (1 - opacity) + options.ink[c] * opacity) * light + grain);
        }
      }
      out[i * 4 + 3] = options.transparent ? clampByte(opacity * 255) : 255;
    }
  }
  return out;
}

function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}
