/** Normally distributed numbers from the series' seeded generator, for weight initialisation. */
import { SeededRandom } from '../base/random';

/**
 * Draws standard normal numbers (mean 0, standard deviation 1) with the
 * Box–Muller transform: two uniform numbers give two independent normal
 * ones, so every second draw comes from the pair already made.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export class GaussianSampler {
  private spare: number | undefined;

  constructor(private readonly random: SeededRandom) {}

  /** One standard normal number. */
  next(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const u1 = 1 - this.random.next(); // in (0, 1], so the logarithm is finite
    const u2 = this.random.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `values` with independent normal numbers times `scale`, and returns it. */
  fill<T extends Float64Array | Float32Array>(values: T, scale = 1): T {
    for (let i = 0; i < values.length; i++) values[i] = scale * this.next();
    return values;
  }
}
