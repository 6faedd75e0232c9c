/** The series' architectures: parameter counts, summaries, builder options, and seeded dropout. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ARCHITECTURE_LIST, CNN_32_64_64, CNN_LARGER, CNN_SIMPLE, LENET5, MLP_256_128_64, MLP_512_512, MLP_784,
} from '../lib/models/architectures';
import { buildCnn } from '../lib/models/cnn';
import { buildMlp } from '../lib/models/mlp';
import { dropoutSeed, SeededDropout, seededDropout } from '../lib/models/seeded-dropout';
import { formatModelSummary, formatShape, modelSummary } from '../lib/models/summary';
import { trainStep } from '../lib/train/train';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Weights and biases of a dense layer. */
const dense = (inputs: number, units: number) => inputs * units + units;
/** Kernel and biases of a conv layer with square kernels. */
const conv = (kernel: number, channelsIn: number, filters: number) => kernel * kernel * channelsIn * filters + filters;

/** Every architecture's parameter count, worked out by hand (28x28x1 inputs, valid convolutions, 2x2 pooling). */
const EXPECTED_PARAMETERS: Record<string, number> = {
  // 784-256-128-64-10: 200,960 + 32,896 + 8,256 + 650
  'mlp-256-128-64': dense(784, 256) + dense(256, 128) + dense(128, 64) + dense(64, 10),
  // 784*784+784 + 784*10+10 = 615,440 + 7,850
  'mlp-784': 784 * 784 + 784 + 784 * 10 + 10,
  // 401,920 + 262,656 + 5,130
  'mlp-512-512': dense(784, 512) + dense(512, 512) + dense(512, 10),
  // conv 5x5x1x6 (28 -> 24), pool (12), conv 5x5x6x16 (8), pool (4): 4*4*16 = 256 inputs to dense 120, 84, 10
  // 156 + 2,416 + 30,840 + 10,164 + 850
  lenet5: conv(5, 1, 6) + conv(5, 6, 16) + dense(4 * 4 * 16, 120) + dense(120, 84) + dense(84, 10),
  // conv 3x3x1x32 (26), pool (13), conv 3x3x32x64 (11), pool (5), conv 3x3x64x64 (3): 3*3*64 = 576 to dense 64, 10
  // 320 + 18,496 + 36,928 + 36,928 + 650
  'cnn-32-64-64': conv(3, 1, 32) + conv(3, 32, 64) + conv(3, 64, 64) + dense(3 * 3 * 64, 64) + dense(64, 10),
  // conv 5x5x1x32 (24), pool (12), dropout: 12*12*32 = 4,608 to dense 128, 10
  // 832 + 589,952 + 1,290
  'cnn-simple': conv(5, 1, 32) + dense(12 * 12 * 32, 128) + dense(128, 10),
  // conv 5x5x1x30 (24), pool (12), conv 3x3x30x15 (10), pool (5), dropout: 5*5*15 = 375 to dense 128, 50, 10
  // 780 + 4,065 + 48,128 + 6,450 + 510
  'cnn-larger': conv(5, 1, 30) + conv(3, 30, 15) + dense(5 * 5 * 15, 128) + dense(128, 50) + dense(50, 10),
};

describe('parameter counts', () => {
  test('the hand-worked counts are the known totals', () => {
    expect(EXPECTED_PARAMETERS).toEqual({
      'mlp-256-128-64': 242_762,
      'mlp-784': 623_290,
      'mlp-512-512': 669_706,
      lenet5: 44_426,
      'cnn-32-64-64': 93_322, // seed 002's count
      'cnn-simple': 592_074,
      'cnn-larger': 59_933,
    });
  });

  test.each(ARCHITECTURE_LIST.map((arch) => [arch.name, arch] as const))('%s has the hand-worked count', (name, arch) => {
    const model = arch.build({ seed: 1 });
    try {
      const summary = modelSummary(model);
      expect(model.countParams()).toBe(EXPECTED_PARAMETERS[name]);
      expect(summary.totalParameters).toBe(EXPECTED_PARAMETERS[name]);
      expect(summary.trainableParameters).toBe(EXPECTED_PARAMETERS[name]);
      expect(summary.nonTrainableParameters).toBe(0);
      expect(summary.rows.reduce((sum, row) => sum + row.parameters, 0)).toBe(EXPECTED_PARAMETERS[name]);
      expect(summary.rows[0]).toMatchObject({ type: 'InputLayer', outputShape: arch.inputLayout === 'flat' ? '784' : '28×28×1', parameters: 0 });
    } finally {
      model.dispose();
    }
  });
});

