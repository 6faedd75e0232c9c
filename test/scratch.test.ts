/** Chapter 03's network from scratch: matrix helpers, softmax and loss, backpropagation against hand and numerical gradients, training. */
import { firstImages } from '../lib/data/digit-set';
import { loadMnist, type Mnist } from '../lib/data/mnist';
import { SeededRandom } from '../lib/base/random';
import {
  addRowInPlace,
  argmaxRows,
  cloneParams,
  columnSums,
  compareGradients,
  crossEntropy,
  digitInputs,
  digitInputRange,
  GaussianSampler,
  glorotUniformLimit,
  heNormalStd,
  initialiseWeights,
  predictImage,
  WEIGHT_INITS,
  zeroMatrix,
  type GradientCheck,
  matmul,
  matmulTransposeA,
  matmulTransposeB,
  matrixFromRows,
  matrixToRows,
  type NetParams,
  oneHotMatrix,
  PARAM_NAMES,
  RandomBatches,
  softmaxCrossEntropyGradient,
  softmaxRowsInto,
  trainScratchNet,
  TwoLayerNet,
} from '../lib/scratch/index';

let mnist: Mnist;

beforeAll(async () => {
  mnist = await loadMnist();
});

function expectRowsClose(actual: number[][], expected: number[][], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => row.forEach((value, c) => expect(value).toBeCloseTo(expected[r][c], digits)));
}

describe('matrix helpers', () => {
  const a = matrixFromRows([
    [1, 2, 0],
    [0, -1, 3],
  ]);
  const b = matrixFromRows([
    [2, 0],
    [1, 1],
    [-1, 4],
  ]);

  test('A·B, Aᵀ·B and A·Bᵀ give the textbook products', () => {
    expect(matrixToRows(matmul(a, b))).toEqual([
      [4, 2],
      [-4, 11],
    ]);
    // Aᵀ [3x2] · A [2x3]
    expect(matrixToRows(matmulTransposeA(a, a))).toEqual([
      [1, 2, 0],
      [2, 5, -3],
      [0, -3, 9],
    ]);
    // A [2x3] · Aᵀ [3x2]
    expect(matrixToRows(matmulTransposeB(a, a))).toEqual([
      [5, -2],
      [-2, 10],
    ]);
  });

  test('products agree with each other on a larger random matrix (longer than the unrolled run)', () => {
    const random = new SeededRandom(3);
    const values = (n: number) => Array.from({ length: n }, () => (random.next() < 0.3 ? 0 : random.next() - 0.5));
    const rows = (r: number, c: number) => Array.from({ length: r }, () => values(c));
    const x = matrixFromRows(rows(7, 13));
    const w = matrixFromRows(rows(13, 19));
    const naive = matrixToRows(x).map((row) => matrixToRows(w)[0].map((_, j) => row.reduce((sum, v, k) => sum + v * w.data[k * 19 + j], 0)));
    expectRowsClose(matrixToRows(matmul(x, w)), naive);
    const xT = matrixFromRows(matrixToRows(x)[0].map((_, c) => matrixToRows(x).map((row) => row[c])));
    const wT = matrixFromRows(matrixToRows(w)[0].map((_, c) => matrixToRows(w).map((row) => row[c])));
    expectRowsClose(matrixToRows(matmulTransposeA(xT, w)), naive);
    expectRowsClose(matrixToRows(matmulTransposeB(x, wT)), naive);
  });

  test('rejects mismatched shapes', () => {
    expect(() => matmul(a, a)).toThrow('cannot multiply 2x3 by 2x3');
    expect(() => matmulTransposeA(a, b)).toThrow(RangeError);
  });

  test('row broadcast, column sums and argmax', () => {
    const m = matrixFromRows([
      [1, 5],
      [7, 2],
    ]);
    addRowInPlace(m, matrixFromRows([[10, 20]]));
    expect(matrixToRows(m)).toEqual([
      [11, 25],
      [17, 22],
    ]);
    expect(matrixToRows(columnSums(m))).toEqual([[28, 47]]);
    expect(Array.from(argmaxRows(m))).toEqual([1, 1]);
  });
});

