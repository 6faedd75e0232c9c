/** Chapter 03's checks: right answers pass, TODO is "not attempted", typical mistakes fail with a hint that does not give the answer. */
import { TODO } from '../lib/exercises/exercise';
import { hint, status } from './support/verdicts';

test('every exercise of chapter 03 reads TODO as not attempted', async () => {
  for (const id of ['03.1', '03.2', '03.3', '03.4', '03.5', '03.6']) expect(await status(id, TODO)).toBe('not attempted');
});

test('03.1 softmax: the stable version passes, the naive one fails on large scores', async () => {
  const stable = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const naive = (z: number[]) => {
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  expect(await status('03.1', stable)).toBe('passed');
  expect(await hint('03.1', naive)).toMatch(/not finite/);
  expect(await hint('03.1', (z: number[]) => z.map(Math.exp))).toMatch(/add up to/);
  expect(await hint('03.1', (z: number[]) => z.map(() => 1 / z.length))).toMatch(/not right yet/);
  expect(await hint('03.1', 3)).toMatch(/should be a function/);
});

test('03.2 cross-entropy: -log p[label] passes, with or without a small epsilon; wrong sign or class fails', async () => {
  expect(await status('03.2', (p: number[], label: number) => -Math.log(p[label]))).toBe('passed');
  expect(await status('03.2', (p: number[], label: number) => -Math.log(p[label] + 1e-7))).toBe('passed');
  expect(await hint('03.2', (p: number[], label: number) => Math.log(p[label]))).toMatch(/negative/);
  expect(await hint('03.2', (p: number[], label: number) => -Math.log(p[(label + 1) % p.length]))).toMatch(/another class/);
  expect(await hint('03.2', (p: number[], label: number) => 1 - p[label])).toMatch(/logarithm/);
});

test('03.3 the learning rate where gradient descent on 4(w - 1)^2 stops converging is 1/4', async () => {
  // Each step multiplies w - 1 by (1 - 8η): it shrinks while |1 - 8η| < 1.
  const converges = (rate: number) => {
    let w = 0;
    for (let i = 0; i < 200; i++) w -= rate * 8 * (w - 1);
    return Math.abs(w - 1) < 1e-6;
  };
  expect(converges(0.24)).toBe(true);
  expect(converges(0.26)).toBe(false);
  expect(await status('03.3', 0.25)).toBe('passed');
  expect(await status('03.3', 0.249)).toBe('passed');
  expect(await hint('03.3', 0.125)).toMatch(/still converges/);
  expect(await hint('03.3', 0.5)).toMatch(/already diverges/);
  expect(await hint('03.3', -1)).toMatch(/positive/);
});

test('03.4 a line fitted by gradient descent passes; too few steps or swapped numbers fail', async () => {
  const points = [[0, 1], [1, 3], [2, 4], [3, 7], [4, 9]];
  const fit = (steps: number): [number, number] => {
    let a = 0, b = 0;
    for (let s = 0; s < steps; s++) {
      let da = 0, db = 0;
      for (const [x, y] of points) {
        const error = a * x + b - y;
        da += (2 / points.length) * error * x;
        db += (2 / points.length) * error;
      }
      a -= 0.05 * da;
      b -= 0.05 * db;
    }
    return [a, b];
  };
  expect(await status('03.4', fit(2000))).toBe('passed');
  expect(await hint('03.4', fit(20))).toMatch(/not at the minimum/);
  expect(await hint('03.4', fit(2000).reverse())).toMatch(/wrong order/);
  expect(await hint('03.4', [1, 2, 3])).toMatch(/two numbers/);
});

test('03.5 one epoch of 60,000 images in batches of 64 is 938 steps', async () => {
  expect(await status('03.5', 938)).toBe('passed');
  expect(await hint('03.5', 937)).toMatch(/left over/);
  expect(await hint('03.5', 937.5)).toMatch(/whole number/);
  expect(await hint('03.5', 600)).toMatch(/not yet/);
});

test('03.6 numerical derivative: central differences pass, a one-sided difference with a large step fails', async () => {
  const central = (f: (x: number) => number, x: number) => (f(x + 1e-5) - f(x - 1e-5)) / 2e-5;
  const forward = (f: (x: number) => number, x: number) => (f(x + 1e-4) - f(x)) / 1e-4;
  expect(await status('03.6', central)).toBe('passed');
  expect(await hint('03.6', forward)).toMatch(/central difference/);
  expect(await hint('03.6', () => 'slope')).toMatch(/finite number/);
});