describe('model summary', () => {
  test('LeNet-5 rows: the input, then each layer with its output shape and parameters', () => {
    const model = LENET5.build();
    try {
      const summary = modelSummary(model);
      expect(summary.name).toBe('lenet5');
      expect(summary.rows).toEqual([
        { name: 'conv_1_input', type: 'InputLayer', outputShape: '28×28×1', parameters: 0 },
        { name: 'conv_1', type: 'Conv2D', outputShape: '24×24×6', parameters: 5 * 5 * 1 * 6 + 6 },
        { name: 'pool_2', type: 'MaxPooling2D', outputShape: '12×12×6', parameters: 0 },
        { name: 'conv_3', type: 'Conv2D', outputShape: '8×8×16', parameters: 5 * 5 * 6 * 16 + 16 },
        { name: 'pool_4', type: 'MaxPooling2D', outputShape: '4×4×16', parameters: 0 },
        { name: 'flatten', type: 'Flatten', outputShape: '256', parameters: 0 },
        { name: 'dense_5', type: 'Dense', outputShape: '120', parameters: 256 * 120 + 120 },
        { name: 'dense_6', type: 'Dense', outputShape: '84', parameters: 120 * 84 + 84 },
        { name: 'output', type: 'Dense', outputShape: '10', parameters: 84 * 10 + 10 },
      ]);
    } finally {
      model.dispose();
    }
  });

  test('the text table names every layer, aligns the counts and ends with the totals', () => {
    const model = CNN_32_64_64.build();
    try {
      const text = formatModelSummary(modelSummary(model));
      for (const name of ['conv_1', 'pool_2', 'conv_3', 'pool_4', 'conv_5', 'flatten', 'dense_6', 'output']) expect(text).toContain(name);
      expect(text).toContain('Model: cnn_32_64_64');
      expect(text).toContain('Total parameters:         93,322');
      expect(text).toContain('Trainable parameters:     93,322');
      expect(text).toContain('Non-trainable parameters: 0');
      expect(text).toMatch(/conv_5 +Conv2D +3×3×64 +36,928/);
      // Counts are right-aligned: every table line with a count ends in the same column.
      const tableLines = text.split('\n').filter((line) => /\d$/.test(line) && !line.includes(':'));
      expect(new Set(tableLines.map((line) => line.length)).size).toBe(1);
    } finally {
      model.dispose();
    }
  });

  test('the dropout layers show as Dropout, and shapes drop the batch dimension', () => {
    const model = CNN_SIMPLE.build();
    try {
      expect(modelSummary(model).rows.find((row) => row.name === 'dropout_3')).toEqual({
        name: 'dropout_3', type: 'Dropout', outputShape: '12×12×32', parameters: 0,
      });
    } finally {
      model.dispose();
    }
    expect(formatShape([null, 24, 24, 6])).toBe('24×24×6');
    expect(formatShape([null, null, 3])).toBe('?×3');
  });
});

