/**
 * Registering and unregistering tfjs-backend-wasm-training's kernels, and
 * the version check that keeps them off a tfjs they were not written for.
 *
 * Importing the package registers nothing. It is imported before the first
 * test (this file imports it, and so does jest's setup file, through lib),
 * and the first test checks that tfjs-backend-wasm's own kernels are still
 * in place. The configs kept here are the ones in the registry then; after
 * unregistering, the very same objects must be back.
 *
 * The tests run in order, each leaving the registry as the next expects it.
 * The wasm backend is not started before registration, as in the package's
 * README (register, then `tf.setBackend('wasm')`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the gradients tf.grad needs

import {
  registerWasmTrainingKernels,
  SUPPORTED_TFJS_VERSION,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  wasmTrainingKernelsRegistered,
} from 'tfjs-backend-wasm-training';
import { checkTfjsVersions, installedTfjsVersions } from 'tfjs-backend-wasm-training/testing';

import { randomValues } from './backend-compare';

/** The config registered for wasm under each of the package's kernel names, taken now. */
const registryNow = () => new Map(WASM_TRAINING_KERNELS.map((name) => [name, tf.getKernel(name, 'wasm')]));

/** The registry as this file found it. */
const stockConfigs = registryNow();

/**
 * The filter gradient of sum(maxPool(conv2d(x, w)) * r) on the current
 * backend. It runs Conv2DBackpropFilter and MaxPoolGrad, and cases that the
 * package's kernels hand to the stock ones (the forward Conv2D of three input
 * channels, the Sum over all axes), whose wasm routines the backend binds
 * when it starts.
 */
function convPoolFilterGradient(): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(2 * 8 * 8 * 3, 1), [2, 8, 8, 3]);
    const w = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
    const r = tf.tensor4d(randomValues(2 * 3 * 3 * 4, 3), [2, 3, 3, 4]);
    const loss = (f: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.conv2d(x, f as tf.Tensor4D, 1, 'valid'), 2, 2, 'valid'), r));
    return tf.grad(loss)(w).dataSync() as Float32Array;
  });
}

afterAll(() => {
  unregisterWasmTrainingKernels();
});

describe('the kernel registry', () => {
  test('after importing the package: no Conv2DBackpropFilter for wasm, the stock kernels in place', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    for (const [name, config] of stockConfigs) {
      if (name !== 'Conv2DBackpropFilter') expect([name, config?.kernelName, config?.backendName]).toEqual([name, name, 'wasm']);
    }
  });

  test('registering (before the wasm backend starts) replaces every stock kernel and adds the missing one', () => {
    expect(tf.engine().registry.wasm).toBeUndefined(); // not started yet
    const report = registerWasmTrainingKernels();
    expect(report.refused).toBeUndefined();
    expect(report.registered).toEqual(WASM_TRAINING_KERNELS);
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    for (const name of WASM_TRAINING_KERNELS) {
      const config = tf.getKernel(name, 'wasm');
      expect(config).toBeDefined();
      expect(config).not.toBe(stockConfigs.get(name));
      // The stock setup (binding its wasm routine) is carried over for the cases handed back.
      expect(config!.setupFunc).toBe(stockConfigs.get(name)?.setupFunc);
    }
  });

  test('registering again changes nothing', () => {
    const before = registryNow();
    expect(registerWasmTrainingKernels()).toEqual({ registered: WASM_TRAINING_KERNELS });
    for (const [name, config] of registryNow()) expect(config).toBe(before.get(name));
  });

  test('the wasm backend, started after registering, trains a convolution as cpu does', async () => {
    await tf.setBackend('cpu');
    const expected = convPoolFilterGradient();
    expect(await tf.setBackend('wasm')).toBe(true);
    const actual = convPoolFilterGradient();
    expect(actual.length).toBe(expected.length);
    actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
  });

  test('unregistering puts back the very stock configs and removes the added kernel', () => {
    expect(unregisterWasmTrainingKernels()).toEqual(WASM_TRAINING_KERNELS);
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    for (const [name, config] of registryNow()) expect([name, config]).toEqual([name, stockConfigs.get(name)]);
    for (const [name, config] of registryNow()) expect(config).toBe(stockConfigs.get(name));
    expect(unregisterWasmTrainingKernels()).toEqual([]);
  });

  test('then the running wasm backend is stock again: it cannot train a convolution', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(() => convPoolFilterGradient()).toThrow("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
  });

  test('registering on the running backend works as well', async () => {
    expect(registerWasmTrainingKernels().registered).toEqual(WASM_TRAINING_KERNELS);
    await tf.setBackend('cpu');
    const expected = convPoolFilterGradient();
    await tf.setBackend('wasm');
    const actual = convPoolFilterGradient();
    actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
  });
});

describe('the version check', () => {
  test('the installed tfjs is the supported one', () => {
    expect(SUPPORTED_TFJS_VERSION).toBe('4.22.x');
    expect(installedTfjsVersions()).toEqual({ core: tf.version_core, wasm: '4.22.0' });
    expect(checkTfjsVersions()).toBeNull();
  });

  test.each([
    { core: '4.22.0', wasm: '4.22.0' },
    { core: '4.22.1', wasm: '4.22.13' },
  ])('accepts $core and $wasm', (versions) => {
    expect(checkTfjsVersions(versions)).toBeNull();
  });

  test.each([
    { versions: { core: '4.21.0', wasm: '4.22.0' }, named: ['@tensorflow/tfjs-core 4.21.0'] },
    { versions: { core: '4.22.0', wasm: '5.0.0' }, named: ['@tensorflow/tfjs-backend-wasm 5.0.0'] },
    { versions: { core: '4.23.0', wasm: '4.220.0' }, named: ['@tensorflow/tfjs-core 4.23.0', '@tensorflow/tfjs-backend-wasm 4.220.0'] },
    { versions: { core: '4.22.0-rc.0', wasm: '4.22.0' }, named: ['@tensorflow/tfjs-core 4.22.0-rc.0'] },
    { versions: { core: '4.22.0', wasm: undefined }, named: ['@tensorflow/tfjs-backend-wasm (version unknown)'] },
  ])('refuses $versions.core and $versions.wasm, naming what is wrong', ({ versions, named }) => {
    const reason = checkTfjsVersions(versions);
    expect(reason).toContain(`supports TensorFlow.js ${SUPPORTED_TFJS_VERSION} only`);
    for (const n of named) expect(reason).toContain(n);
    expect(reason).toContain("tfjs's own wasm kernels stay in place");
  });
});
