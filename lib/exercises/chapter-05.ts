/** The exercises of chapter 05, checked by `check('05.M', answer)` in the notebook. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { currentProfile } from '../base/profile';
import { convOutputSize, crossCorrelate } from '../convolution/cross-correlate';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { inputLayoutOf } from '../models/input-layout';
import { formatShape } from '../models/summary';
import { evaluateModel } from '../train/train';
import { describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** Test error the best-error challenge (05.5) asks to beat, by profile: in full, below every model of chapter 05 and the average of four (0.71%). */
export const CHALLENGE_ERROR_BAR: Readonly<Record<string, number>> = { full: 0.007, quick: 0.06 };

/** Cases of 05.1: input side, window side, stride, padding. */
const OUTPUT_SIZE_CASES: readonly [number, number, number, number][] = [
  [28, 5, 1, 0], [28, 3, 1, 1], [28, 3, 2, 1], [32, 5, 1, 0], [24, 2, 2, 0], [13, 3, 1, 0], [28, 5, 2, 0], [7, 3, 3, 0], [28, 4, 3, 2],
];

/** A 12×12 image, 1 where `ink(row, col)` holds, else 0. */
function halfImage(ink: (row: number, col: number) => boolean): number[][] {
  return Array.from({ length: 12 }, (_, r) => Array.from({ length: 12 }, (_, c) => (ink(r, c) ? 1 : 0)));
}

