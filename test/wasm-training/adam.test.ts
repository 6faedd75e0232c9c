/**
 * WasmAdamOptimizer of tfjs-backend-wasm-training against tfjs's own Adam.
 *
 * On wasm, the same seeded dense and conv models are trained for 20 steps on
 * the same batches by tf.train.adam and by WasmAdamOptimizer, once through
 * the SIMD `adam` function and once through the JavaScript loop (SIMD
 * helpers switched off), and the weights compared. On cpu WasmAdamOptimizer
 * must be tfjs's Adam exactly. The SIMD function is also checked directly
 * against a float32 reference, and the tensor and wasm buffer counts must
 * stay flat while training and drop by the moments on dispose.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels, WasmAdamOptimizer } from 'tfjs-backend-wasm-training';
import { simdFor } from 'tfjs-backend-wasm-training/testing';
import { LiveCounts, rng, size, useBackend, wasmBackend, withSimd } from './backend-compare';

const LR = 0.01;
const STEPS = 20;
const BATCH = 8;

type Kind = 'dense' | 'conv';

/** A small seeded model; sizes are not multiples of 4, so the SIMD tail runs too. */
function buildModel(kind: Kind): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const model = tfl.sequential();
  if (kind === 'dense') {
    model.add(tfl.layers.dense({ inputShape: [13], units: 11, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'zeros' }));
    model.add(tfl.layers.dense({ units: 7, activation: 'tanh', kernelInitializer: init(2), biasInitializer: 'zeros' }));
    model.add(tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3), biasInitializer: 'zeros' }));
  } else {
    model.add(tfl.layers.conv2d({ inputShape: [9, 9, 1], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(4) }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.conv2d({ filters: 5, kernelSize: 2, activation: 'relu', kernelInitializer: init(5) }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(6) }));
  }
  return model;
}

/** Seeded batches: inputs uniform in [-1, 1), one-hot labels over 5 classes. */
function batches(kind: Kind, count: number): { x: tf.Tensor; y: tf.Tensor }[] {
  const next = rng(kind === 'dense' ? 11 : 12);
  const inShape = kind === 'dense' ? [BATCH, 13] : [BATCH, 9, 9, 1];
  const n = size(inShape);
  return Array.from({ length: count }, () => {
    const x = tf.tensor(Float32Array.from({ length: n }, () => next() * 2 - 1), inShape);
    const labels = Array.from({ length: BATCH }, () => Math.floor(next() * 5));
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 5), 'float32'));
    return { x, y };
  });
}

/** Trains `model` with `optimizer` for `steps` steps over `data` (cycled); returns its final weights. */
function train(model: tfl.LayersModel, optimizer: tf.Optimizer, data: { x: tf.Tensor; y: tf.Tensor }[], steps: number): Float32Array[] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let s = 0; s < steps; s++) {
    const { x, y } = data[s % data.length];
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true, vars);
    cost?.dispose();
  }
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** Largest |a - e| / (|e| + 1e-3) over all weights, and the largest |a - e|. */
function compare(actual: Float32Array[], expected: Float32Array[]): { rel: number; abs: number } {
  expect(actual.length).toBe(expected.length);
  let rel = 0;
  let abs = 0;
  actual.forEach((a, k) => {
    const e = expected[k];
    expect(a.length).toBe(e.length);
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i] - e[i]);
      if (!(d <= abs)) abs = d;
      const r = d / (Math.abs(e[i]) + 1e-3);
      if (!(r <= rel)) rel = r;
    }
  });
  return { rel, abs };
}

/** How far training moved the weights from their initial values (so equality is not trivial). */
function moved(after: Float32Array[], before: Float32Array[]): number {
  return compare(after, before).abs;
}

const summary: string[] = [];

beforeAll(async () => {
  await wasmBackend();
  registerWasmTrainingKernels(); // the stock wasm backend has no Conv2DBackpropFilter
});

afterAll(() => {
  if (summary.length > 0) console.log(`WasmAdamOptimizer vs tf.train.adam after ${STEPS} steps:\n  ${summary.join('\n  ')}`);
});

