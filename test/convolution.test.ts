/** Chapter 05's convolution code: cross-correlation, output sizes, layer activations and the figures of maps and filters. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { valueMapsFigure } from '../lib/charts/value-maps';
import { layerActivations } from '../lib/convolution/activations';
import { convOutputSize, crossCorrelate } from '../lib/convolution/cross-correlate';
import { featureMapsFigure } from '../lib/convolution/feature-maps';
import { filtersFigure } from '../lib/convolution/filters';
import { firstImages, imageMatrix, type DigitSet } from '../lib/data/digit-set';
import { loadMnist } from '../lib/data/mnist';
import { LENET5 } from '../lib/models/architectures';
import { expectPng, expectWellFormed, texts } from './support/svg-checks';

let digits: DigitSet;

beforeAll(async () => {
  await tf.setBackend('cpu');
  digits = firstImages((await loadMnist()).test, 3);
});

const SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];

/** tf.conv2d of one 2-D input with one 2-D kernel, as nested arrays. */
function tfConv(input: number[][], kernel: number[][], stride: number, padding: number): number[][] {
  return tf.tidy(() => {
    const x = tf.reshape(tf.tensor2d(input), [1, input.length, input[0].length, 1]) as tf.Tensor4D;
    const k = tf.reshape(tf.tensor2d(kernel), [kernel.length, kernel[0].length, 1, 1]) as tf.Tensor4D;
    const y = tf.conv2d(x, k, stride, padding === 0 ? 'valid' : [[0, 0], [padding, padding], [padding, padding], [0, 0]]);
    return (tf.squeeze(y, [0, 3]) as tf.Tensor2D).arraySync();
  });
}

test('crossCorrelate on a real digit equals tf.conv2d, with and without stride and padding', () => {
  const digit = imageMatrix(digits, 0).map((row) => row.map((v) => v / 255));
  const kernel5 = Array.from({ length: 5 }, (_, a) => Array.from({ length: 5 }, (_, b) => Math.sin(a * 5 + b)));
  for (const [kernel, stride, padding] of [[SOBEL_X, 1, 0], [SOBEL_X, 2, 1], [kernel5, 1, 2], [kernel5, 3, 0]] as const) {
    const ours = crossCorrelate(digit, kernel as number[][], { stride, padding });
    const theirs = tfConv(digit, kernel as number[][], stride, padding);
    expect(ours.length).toBe(theirs.length);
    expect(ours[0].length).toBe(theirs[0].length);
    ours.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(theirs[i][j], 4)));
  }
});

test('a vertical-edge filter answers left edges positively, right edges negatively, flat areas with 0', () => {
  const bar = Array.from({ length: 8 }, () => [0, 0, 0, 1, 1, 1, 0, 0]);
  const out = crossCorrelate(bar, SOBEL_X);
  expect(out[2]).toEqual([0, 4, 4, 0, -4, -4]);
});

test('convOutputSize follows floor((n + 2p - k) / s) + 1 and refuses windows that do not fit', () => {
  expect(convOutputSize(28, 5)).toBe(24);
  expect(convOutputSize(32, 5)).toBe(28);
  expect(convOutputSize(28, 3, { padding: 1 })).toBe(28);
  expect(convOutputSize(28, 3, { stride: 2, padding: 1 })).toBe(14);
  expect(convOutputSize(24, 2, { stride: 2 })).toBe(12);
  expect(convOutputSize(13, 2, { stride: 2 })).toBe(6);
  expect(() => convOutputSize(4, 5)).toThrow(/does not fit/);
  expect(() => convOutputSize(28, 3, { stride: 0 })).toThrow(/stride/);
  expect(() => crossCorrelate([[1, 2], [3]], SOBEL_X)).toThrow(/same length/);
});