function extremes(map: number[][]): { min: number; max: number } {
  const values = map.flat();
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** The answer as a 3×3 array of finite numbers, or a hint. */
function givenKernel(answer: unknown): number[][] {
  const kernel = given(answer);
  expectThat(
    Array.isArray(kernel) && kernel.length === 3 && kernel.every((row) => Array.isArray(row) && row.length === 3 && row.every((v) => typeof v === 'number' && Number.isFinite(v))),
    `the filter should be 3 rows of 3 numbers, like [[a, b, c], [d, e, f], [g, h, i]], not ${describeValue(kernel)}`,
  );
  return kernel as number[][];
}

/** Layer facts of a model, for hints that name the layer. */
function layerFacts(model: tfl.LayersModel): { kind: string; shape: (number | null)[]; layer: tfl.layers.Layer }[] {
  return model.layers.map((layer) => ({ kind: layer.getClassName(), shape: layer.outputShape as (number | null)[], layer }));
}

const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export const CHAPTER_05_EXERCISES: ExerciseSet = {
  '05.1': {
    task: 'Write outputSize(n, k, stride, padding), the side of a convolution or pooling output',
    check(answer) {
      const outputSize = givenFunction(answer, 'outputSize') as (n: number, k: number, stride: number, padding: number) => unknown;
      for (const [n, k, stride, padding] of OUTPUT_SIZE_CASES) {
        const got = outputSize(n, k, stride, padding);
        given(got);
        expectThat(typeof got === 'number', `outputSize(${n}, ${k}, ${stride}, ${padding}) should return a number, not ${describeValue(got)}`);
        const expected = convOutputSize(n, k, { stride, padding });
        expectThat(
          got === expected,
          `outputSize(${n}, ${k}, ${stride}, ${padding}) gives ${got}. Count the window positions along one side: the padded side is n + 2p, ` +
            'the first window starts at 0, each next one s further, and the last must still fit; a window that would stick out does not count.',
        );
      }
    },
  },
  '05.2': {
    task: 'Parameters and connections of seed 002\'s second convolution (64 filters 3×3 over 13×13×32)',
    check(answer) {
      const value = given(answer) as { parameters?: unknown; connections?: unknown };
      expectThat(typeof value === 'object' && value !== null, `the answer should be an object { parameters, connections }, not ${describeValue(value)}`);
      const parameters = givenNumber(value.parameters, 'parameters');
      const connections = givenNumber(value.connections, 'connections');
      const weightsPerFilter = 3 * 3 * 32 + 1;
      const side = convOutputSize(13, 3);
      expectThat(
        parameters === weightsPerFilter * 64,
        parameters === 3 * 3 * 64 + 64 || parameters === 3 * 3 * 32 * 64
          ? 'close: each filter reads every input channel, and each filter has one bias of its own'
          : 'count one filter first: its window has height × width × input channels weights, plus a bias; then all filters',
      );
      expectThat(
        connections === side * side * 64 * weightsPerFilter,
        connections === side * side * 64 * (weightsPerFilter - 1)
          ? 'nearly: the bias is counted as one more connection of every output value'
          : 'work out the output shape first (valid convolution, stride 1); every output value is connected to the inputs under its window and to its bias',
      );
    },
  },
  '05.3': {
    task: 'A 3×3 filter that lights up along diagonal edges with ink above-left and background below-right',
    check(answer) {
      const kernel = givenKernel(answer);
      const sum = kernel.flat().reduce((a, b) => a + b, 0);
      const scale = Math.max(...kernel.flat().map(Math.abs));
      expectThat(scale > 0, 'a filter of zeros sees nothing: give it some positive and some negative weights');
      expectThat(Math.abs(sum) <= 1e-6 * scale, 'on a blank area, or an area evenly covered with ink, the filter should give 0: what must its weights add up to?');
      const wanted = extremes(crossCorrelate(halfImage((r, c) => r + c < 12), kernel));
      expectThat(
        wanted.max > 0 && wanted.min >= -1e-6 * scale,
        'on an image inked above-left of the diagonal running from bottom-left to top-right, the filter should give positive values along the edge and nothing negative: put the positive weights where the ink is',
      );
      const across = extremes(crossCorrelate(halfImage((r, c) => c > r), kernel));
      expectThat(
        Math.max(Math.abs(across.min), Math.abs(across.max)) <= 0.25 * wanted.max,
        'it also reacts to the other diagonal (ink above-right of a line from top-left to bottom-right): make the weights symmetric about the edge direction you want',
      );
    },
  },
  '05.4': {
    task: 'Build a small CNN layer by layer with tf.layers: conv 8@3×3, max-pool 2, conv 16@3×3, max-pool 2, flatten, dense 10 softmax',
    check(answer) {
      const model = given(answer) as tfl.LayersModel;
      expectThat(
        typeof model === 'object' && model !== null && Array.isArray((model as { layers?: unknown }).layers) && typeof model.countParams === 'function',
        `the answer should be a model made with tf.sequential(), not ${describeValue(model)}`,
      );
      expectThat(sameShape(model.inputs[0].shape, [null, 28, 28, 1]), `the model should take 28×28×1 images (inputShape: [28, 28, 1] on the first layer); it takes ${formatShape(model.inputs[0].shape)}`);
      const layers = layerFacts(model);
      const kinds = layers.map((l) => l.kind);
      const expectedKinds = ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'];
      expectThat(
        kinds.length === expectedKinds.length && kinds.every((k, i) => k === expectedKinds[i]),
        `the layers should be ${expectedKinds.join(', ')}; yours are ${kinds.join(', ') || 'none'}`,
      );
      const shapes: (number | null)[][] = [[null, 26, 26, 8], [null, 13, 13, 8], [null, 11, 11, 16], [null, 5, 5, 16], [null, 400], [null, 10]];
      layers.forEach((l, i) => {
        expectThat(sameShape(l.shape, shapes[i]), `layer ${i + 1} (${l.kind}) outputs ${formatShape(l.shape)}: check its filters, kernel size, padding and strides against the spec`);
      });
      const activation = (i: number) => (layers[i].layer.getConfig() as { activation?: string }).activation;
      expectThat(activation(0) === 'relu' && activation(2) === 'relu', 'both convolutions should use the relu activation');
      expectThat(activation(5) === 'softmax', 'the last dense layer should turn its 10 outputs into probabilities: softmax');
      expectThat(model.countParams() === 80 + 1_168 + 4_010, `the model has ${model.countParams()} parameters, not what the spec gives: is there a bias in every layer?`);
    },
  },
  '05.5': {
    task: 'The challenge: a trained model whose test error beats the bar of the current profile',
    async check(answer) {
      const model = given(answer) as tfl.LayersModel;
      expectThat(
        typeof model === 'object' && model !== null && typeof (model as { predict?: unknown }).predict === 'function' && Array.isArray((model as { inputs?: unknown }).inputs),
        'the answer should be a trained model (for a run of trainArchitecture, give run.model)',
      );
      let layout;
      try {
        layout = inputLayoutOf(model);
      } catch (error) {
        expectThat(false, `${(error as Error).message}: the challenge needs a model of MNIST images`);
      }
      const profile = currentProfile();
      const bar = CHALLENGE_ERROR_BAR[profile.name] ?? CHALLENGE_ERROR_BAR.full;
      const data = mnistForProfile(await loadMnist(), profile);
      const { accuracy } = await evaluateModel(model, data.test, { inputLayout: layout });
      const error = 1 - accuracy;
      expectThat(
        error < bar,
        `test error ${(100 * error).toFixed(2)}% on the ${profile.name} profile's ${data.test.count.toLocaleString('en-US')} test images; the bar is below ${(100 * bar).toFixed(2)}%. ` +
          'Try more epochs, a smaller batch, more filters or dropout.',
      );
    },
  },
};