describe('the SIMD adam function', () => {
  test('matches a float32 reference in tfjs order, on the vector part and the tail', async () => {
    const backend = await wasmBackend();
    const simd = simdFor(backend);
    expect(simd).not.toBeNull();
    const f = Math.fround;
    const n = 23; // 20 values four at a time, 3 one at a time
    const next = rng(7);
    const values = (scale: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
    const g = values(1);
    const w = values(1);
    const m = values(0.1);
    const v = Float32Array.from(values(0.01), Math.abs);
    g[3] = 0; // a zero gradient
    m[3] = 0;
    v[3] = 0; // then m / (sqrt(v) + eps) is 0 / eps
    const [b1, b2, lr, eps] = [0.9, 0.999, 0.003, 1e-7];
    // bias corrections at step 3, from float32 running products as tfjs keeps them
    const c1 = f(1 - f(f(f(b1) * f(b1)) * f(b1)));
    const c2 = f(1 - f(f(f(b2) * f(b2)) * f(b2)));
    const infos = [g, w, m, v].map(() => backend.makeOutput([n], 'float32'));
    const out = backend.makeOutput([n], 'float32');
    [g, w, m, v].forEach((a, k) => (backend.typedArrayFromHeap(infos[k]) as Float32Array).set(a));
    const [gi, wi, mi, vi] = infos;
    simd!.adam(simd!.address(gi), simd!.address(wi), simd!.address(out), simd!.address(mi), simd!.address(vi), n,
      b1, b2, 1 - b1, 1 - b2, lr, c1, c2, eps);
    const got = {
      w: Float32Array.from(backend.typedArrayFromHeap(out) as Float32Array),
      m: Float32Array.from(backend.typedArrayFromHeap(mi) as Float32Array),
      v: Float32Array.from(backend.typedArrayFromHeap(vi) as Float32Array),
      oldW: Float32Array.from(backend.typedArrayFromHeap(wi) as Float32Array),
    };
    for (const info of [...infos, out]) backend.disposeData(info.dataId);
    for (let i = 0; i < n; i++) {
      const mNew = f(f(m[i] * f(b1)) + f(g[i] * f(1 - b1)));
      const vNew = f(f(v[i] * f(b2)) + f(f(g[i] * g[i]) * f(1 - b2)));
      const q = f(f(mNew / c1) / f(f(Math.sqrt(f(vNew / c2))) + f(eps)));
      const wNew = f(f(q * f(-lr)) + w[i]);
      expect([i, got.m[i]]).toEqual([i, mNew]);
      expect([i, got.v[i]]).toEqual([i, vNew]);
      expect([i, got.w[i]]).toEqual([i, wNew]);
    }
    expect(got.oldW).toEqual(w); // the old weights are left alone
    expect(got.w[3]).toBe(w[3]);
  });
});

describe.each(['dense', 'conv'] as Kind[])('%s model on wasm: WasmAdamOptimizer vs tf.train.adam', (kind) => {
  test.each(['simd', 'js'] as const)('%s path: same weights after 20 steps', async (path) => {
    const backend = await wasmBackend();
    const simd = simdFor(backend);
    expect(simd).not.toBeNull();
    const spy = jest.spyOn(simd!, 'adam');
    try {
      await withSimd(path === 'simd', async () => {
        const data = batches(kind, 5);
        const reference = buildModel(kind);
        const initial = reference.getWeights().map((w) => w.dataSync() as Float32Array);
        const stockOpt = tf.train.adam(LR, 0.9, 0.999, 1e-7);
        const expected = train(reference, stockOpt, data, STEPS);
        const model = buildModel(kind);
        expect(compare(model.getWeights().map((w) => w.dataSync() as Float32Array), initial).abs).toBe(0);
        const wasmOpt = new WasmAdamOptimizer(LR, 0.9, 0.999, 1e-7);
        const actual = train(model, wasmOpt, data, STEPS);
        expect(spy).toHaveBeenCalledTimes(path === 'simd' ? STEPS * model.trainableWeights.length : 0);
        const { rel, abs } = compare(actual, expected);
        const step = moved(expected, initial);
        summary.push(`${kind}, ${path}: largest difference ${abs.toExponential(2)} (relative ${rel.toExponential(2)}); weights moved up to ${step.toFixed(3)}`);
        expect(step).toBeGreaterThan(LR); // training did change the weights
        expect(rel).toBeLessThan(1e-4);
        tf.dispose(data.flatMap((b) => [b.x, b.y]));
        stockOpt.dispose();
        wasmOpt.dispose();
        reference.dispose();
        model.dispose();
      });
    } finally {
      spy.mockRestore();
    }
  });
});

describe.each(['dense', 'conv'] as Kind[])('%s model on cpu', (kind) => {
  test('WasmAdamOptimizer is tf.train.adam exactly', async () => {
    await useBackend('cpu');
    const data = batches(kind, 5);
    const expected = train(buildModel(kind), tf.train.adam(LR, 0.9, 0.999, 1e-7), data, STEPS);
    const wasmOpt = new WasmAdamOptimizer(LR, 0.9, 0.999, 1e-7);
    const actual = train(buildModel(kind), wasmOpt, data, STEPS);
    expect(actual).toEqual(expected);
    // tfjs's own moment variables are the ones in use
    const weights = await wasmOpt.getWeights();
    expect(weights.length).toBe(1 + 2 * actual.length);
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    await useBackend('wasm');
  });
});

describe('memory on wasm', () => {
  test.each(['simd', 'js'] as const)('%s path: tensor and buffer counts stay flat; dispose frees the moments', async (path) => {
    const backend = await wasmBackend();
    await withSimd(path === 'simd', async () => {
      for (const kind of ['dense', 'conv'] as Kind[]) {
        const data = batches(kind, 3);
        const model = buildModel(kind);
        const variables = model.trainableWeights.length;
        const opt = new WasmAdamOptimizer(LR, 0.9, 0.999, 1e-7);
        const before = new LiveCounts(backend);
        train(model, opt, data, 1);
        // The first step adds the two moments of each weight, as wasm buffers, not tensors.
        before.expectBoth(0, 2 * variables);
        const trained = new LiveCounts(backend);
        for (let s = 0; s < 6; s++) {
          train(model, opt, data, 1);
          trained.expectBoth();
        }
        opt.dispose();
        // the moments, and tfjs's two beta-power variables
        trained.expectBuffers(-2 * variables - 2);
        trained.expectTensors(-2);
        tf.dispose(data.flatMap((b) => [b.x, b.y]));
        model.dispose();
      }
    });
  });
});
