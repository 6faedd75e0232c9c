/**
 * Helpers shared by the tests that check tfjs-backend-wasm-training's
 * kernels and optimizer against the cpu backend: seeded data, backend
 * switching, elementwise comparison with a tolerance (keeping the largest
 * differences for a summary), the package's SIMD switch, and tensor / wasm
 * buffer leak counting.
 *
 * The test files import the tfjs backends themselves; this module only uses
 * tfjs-core's registry.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { setSimdEnabled, type WasmBackendLike } from 'tfjs-backend-wasm-training/testing';

export type Backend = 'cpu' | 'wasm';

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` seeded values, uniform in [-1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

/** The number of elements of a tensor of this shape. */
export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Switches to `backend`, expecting the switch to succeed. */
export async function useBackend(backend: Backend): Promise<void> {
  expect(await tf.setBackend(backend)).toBe(true);
  expect(tf.getBackend()).toBe(backend);
}

/** Runs `fn` on `backend` and returns its result; tensors made inside are freed (tf.tidy). */
export async function on<T extends tf.TensorContainer>(backend: Backend, fn: () => T): Promise<T> {
  await useBackend(backend);
  return tf.tidy(fn);
}

/** The same computation on cpu (the reference), then on wasm. */
export async function cpuThenWasm<T>(run: (backend: Backend) => T | Promise<T>): Promise<{ expected: T; actual: T }> {
  const expected = await run('cpu');
  const actual = await run('wasm');
  return { expected, actual };
}

/** The wasm backend as the package's kernels see it (switching to it first). */
export async function wasmBackend(): Promise<WasmBackendLike> {
  await useBackend('wasm');
  return tf.backend() as unknown as WasmBackendLike;
}

/** Runs `fn` with the package's SIMD helpers switched on or off, restoring the setting after. */
export async function withSimd<T>(enabled: boolean, fn: () => Promise<T>): Promise<T> {
  const was = setSimdEnabled(enabled);
  try {
    return await fn();
  } finally {
    setSimdEnabled(was);
  }
}

/** Runs `fn` with the package's SIMD helpers off (the kernels' JavaScript paths). */
export function withoutSimd<T>(fn: () => Promise<T>): Promise<T> {
  return withSimd(false, fn);
}

/** Largest differences seen under one label. */
export interface Worst {
  /** largest |wasm - cpu| */
  abs: number;
  /** largest |wasm - cpu| / max(1, max |cpu|) */
  rel: number;
  /** comparisons made */
  n: number;
}

/**
 * A checker of wasm results against cpu results: elementwise
 * |a - e| <= rtol * |e| + atol * max(1, max |e|) (the rtol term is left out
 * when rtol is 0), NaN-safe. It keeps the largest differences per label.
 */
export function closeChecker(tolerance: { rtol: number; atol: number }) {
  const { rtol, atol } = tolerance;
  const worst = new Map<string, Worst>();

  function expectClose(label: string, actual: Float32Array, expected: Float32Array): void {
    expect(actual.length).toBe(expected.length);
    let largest = 0;
    for (const e of expected) largest = Math.max(largest, Math.abs(e));
    const scale = Math.max(1, largest);
    let maxAbs = 0;
    let bad = -1;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(actual[i] - expected[i]);
      const bound = atol * scale + (rtol === 0 ? 0 : rtol * Math.abs(expected[i]));
      if (!(d <= bound) && bad < 0) bad = i;
      if (!(d <= maxAbs)) maxAbs = d; // NaN-safe: a NaN difference becomes maxAbs
    }
    const w = worst.get(label) ?? { abs: 0, rel: 0, n: 0 };
    worst.set(label, { abs: Math.max(w.abs, maxAbs), rel: Math.max(w.rel, maxAbs / scale), n: w.n + 1 });
    if (bad >= 0) {
      throw new Error(
        `${label}: element ${bad} is ${actual[bad]} on wasm, ${expected[bad]} on cpu ` +
          `(largest |value| ${largest}, largest difference ${maxAbs})`,
      );
    }
  }

  /** expectClose for each of a list of arrays (the same number on both sides). */
  function expectAllClose(label: string, actual: Float32Array[], expected: Float32Array[]): void {
    expect(actual).toHaveLength(expected.length);
    expected.forEach((e, i) => expectClose(label, actual[i], e));
  }

  /** One line per label: comparisons and largest differences. */
  function summary(): string {
    return [...worst]
      .map(([k, w]) => `  ${k}: ${w.n} comparisons, max |diff| ${w.abs.toExponential(2)}, ` +
        `max |diff| / max(1, max |cpu|) ${w.rel.toExponential(2)}`)
      .join('\n');
  }

  return { expectClose, expectAllClose, summary, worst };
}

/** Anything that counts its data buffers (every tfjs backend). */
interface CountsBuffers {
  numDataIds(): number;
}

/** The live tensor count and the backend's buffer count, taken now; expectations are relative to them. */
export class LiveCounts {
  readonly tensors = tf.memory().numTensors;
  readonly buffers: number;

  constructor(private readonly backend: CountsBuffers) {
    this.buffers = backend.numDataIds();
  }

  /** Expects `extra` more live tensors than when counted. */
  expectTensors(extra = 0): void {
    expect(tf.memory().numTensors).toBe(this.tensors + extra);
  }

  /** Expects `extra` more backend buffers than when counted. */
  expectBuffers(extra = 0): void {
    expect(this.backend.numDataIds()).toBe(this.buffers + extra);
  }

  /** Expects both counts to be up by the given numbers (both back where they were by default). */
  expectBoth(extraTensors = 0, extraBuffers = extraTensors): void {
    this.expectTensors(extraTensors);
    this.expectBuffers(extraBuffers);
  }
}

/**
 * Calls `call` `times` times: each result must add exactly one tensor and
 * one buffer, and disposing it must bring both counts back.
 */
export function expectEachCallFreed(backend: CountsBuffers, times: number, call: () => tf.Tensor): void {
  const counts = new LiveCounts(backend);
  for (let k = 0; k < times; k++) {
    const out = call();
    counts.expectBoth(1);
    out.dispose();
  }
  counts.expectBoth();
}

/** The live tensor and buffer counts as one comparable string. */
export function countsNow(backend: CountsBuffers): string {
  return `${tf.memory().numTensors} tensors, ${backend.numDataIds()} wasm buffers`;
}

/** Expects every entry of `counts` from index `from` on to be the same. */
export function expectSteady(counts: string[], from = 0): void {
  expect(new Set(counts.slice(from))).toEqual(new Set([counts[from]]));
}

/**
 * Trains `model` on the one batch (x, y) for `steps` steps with trainOnBatch
 * (no shuffling, so a run is the same every time); returns the loss of each
 * step (the first value when metrics are compiled in too) and the live
 * counts after it (see countsNow).
 */
export async function trainOnBatchCounting(
  model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number, backend: CountsBuffers,
): Promise<{ losses: number[]; counts: string[] }> {
  const losses: number[] = [];
  const counts: string[] = [];
  for (let step = 0; step < steps; step++) {
    const result = await model.trainOnBatch(x, y);
    losses.push(Array.isArray(result) ? result[0] : result);
    counts.push(countsNow(backend));
  }
  return { losses, counts };
}