describe('softmax and cross-entropy', () => {
  test('softmax rows are positive and sum to 1', () => {
    const p = softmaxRowsInto(matrixFromRows([
      [1, 2, 3],
      [0, 0, 0],
      [-5, 10, 2],
    ]));
    for (const row of matrixToRows(p)) {
      expect(row.every((v) => v > 0)).toBe(true);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    }
    expect(matrixToRows(p)[1]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  test('softmax is stable for huge logits and ignores a shift', () => {
    const [huge, small] = matrixToRows(softmaxRowsInto(matrixFromRows([
      [1000, 1001, 1002],
      [0, 1, 2],
    ])));
    expect(huge.every(Number.isFinite)).toBe(true);
    expectRowsClose([huge], [small], 15);
    const [negative] = matrixToRows(softmaxRowsInto(matrixFromRows([[-1000, -1000]])));
    expect(negative).toEqual([0.5, 0.5]);
  });

  test('cross-entropy is about 0 for a perfect prediction and log(10) for a uniform one', () => {
    const targets = oneHotMatrix([3, 7]);
    const perfect = oneHotMatrix([3, 7]);
    expect(crossEntropy(perfect, targets)).toBeCloseTo(0, 6);
    expect(crossEntropy(perfect, targets)).toBeLessThan(1e-6);
    const uniform = matrixFromRows([new Array(10).fill(0.1), new Array(10).fill(0.1)]);
    expect(crossEntropy(uniform, targets)).toBeCloseTo(Math.log(10), 5); // log(0.1 + 1e-7) is 1e-6 off
    expect(crossEntropy(uniform, targets, 0)).toBeCloseTo(Math.log(10), 14);
  });

  test('a zero probability on the true class costs -log(1e-7), not infinity', () => {
    expect(crossEntropy(oneHotMatrix([1], 2), oneHotMatrix([0], 2))).toBeCloseTo(-Math.log(1e-7), 10);
  });

  test('with epsilon 0 the output gradient is exactly (y - t) / N', () => {
    const y = softmaxRowsInto(matrixFromRows([
      [0.5, -1, 2],
      [1, 1, 0],
    ]));
    const t = oneHotMatrix([2, 0], 3);
    const expected = matrixToRows(y).map((row, r) => row.map((v, c) => (v - matrixToRows(t)[r][c]) / 2));
    expectRowsClose(matrixToRows(softmaxCrossEntropyGradient(y, t, 0)), expected, 15);
    // The default epsilon changes it by less than epsilon / y_true.
    expectRowsClose(matrixToRows(softmaxCrossEntropyGradient(y, t)), expected, 6);
  });
});

/** Backpropagation for one example written out with scalars, independent of the library's matrix code. */
function scalarGradients(params: NetParams, x: number[], label: number) {
  const { W1, b1, W2, b2 } = params;
  const [inputs, hidden, outputs] = [W1.rows, W1.cols, W2.cols];
  const w1 = (i: number, j: number) => W1.data[i * hidden + j];
  const w2 = (j: number, k: number) => W2.data[j * outputs + k];
  const z = Array.from({ length: hidden }, (_, j) => {
    let a = b1.data[j];
    for (let i = 0; i < inputs; i++) a += x[i] * w1(i, j);
    return 1 / (1 + Math.exp(-a));
  });
  const logits = Array.from({ length: outputs }, (_, k) => z.reduce((a, zj, j) => a + zj * w2(j, k), b2.data[k]));
  const exps = logits.map(Math.exp);
  const y = exps.map((e) => e / exps.reduce((s, v) => s + v, 0));
  const dLogit = y.map((v, k) => v - (k === label ? 1 : 0));
  const dHidden = z.map((zj, j) => dLogit.reduce((s, d, k) => s + d * w2(j, k), 0) * zj * (1 - zj));
  return {
    loss: -Math.log(y[label]),
    W1: x.flatMap((xi) => dHidden.map((d) => xi * d)),
    b1: dHidden,
    W2: z.flatMap((zj) => dLogit.map((d) => zj * d)),
    b2: dLogit,
  };
}

describe('backpropagation on a hand-sized 2-3-2 network', () => {
  test('all-zero weights: gradients worked out by hand', () => {
    // z = sigmoid(0) = 0.5 everywhere, y = [0.5, 0.5], t = [1, 0]: dLogits = [-0.5, 0.5],
    // dW2 = z ⊗ dLogits, and nothing flows back through zero W2.
    const net = new TwoLayerNet({ inputSize: 2, hiddenSize: 3, outputSize: 2, weightScale: 0, logEpsilon: 0 });
    const x = matrixFromRows([[0.3, -0.7]]);
    const t = oneHotMatrix([0], 2);
    const { loss, gradients } = net.lossAndGradients(x, t);
    expect(loss).toBeCloseTo(Math.log(2), 15);
    expect(matrixToRows(gradients.b2)).toEqual([[-0.5, 0.5]]);
    expect(matrixToRows(gradients.W2)).toEqual([
      [-0.25, 0.25],
      [-0.25, 0.25],
      [-0.25, 0.25],
    ]);
    expect(Array.from(gradients.W1.data)).toEqual(new Array(6).fill(0));
    expect(Array.from(gradients.b1.data)).toEqual([0, 0, 0]);
  });

  test('random weights: matches scalar backpropagation (averaged over the batch) and central differences', () => {
    const net = new TwoLayerNet({ inputSize: 2, hiddenSize: 3, outputSize: 2, weightScale: 1, seed: 11, logEpsilon: 0 });
    net.params.b1.data.set([0.1, -0.2, 0.3]);
    net.params.b2.data.set([-0.4, 0.5]);
    const rows = [
      [0.3, -0.7],
      [1.5, 0.2],
    ];
    const labels = [0, 1];
    const x = matrixFromRows(rows);
    const t = oneHotMatrix(labels, 2);
    const [first, second] = rows.map((row, r) => scalarGradients(net.params, row, labels[r]));
    const { loss, gradients } = net.lossAndGradients(x, t);
    expect(loss).toBeCloseTo((first.loss + second.loss) / 2, 14);
    for (const name of PARAM_NAMES) {
      const expected = first[name].map((v, i) => (v + second[name][i]) / 2);
      expectRowsClose([Array.from(gradients[name].data)], [expected], 14);
    }
    const numerical = net.numericalGradients(x, t);
    for (const name of PARAM_NAMES) expectRowsClose([Array.from(numerical[name].data)], [Array.from(gradients[name].data)], 8);
    const copy = TwoLayerNet.fromParams(cloneParams(net.params), 0);
    expect(copy.loss(x, t)).toBe(net.loss(x, t));
    expect(copy.accuracy(x, labels)).toBe(net.accuracy(x, labels));
  });

  test('an SGD step moves every parameter against its gradient and lowers the loss', () => {
    const net = new TwoLayerNet({ inputSize: 2, hiddenSize: 3, outputSize: 2, weightScale: 1, seed: 5 });
    const x = matrixFromRows([[0.3, -0.7]]);
    const t = oneHotMatrix([1], 2);
    const before = net.params.W2.data.slice();
    const grads = net.gradients(x, t);
    const lossBefore = net.loss(x, t);
    net.sgdStep(grads, 0.1);
    net.params.W2.data.forEach((v, i) => expect(v).toBeCloseTo(before[i] - 0.1 * grads.W2.data[i], 15));
    expect(net.loss(x, t)).toBeLessThan(lossBefore);
  });

  test('compareGradients reports identical gradients as 0 and a 1% scale error as about 0.005', () => {
    const a = Float64Array.from([1, -2, 3]);
    expect(compareGradients(a, a.slice())).toEqual({ maxAbsDifference: 0, relativeError: 0, entries: 3 });
    const off = compareGradients(a, a.map((v) => v * 1.01));
    expect(off.relativeError).toBeCloseTo(0.01 / 2.01, 12);
    expect(off.maxAbsDifference).toBeCloseTo(0.03, 12);
  });
});

describe('on real MNIST images', () => {
  /** The groups whose relative error is not below `limit`, with their errors, so a failure shows them. */
  const tooLarge = (check: GradientCheck, limit: number) =>
    PARAM_NAMES.filter((name) => !(check[name].relativeError < limit)).map((name) => `${name}: ${check[name].relativeError}`);
  const describeCheck = (check: GradientCheck) =>
    PARAM_NAMES.map((name) => `${name}: relative ${check[name].relativeError.toExponential(2)}, max |diff| ${check[name].maxAbsDifference.toExponential(2)}`).join('; ');

  test('the gradient check over all 39,760 parameters on 3 images gives relative errors below 1e-6', () => {
    const x = digitInputs(mnist.train, [0, 1, 2]);
    const t = oneHotMatrix(mnist.train.labels.subarray(0, 3));
    const net = new TwoLayerNet({ seed: 1 });
    const check = net.gradientCheck(x, t);
    console.log(`gradient check, 3 MNIST images, float64, h = 1e-4: ${describeCheck(check)}`);
    expect(tooLarge(check, 1e-6)).toEqual([]);
    expect(check.W1.entries).toBe(784 * 50);
  });

  test('a sampled gradient check after some training still agrees', async () => {
    const { net } = await trainScratchNet(firstImages(mnist.train, 1000), firstImages(mnist.test, 100), { iterations: 100, seed: 2 });
    const x = digitInputs(mnist.test, [0, 1, 2, 3, 4]);
    const t = oneHotMatrix(mnist.test.labels.subarray(0, 5));
    const check = net.gradientCheck(x, t, { entriesPerGroup: 400, seed: 3 });
    console.log(`sampled gradient check after 100 iterations: ${describeCheck(check)}`);
    expect(check.W1.entries).toBe(400);
    expect(check.b2.entries).toBe(10);
    expect(tooLarge(check, 1e-6)).toEqual([]);
  });

  test('random batches hold pixels / 255 and one-hot labels of the drawn images', () => {
    const batches = new RandomBatches(mnist.train, 4, new SeededRandom(9));
    const batch = batches.next();
    for (let row = 0; row < 4; row++) {
      const index = batch.indices[row];
      expect(batch.labels[row]).toBe(mnist.train.labels[index]);
      expect(batch.targets.data[row * 10 + batch.labels[row]]).toBe(1);
      expect(batch.inputs.data[row * 784 + 300]).toBe(mnist.train.images[index * 784 + 300] / 255);
    }
  });

  test('1,000 iterations on 5,000 images lower the loss and reach over 80% test accuracy', async () => {
    const epochs: number[] = [];
    const result = await trainScratchNet(firstImages(mnist.train, 5000), firstImages(mnist.test, 1000), {
      iterations: 1000,
      seed: 0,
      onEpoch: (record) => void epochs.push(record.epoch),
    });
    const { history } = result;
    const first = history[0], last = history[history.length - 1];
    console.log(`scratch training: loss ${first.loss.toFixed(3)} → ${last.loss.toFixed(3)}, test accuracy ${first.testAccuracy} → ${last.testAccuracy} in ${result.seconds.toFixed(1)} s`);
    expect(result.iterationsPerEpoch).toBe(50);
    expect(history).toHaveLength(20);
    expect(epochs).toEqual(history.map((r) => r.epoch));
    expect(last.iterations).toBe(1000);
    expect(result.iterationLosses).toHaveLength(1000);
    expect(first.loss).toBeGreaterThan(2);
    expect(last.loss).toBeLessThan(0.7);
    expect(last.testAccuracy).toBeGreaterThan(0.8);
    expect(last.trainAccuracy).toBeGreaterThan(0.8);
  });

  test('the same seed gives identical weights; another seed does not', async () => {
    const train = firstImages(mnist.train, 500), test = firstImages(mnist.test, 100);
    const run = (seed: number) => trainScratchNet(train, test, { iterations: 20, batchSize: 50, seed });
    const [a, b, c] = await Promise.all([run(4), run(4), run(5)]);
    for (const name of PARAM_NAMES) expect(a.net.params[name].data).toEqual(b.net.params[name].data);
    expect(a.history).toEqual(b.history.map((r, i) => ({ ...r, seconds: a.history[i].seconds })));
    expect(a.net.params.W1.data).not.toEqual(c.net.params.W1.data);
  });
});

describe('initialisation', () => {
  test('weights are 0.01 × standard normal and biases start at 0', () => {
    const net = new TwoLayerNet({ seed: 7 });
    const w = net.params.W1.data;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.0003);
    expect(sd).toBeGreaterThan(0.0097);
    expect(sd).toBeLessThan(0.0103);
    expect(net.params.b1.data.every((v) => v === 0)).toBe(true);
    expect(net.params.b2.data.every((v) => v === 0)).toBe(true);
    expect(new TwoLayerNet({ seed: 7 }).params.W2.data).toEqual(net.params.W2.data);
  });

  test('Box–Muller draws look standard normal', () => {
    const normal = new GaussianSampler(new SeededRandom(1));
    const draws = normal.fill(new Float64Array(40000));
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
    const withinOne = draws.filter((v) => Math.abs(v) < 1).length / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeCloseTo(1, 1);
    expect(withinOne).toBeCloseTo(0.6827, 1);
  });
});

describe('weight initialisations', () => {
  test('the Glorot bound and the He standard deviation have their textbook values', () => {
    expect(glorotUniformLimit(784, 100)).toBeCloseTo(0.0824, 4);
    expect(glorotUniformLimit(784, 50)).toBeCloseTo(0.0848, 4);
    expect(glorotUniformLimit(50, 10)).toBeCloseTo(0.3162, 4);
    expect(heNormalStd(784)).toBeCloseTo(0.0505, 4);
    expect(() => glorotUniformLimit(0, 10)).toThrow(RangeError);
  });

  test('each initialisation fills a 784 x 50 matrix with the spread it promises', () => {
    const spread = (init: (typeof WEIGHT_INITS)[number]) => {
      const w = initialiseWeights(zeroMatrix(784, 50), init, new SeededRandom(3)).data;
      let max = 0, squares = 0;
      for (const v of w) {
        max = Math.max(max, Math.abs(v));
        squares += v * v;
      }
      return { max, sd: Math.sqrt(squares / w.length) };
    };
    expect(spread('zeros')).toEqual({ max: 0, sd: 0 });
    expect(spread('normal-0.01').sd).toBeCloseTo(0.01, 3);
    const glorot = spread('glorot-uniform');
    expect(glorot.max).toBeLessThanOrEqual(glorotUniformLimit(784, 50));
    expect(glorot.max).toBeGreaterThan(0.99 * glorotUniformLimit(784, 50));
    expect(glorot.sd).toBeCloseTo(glorotUniformLimit(784, 50) / Math.sqrt(3), 3); // uniform(-l, l) has sd l/√3
    expect(spread('he-normal').sd).toBeCloseTo(heNormalStd(784), 3);
  });

  test('the default network is the same as init "normal-0.01" (seed 001\'s scale)', () => {
    const a = new TwoLayerNet({ seed: 5 }), b = new TwoLayerNet({ seed: 5, init: 'normal-0.01' });
    for (const name of PARAM_NAMES) expect(b.params[name].data).toEqual(a.params[name].data);
  });

  test('from zeros every hidden unit stays the same unit: the symmetry never breaks', async () => {
    const { net } = await trainScratchNet(firstImages(mnist.train, 1000), firstImages(mnist.test, 100), { init: 'zeros', iterations: 50, seed: 0 });
    const { W1 } = net.params;
    let spreadAcrossUnits = 0, size = 0;
    for (let i = 0; i < W1.rows; i++) {
      const row = W1.data.subarray(i * W1.cols, (i + 1) * W1.cols);
      spreadAcrossUnits = Math.max(spreadAcrossUnits, Math.max(...row) - Math.min(...row));
      size = Math.max(size, Math.abs(row[0]));
    }
    expect(size).toBeGreaterThan(1e-4); // the weights did move...
    expect(spreadAcrossUnits).toBe(0); // ...all 50 units in lockstep
  });

  test('Glorot weights learn faster than seed 001\'s 0.01 in the same 100 steps', async () => {
    const train = firstImages(mnist.train, 5000), test = firstImages(mnist.test, 1000);
    const run = (init: (typeof WEIGHT_INITS)[number]) => trainScratchNet(train, test, { init, iterations: 100, seed: 0 });
    const [small, glorot] = [await run('normal-0.01'), await run('glorot-uniform')];
    const [a, b] = [small.history[small.history.length - 1], glorot.history[glorot.history.length - 1]];
    expect(b.loss).toBeLessThan(a.loss - 0.2);
    expect(b.testAccuracy).toBeGreaterThan(a.testAccuracy + 0.1);
  });
});

describe('predictImage', () => {
  test('gives the same digit as predict and probabilities that sum to 1', async () => {
    const { net } = await trainScratchNet(firstImages(mnist.train, 2000), firstImages(mnist.test, 100), { init: 'glorot-uniform', learningRate: 1, iterations: 200, seed: 0 });
    const batch = net.predict(digitInputRange(mnist.test, 0, 20));
    for (let i = 0; i < 20; i++) {
      const { label, probabilities } = predictImage(net, mnist.test, i);
      expect(label).toBe(batch[i]);
      expect(probabilities).toHaveLength(10);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.max(...probabilities)).toBe(probabilities[label]);
    }
    expect(predictImage(net, mnist.test).label).toBe(7); // the first test image, a 7
  });

  test('is the forward pass of pixels / 255 of a single-image set, and its most probable digit', () => {
    const net = new TwoLayerNet({ seed: 3, weightScale: 0.05 });
    const pixels = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
    const set = { images: pixels, labels: Uint8Array.of(255), count: 1, rows: 28, cols: 28 };
    const { label, probabilities } = predictImage(net, set);
    const expected = Array.from(net.forward({ rows: 1, cols: 784, data: Float64Array.from(pixels, (v) => v / 255) }).probabilities.data);
    expect(probabilities).toEqual(expected);
    expect(label).toBe(expected.indexOf(Math.max(...expected)));
  });

  test('a briefly trained network reads most digits given one at a time, as chapter 07 gives them', async () => {
    const train = firstImages(mnist.train, 2000);
    const test = firstImages(mnist.test, 100);
    const { net } = await trainScratchNet(train, test, { epochs: 10, seed: 0 });
    let right = 0;
    for (let i = 0; i < test.count; i++) {
      const one = { images: test.images.subarray(i * 784, (i + 1) * 784), labels: test.labels.subarray(i, i + 1), count: 1, rows: 28, cols: 28 };
      if (predictImage(net, one).label === test.labels[i]) right++;
    }
    expect(right).toBeGreaterThan(50);
  });
});
