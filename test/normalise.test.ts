/** Scaling, standardisation and pixel counts. */
import { fitStandardisation, standardise } from '../lib/data/normalise';
import { pixelValueCounts } from '../lib/data/pixel-stats';

const pixels = Uint8Array.from([0, 0, 255, 255]);

test('fitStandardisation measures mean and std on the 0-1 scale', () => {
  expect(fitStandardisation(pixels)).toEqual({ mean: 0.5, std: 0.5 });
  expect(() => fitStandardisation(Uint8Array.from([7, 7]))).toThrow('standard deviation 0');
});

test('standardise centres on 0 with spread 1', () => {
  const out = standardise(pixels, fitStandardisation(pixels));
  expect(Array.from(out)).toEqual([-1, -1, 1, 1]);
  expect(Array.from(standardise(Uint8Array.from([51]), { mean: 0.1, std: 0.5 }))).toEqual([Math.fround((0.2 - 0.1) / 0.5)]);
});

test('pixelValueCounts counts every value 0..255', () => {
  const counts = pixelValueCounts(Uint8Array.from([0, 3, 3, 255]));
  expect(counts).toHaveLength(256);
  expect([counts[0], counts[3], counts[255]]).toEqual([1, 2, 1]);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
});
