/** The chart of chapter 03 that draws gradient descent's steps on a one-parameter loss curve. */
import { descentPathFigure } from '../lib/charts/descent-path';
import { PALETTE } from '../lib/charts/theme';
import { expectPng, expectWellFormed, texts } from './support/svg-checks';

test('descentPathFigure draws the curve in gray and each path in its palette colour, in step order', async () => {
  const loss = (w: number) => (w - 3) ** 2;
  const curve = { name: 'L(w)', points: Array.from({ length: 61 }, (_, i) => [i / 10, loss(i / 10)] as [number, number]) };
  // A zigzag: x goes 0, 5.4, 1.1 ... so a chart that sorted by x would draw another line.
  const zigzag = [0, 5.4, 1.1, 4.5, 1.9].map((w) => [w, loss(w)] as [number, number]);
  const smooth = [0, 1, 1.8, 2.4].map((w) => [w, loss(w)] as [number, number]);
  const figure = await descentPathFigure(curve, [{ name: 'η = 0.9', points: zigzag }, { name: 'η = 0.1', points: smooth }], { title: 'Steps', xLabel: 'w', yLabel: 'L(w)' });
  expectWellFormed(figure.svg);
  expectPng(figure.toPNG(), figure, 2);
  expect(texts(figure.svg)).toEqual(expect.arrayContaining(['Steps', 'w', 'L(w)', 'η = 0.9', 'η = 0.1']));
  expect(figure.svg).toContain('stroke="#999999"');
  expect(figure.svg).toContain(`stroke="${PALETTE[0]}"`);
  expect(figure.svg).toContain(`stroke="${PALETTE[1]}"`);
  expect(figure.svg.match(/aria-roledescription="line mark"/g)).toHaveLength(3);
  await expect(descentPathFigure({ name: 'a', points: [[0, 0]] }, [])).rejects.toThrow(/two points/);
  await expect(descentPathFigure(curve, [{ name: 'L(w)', points: smooth }])).rejects.toThrow(/different names/);
});