test('layerActivations gives every conv and pool layer of LeNet-5, and conv_1 is relu(cross-correlation + bias)', () => {
  const model = LENET5.build({ seed: 3 });
  const activations = layerActivations(model, digits, { index: 1 });
  expect(activations.map((a) => [a.layer, a.kind, a.rows, a.cols, a.channels])).toEqual([
    ['conv_1', 'Conv2D', 24, 24, 6], ['pool_2', 'MaxPooling2D', 12, 12, 6], ['conv_3', 'Conv2D', 8, 8, 16], ['pool_4', 'MaxPooling2D', 4, 4, 16],
  ]);
  const [kernel, bias] = model.getLayer('conv_1').getWeights();
  const k = kernel.arraySync() as number[][][][];
  const b = bias.dataSync();
  const digit = imageMatrix(digits, 1).map((row) => row.map((v) => v / 255));
  for (const channel of [0, 5]) {
    const expected = crossCorrelate(digit, k.map((row) => row.map((cell) => cell[0][channel]))).flat().map((v) => Math.max(0, v + b[channel]));
    const got = activations[0].maps[channel];
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  }
  // Max pooling: each pooled value is the largest of its 2x2 block.
  const conv = activations[0].maps[2];
  expect(activations[1].maps[2][12 * 5 + 7]).toBeCloseTo(Math.max(conv[24 * 10 + 14], conv[24 * 10 + 15], conv[24 * 11 + 14], conv[24 * 11 + 15]), 6);
  expect(() => layerActivations(model, digits, { layers: ['dense_5'] })).toThrow(/does not output maps/);
  expect(() => layerActivations(model, digits, { layers: ['nope'] })).toThrow(/no layer "nope"/);
  model.dispose();
});

test('featureMapsFigure draws the digit and one block per layer, with its shape in the heading', async () => {
  const model = LENET5.build();
  const figure = await featureMapsFigure(model, digits, { index: 0, layers: ['conv_1', 'pool_2'] });
  expectWellFormed(figure.svg);
  expectPng(figure.toPNG(1), figure, 1);
  const words = texts(figure.svg);
  expect(words).toEqual(expect.arrayContaining(['conv_1 (Conv2D): 6 maps of 24×24', 'pool_2 (MaxPooling2D): 6 maps of 12×12']));
  expect(words.filter((w) => /^\d+$/.test(w))).toHaveLength(12);
  model.dispose();
});

test('filtersFigure draws each filter of a layer, one square per input channel, and refuses other layers', async () => {
  const model = LENET5.build();
  const first = await filtersFigure(model);
  expectWellFormed(first.svg);
  expect(texts(first.svg).filter((w) => w.startsWith('filter '))).toHaveLength(6);
  expect(first.title).toMatch(/conv_1: 6 learned 5×5 filters/);
  const second = await filtersFigure(model, { layer: 'conv_3' });
  expect((second.svg.match(/stroke="#999999"/g) ?? []).length).toBe(16 * 6);
  await expect(filtersFigure(model, { layer: 'pool_2' })).rejects.toThrow(/not a Conv2D/);
  model.dispose();
});

test('valueMapsFigure writes the values of a small map, gray for 0 when signed, and checks sizes', async () => {
  const figure = await valueMapsFigure([{ values: SOBEL_X.flat(), rows: 3, cols: 3, caption: 'kernel' }], { annotate: true, title: 'a vertical-edge filter' });
  expectWellFormed(figure.svg);
  const words = texts(figure.svg);
  expect(words).toEqual(expect.arrayContaining(['a vertical-edge filter', 'kernel']));
  expect(words.filter((w) => /^[−-]?\d$/.test(w))).toEqual(['−1', '0', '1', '−2', '0', '2', '−1', '0', '1']);
  expect(figure.svg).toMatch(/rgb\(128,128,128\)|rgb\(126,126,126\)|rgb\(130,130,130\)/);
  expect(figure.width).toBeGreaterThanOrEqual('a vertical-edge filter'.length * 9);
  const mixed = await valueMapsFigure([{ values: [0, 255, 255, 0], rows: 2, cols: 2 }, { values: [-1, 1], rows: 1, cols: 2, annotate: true }]);
  // Only the second map writes its values; the first, all positive, is black for 0 and white for its largest value.
  expect(texts(mixed.svg)).toEqual(['−1', '1']);
  expect(mixed.svg).toContain('rgb(0,0,0)');
  expect(mixed.svg).toContain('rgb(255,255,255)');
  await expect(valueMapsFigure([{ values: [1, 2, 3], rows: 2, cols: 2 }])).rejects.toThrow(/2×2 but has 3 values/);
  await expect(valueMapsFigure([])).rejects.toThrow(/no maps/);
});