describe('builder options', () => {
  test('architectures keep their sources\' defaults and take overrides', () => {
    expect(ARCHITECTURE_LIST.map((arch) => arch.optimizer)).toEqual(['adam', 'adam', 'adam', 'adam', 'rmsprop', 'adam', 'adam']);
    const layerConfig = (model: tfl.LayersModel, name: string) => model.getLayer(name).getConfig();

    const simple = CNN_SIMPLE.build();
    const heavier = CNN_SIMPLE.build({ dropout: 0.5 });
    const tanh = MLP_784.build({ activation: 'tanh' });
    const relu = MLP_256_128_64.build();
    try {
      expect(layerConfig(simple, 'dropout_3').rate).toBe(0.2);
      expect(layerConfig(heavier, 'dropout_3').rate).toBe(0.5);
      expect(layerConfig(tanh, 'hidden_1').activation).toBe('tanh');
      expect(layerConfig(relu, 'hidden_3').activation).toBe('relu');
    } finally {
      for (const model of [simple, heavier, tanh, relu]) model.dispose();
    }
    expect(() => LENET5.build({ dropout: 0.5 })).toThrow('no dropout layer');
    expect(() => MLP_512_512.build({ dropout: 0.5 })).toThrow('no dropout layer');
    expect(() => CNN_LARGER.build({ dropout: 1 })).toThrow(RangeError);
    expect(() => CNN_LARGER.build({ activation: 'tanh' })).toThrow('activation');
  });

  test('the lower-level builders still take their original arguments', () => {
    const mlp = buildMlp({ hidden: [32], seed: 2, optimizer: 'sgd', learningRate: 0.1 });
    const cnn = buildCnn('tiny', [{ conv: 4, kernel: 3 }, { pool: 2 }, { dropout: 0.25 }], { seed: 2, defaultOptimizer: 'rmsprop' });
    try {
      expect(mlp.countParams()).toBe(dense(784, 32) + dense(32, 10));
      expect(cnn.countParams()).toBe(conv(3, 1, 4) + dense(13 * 13 * 4, 10));
      expect((cnn.getLayer('dropout_3') as SeededDropout).seed).toBe(dropoutSeed(2, 2));
    } finally {
      mlp.dispose();
      cnn.dispose();
    }
  });
});

