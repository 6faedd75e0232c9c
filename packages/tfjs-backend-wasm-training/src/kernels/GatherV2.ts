/**
 * GatherV2 for the wasm backend: whole slices copied with one typed-array
 * copy each, where tfjs-backend-wasm 4.22 computes the coordinates of every
 * element in a general strided loop. Taking a training batch is such a
 * gather (64 rows of a [60000, 784] MNIST tensor): about 1.9 ms stock, tens of
 * microseconds here, a quarter of a small dense network's training step.
 * A copy does no arithmetic, so the values are the stock kernel's exactly.
 */
import { GatherV2, util, type GatherV2Attrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { attrsAs, type WasmBackendLike } from '../internals';
import { callStock, type TrainingKernel } from '../kernel_utils';

/**
 * Slices shorter than this many elements go to the stock kernel: a
 * typed-array copy per slice costs about as much as its per-element loop.
 */
const MIN_SLICE = 16;

/** Where the gather's slices lie: `outer` blocks of `axisSize` slices of `slice` elements. */
interface GatherGeometry {
  readonly outer: number;
  readonly axisSize: number;
  readonly slice: number;
  readonly outShape: number[];
}

/** The geometry of gathering `indices` along `axis` of `x` (no batch dimensions). */
function geometry(x: TensorInfo, indices: TensorInfo, axis: number): GatherGeometry {
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const slice = util.sizeFromShape(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  return { outer, axisSize: x.shape[axis], slice, outShape };
}

/** `GatherV2` without batch dimensions on slices of at least MIN_SLICE elements; anything else to the stock kernel. */
function makeGatherV2(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis = 0, batchDims = 0 } = attrsAs<Partial<GatherV2Attrs>>(args.attrs);
    if (x.dtype === 'string' || indices.dtype !== 'int32' || batchDims !== 0) return callStock(stock, args);
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0];
    const g = geometry(x, indices, parsedAxis);
    if (g.slice < MIN_SLICE) return callStock(stock, args);
    const backend = args.backend as WasmBackendLike;
    const rows = backend.readSync(indices.dataId) as Int32Array;
    for (const row of rows) {
      // The stock kernel's check and message.
      util.assert(row <= g.axisSize - 1 && row >= 0, () => `GatherV2: the index value ${row} is not in [0, ${g.axisSize - 1}]`);
    }
    const out = backend.makeOutput(g.outShape, x.dtype);
    if (util.sizeFromShape(g.outShape) === 0) return out;
    // Views after the last allocation (makeOutput may grow the heap).
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    let at = 0;
    for (let o = 0; o < g.outer; o++) {
      const block = o * g.axisSize;
      for (const row of rows) {
        const start = (block + row) * g.slice;
        to.set(from.subarray(start, start + g.slice), at);
        at += g.slice;
      }
    }
    return out;
  };
}

/** GatherV2, replacing tfjs-backend-wasm's; short slices, batch dimensions and strings still go to it. */
export const gatherV2Kernel: TrainingKernel = { kernelName: GatherV2, replaces: true, makeKernelFunc: makeGatherV2 };
