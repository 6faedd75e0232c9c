/**
 * How many threads training uses by default (lib/train/workers.ts): the
 * forward arithmetic of the series' models counted as by hand, the choice
 * for each architecture on two and four cores, what overrides it, and
 * trainModel recording what it chose on real MNIST.
 */
import * as os from 'node:os';
import * as tfl from '@tensorflow/tfjs-layers';
import { firstImages } from '../lib/data/digit-set';
import { ARCHITECTURE_LIST, LENET5, MLP_256_128_64 } from '../lib/models/architectures';
import { trainModel } from '../lib/train/train';
import { forwardMultiplyAdds, MIN_SHARD_MULTIPLY_ADDS, TRAIN_WORKERS_ENV, trainingWorkers } from '../lib/train/workers';
import { wasmWithSmallMnist } from './support/wasm-subsets';

const saved = process.env[TRAIN_WORKERS_ENV];
const models = new Map<string, tfl.LayersModel>();

beforeAll(async () => {
  await wasmWithSmallMnist();
  for (const arch of ARCHITECTURE_LIST) models.set(arch.name, arch.build());
});

afterAll(() => {
  for (const model of models.values()) model.dispose();
});

afterEach(() => {
  if (saved === undefined) delete process.env[TRAIN_WORKERS_ENV];
  else process.env[TRAIN_WORKERS_ENV] = saved;
});

test('forward multiply-adds: LeNet-5 and the 784-256-128-64-10 MLP counted by hand', () => {
  // conv 6@5x5 on 28x28x1 -> 24x24; conv 16@5x5 on 12x12x6 -> 8x8; dense 256-120-84-10.
  const lenet = 24 * 24 * (5 * 5 * 1 * 6) + 8 * 8 * (5 * 5 * 6 * 16) + 256 * 120 + 120 * 84 + 84 * 10;
  expect(forwardMultiplyAdds(models.get(LENET5.name)!)).toBe(lenet);
  expect(forwardMultiplyAdds(models.get(MLP_256_128_64.name)!)).toBe(784 * 256 + 256 * 128 + 128 * 64 + 64 * 10);
});

test('on two cores every model but the 784-256-128-64-10 MLP trains on two threads; on four, the big batches use all four', () => {
  delete process.env[TRAIN_WORKERS_ENV];
  const choose = (cores: number) => Object.fromEntries(ARCHITECTURE_LIST.map((arch) =>
    [arch.name, trainingWorkers({ model: models.get(arch.name)!, batchSize: arch.batchSize, cores })]));
  expect(choose(2)).toEqual({
    'mlp-256-128-64': 1, 'mlp-784': 2, 'mlp-512-512': 2, lenet5: 2, 'cnn-32-64-64': 2, 'cnn-simple': 2, 'cnn-larger': 2,
  });
  expect(choose(4)).toEqual({
    'mlp-256-128-64': 1, 'mlp-784': 4, 'mlp-512-512': 2, lenet5: 4, 'cnn-32-64-64': 4, 'cnn-simple': 4, 'cnn-larger': 4,
  });
  expect(choose(1)).toEqual(Object.fromEntries(ARCHITECTURE_LIST.map((arch) => [arch.name, 1])));
  // The rule itself: a shard of 32 images of the MLP carries less than the minimum.
  expect(32 * forwardMultiplyAdds(models.get(MLP_256_128_64.name)!)).toBeLessThan(MIN_SHARD_MULTIPLY_ADDS);
});

test('what is asked for wins: the option, then MNIST_TRAIN_WORKERS; without a model, one thread', () => {
  const lenet = { model: models.get(LENET5.name)!, batchSize: LENET5.batchSize, cores: 2 };
  delete process.env[TRAIN_WORKERS_ENV];
  expect(trainingWorkers()).toBe(1);
  expect(trainingWorkers({ workers: 3, ...lenet })).toBe(3);
  process.env[TRAIN_WORKERS_ENV] = '1';
  expect(trainingWorkers(lenet)).toBe(1);
  expect(trainingWorkers({ ...lenet, workers: 2 })).toBe(2);
  process.env[TRAIN_WORKERS_ENV] = 'two';
  expect(() => trainingWorkers(lenet)).toThrow(`${TRAIN_WORKERS_ENV}=two is not a whole number of threads of at least 1`);
  expect(() => trainingWorkers({ workers: 1.5 })).toThrow('workers 1.5 is not a whole number');
});

test('trainModel trains with the chosen number of threads by default and records it', async () => {
  delete process.env[TRAIN_WORKERS_ENV];
  const { train } = await wasmWithSmallMnist();
  const model = LENET5.build({ seed: 1 });
  try {
    const result = await trainModel(model, firstImages(train, 500), { epochs: 1, batchSize: LENET5.batchSize });
    expect(result.workers).toBe(trainingWorkers({ model, batchSize: LENET5.batchSize }));
    // LeNet-5 in batches of 500 keeps up to 8 threads busy (62 images a shard at least).
    expect(result.workers).toBe(Math.min(os.availableParallelism(), 8));
  } finally {
    model.dispose();
  }
});