describe('seeded dropout', () => {
  /** The multipliers a layer applies to a tensor of ones in one training call (0 or 1 / (1 - rate)). */
  function trainingMask(layer: tfl.layers.Layer, size: number): Float32Array {
    return tf.tidy(() => (layer.apply(tf.ones([size]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
  }

  test('two models built with the same seed draw the same masks, step after step; consecutive masks differ', () => {
    const first = CNN_SIMPLE.build({ seed: 5 });
    const second = CNN_SIMPLE.build({ seed: 5 });
    const other = CNN_SIMPLE.build({ seed: 6 });
    try {
      const masks = (model: tfl.LayersModel) => [1, 2, 3].map(() => Array.from(trainingMask(model.getLayer('dropout_3'), 2000)));
      const a = masks(first);
      const b = masks(second);
      const c = masks(other);
      expect(a).toEqual(b);
      expect(a[0]).not.toEqual(a[1]);
      expect(a[1]).not.toEqual(a[2]);
      expect(a[0]).not.toEqual(c[0]);
      expect((first.getLayer('dropout_3') as SeededDropout).trainingCalls).toBe(3);
    } finally {
      first.dispose();
      second.dispose();
      other.dispose();
    }
  });

  test('each layer of a model gets its own mask sequence', () => {
    const left = seededDropout({ rate: 0.5, seed: dropoutSeed(0, 2) });
    const right = seededDropout({ rate: 0.5, seed: dropoutSeed(0, 3) });
    // Call 1 of one layer is not call 0 of the next (as plain `seed + call` would make it).
    trainingMask(left, 10);
    expect(Array.from(trainingMask(left, 500))).not.toEqual(Array.from(trainingMask(right, 500)));
  });

  test('kept units are scaled by 1 / (1 - rate), and about `rate` of them are dropped', () => {
    const rate = 0.3;
    const layer = seededDropout({ rate, seed: 11 });
    const mask = trainingMask(layer, 200_000);
    const kept = mask.filter((value) => value !== 0);
    for (const value of new Set(kept)) expect(value).toBeCloseTo(1 / (1 - rate), 6);
    expect(1 - kept.length / mask.length).toBeCloseTo(rate, 2);
    // Inverted dropout keeps the expected activation: the mean stays near 1.
    expect(mask.reduce((sum, value) => sum + value, 0) / mask.length).toBeCloseTo(1, 1);
  });

  test('at inference the layer is the identity, and draws no mask', () => {
    const layer = seededDropout({ rate: 0.5, seed: 1 });
    const x = tf.randomUniform([4, 50], -1, 1, 'float32', 3);
    try {
      for (const kwargs of [undefined, {}, { training: false }]) {
        const y = layer.apply(x, kwargs) as tf.Tensor;
        expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
        if (y !== x) y.dispose();
      }
      expect(layer.trainingCalls).toBe(0);
    } finally {
      x.dispose();
    }
    const model = CNN_SIMPLE.build({ seed: 1 });
    const images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4);
    try {
      const once = tf.tidy(() => Array.from((model.predict(images) as tf.Tensor).dataSync()));
      const twice = tf.tidy(() => Array.from((model.predict(images) as tf.Tensor).dataSync()));
      expect(once).toEqual(twice);
    } finally {
      images.dispose();
      model.dispose();
    }
  });

  test('no tensors leak, in training or inference', () => {
    const layer = seededDropout({ rate: 0.5, seed: 1, noiseShape: [null, 1] });
    const x = tf.ones([8, 6]);
    trainingMask(layer, 4); // builds the layer
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
      const y = layer.apply(x) as tf.Tensor;
      if (y !== x) y.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    // noiseShape [null, 1]: one flag per row, shared by the row's units.
    const rows = tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][]);
    for (const row of rows) expect(new Set(row).size).toBe(1);
    x.dispose();
  });

  test('serialises as the stock Dropout, which stock tfjs loads without registering anything', async () => {
    const model = CNN_SIMPLE.build({ seed: 4 });
    const images = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 9);
    try {
      const dropout = model.getLayer('dropout_3');
      expect(dropout).toBeInstanceOf(SeededDropout);
      expect(dropout.getClassName()).toBe('Dropout');
      expect(dropout.getConfig()).toMatchObject({ rate: 0.2, seed: dropoutSeed(4, 2), name: 'dropout_3' });

      const topology = model.toJSON(null, false) as unknown as { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
      const saved = topology.config.layers.find((layer) => layer.config.name === 'dropout_3');
      expect(saved).toMatchObject({ class_name: 'Dropout', config: { rate: 0.2, seed: 4002 } });
      expect(JSON.stringify(topology)).not.toContain('Seeded');

      const loaded = await tfl.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] });
      try {
        const stock = loaded.getLayer('dropout_3');
        expect(stock.getClassName()).toBe('Dropout');
        expect(stock).not.toBeInstanceOf(SeededDropout);
        loaded.setWeights(model.getWeights());
        const expected = tf.tidy(() => Array.from((model.predict(images) as tf.Tensor).dataSync()));
        const actual = tf.tidy(() => Array.from((loaded.predict(images) as tf.Tensor).dataSync()));
        expect(actual).toEqual(expected);
      } finally {
        loaded.dispose();
      }
    } finally {
      images.dispose();
      model.dispose();
    }
  });

  test('training cnn-simple with trainStep is reproducible from the seed', () => {
    // A small batch: the cpu backend's Conv2DBackpropFilter takes seconds per step on 16 images.
    const xs = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 21);
    const ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([3, 1, 4, 1], 'int32'), 10), 'float32'));
    const trained = (seed: number) => {
      const model = CNN_SIMPLE.build({ seed });
      const losses: number[] = [];
      const counts: number[] = [];
      for (let step = 0; step < 3; step++) {
        losses.push(trainStep(model, xs, ys).loss);
        counts.push(tf.memory().numTensors);
      }
      const weights = model.getWeights().map((weight) => Array.from(weight.dataSync()));
      const calls = (model.getLayer('dropout_3') as SeededDropout).trainingCalls;
      model.dispose();
      return { losses, counts, weights, calls };
    };
    try {
      const first = trained(1);
      const again = trained(1);
      const other = trained(2);
      expect(first.calls).toBe(3);
      expect(again.losses).toEqual(first.losses);
      expect(again.weights).toEqual(first.weights);
      expect(other.weights).not.toEqual(first.weights);
      // After the first step (which creates the optimiser's slots) the tensor count stays put.
      expect(first.counts[2]).toBe(first.counts[1]);
    } finally {
      tf.dispose([xs, ys]);
    }
  });

  test('the training masks matter: the same weights give different losses on consecutive steps', () => {
    // Forward passes in training mode, without updates: only the dropout masks change between them.
    const model = CNN_SIMPLE.build({ seed: 3, dropout: 0.5 });
    const xs = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 2);
    try {
      const forward = () => tf.tidy(() => Array.from((model.apply(xs, { training: true }) as tf.Tensor).dataSync()));
      expect(forward()).not.toEqual(forward());
    } finally {
      xs.dispose();
      model.dispose();
    }
  });
});
