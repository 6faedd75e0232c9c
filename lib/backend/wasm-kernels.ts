/**
 * Training kernels for `@tensorflow/tfjs-backend-wasm` 4.22.
 *
 * Training the series' CNNs (LeNet-5; conv 32-64-64 + dense 64; conv 32 5x5 +
 * dropout + dense 128) with tfjs-layers, Adam and categoricalCrossentropy on
 * the wasm backend needs two fixes, and only these two (checked by recording
 * every kernel those trainings run):
 *
 * - `Conv2DBackpropFilter` is missing (tfjs issue #8474): any Conv2D model
 *   fails on its first training step with "Kernel 'Conv2DBackpropFilter' not
 *   registered for backend 'wasm'".
 * - `MaxPoolGrad` is registered but wrong: the wasm max-pool helpers start
 *   their running maximum at the smallest *positive* float (1.18e-38) instead
 *   of -Infinity, so a pooling window whose values are all <= 0 loses its
 *   gradient (it lands on a wrong element). That corrupts the gradients of any
 *   layer whose output may be negative before a max-pool (LeNet-5's second
 *   conv, the CNN's second conv, and every layer before them). The same bug
 *   makes the wasm `MaxPoolWithArgmax` wrong, which training does not use.
 *
 * Everything else those trainings call (Conv2D, FusedConv2D,
 * Conv2DBackpropInput, _FusedMatMul, BatchMatMul, MaxPool, Step, Select, the
 * element-wise kernels of dropout and Adam, ...) exists on wasm and matches
 * the cpu backend.
 */
import {
  backend_util,
  engine,
  getKernel,
  registerKernel,
  unregisterKernel,
  type Conv2DBackpropFilterAttrs,
  type DataType,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type NamedAttrMap,
  type NamedTensorMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Name of the backend the kernels are registered for. */
const WASM = 'wasm';

/**
 * Names of the kernels that {@link registerWasmTrainingKernels} registers for
 * the wasm backend: `Conv2DBackpropFilter` (missing from tfjs-backend-wasm
 * 4.22) and `MaxPoolGrad` (replaces tfjs-backend-wasm's, which is wrong when a
 * pooling window holds no positive value).
 */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.freeze([
  'Conv2DBackpropFilter',
  'MaxPoolGrad',
]);

/**
 * Marks the kernel configs made here, so that a second copy of this module
 * (the compiled lib/dist next to the TypeScript source in a test run, say)
 * recognises them as its own.
 */
const OURS = Symbol.for('@mnist-ts/lib/wasm-training-kernel');

/** The parts of tfjs-backend-wasm's BackendWasm that the kernels below use. */
interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Runs a kernel of the active backend from inside a kernel (not recorded on the tape). */
function run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): Tensor {
  // A kernel's inputs are the engine's Tensors at run time; the engine reads
  // only their TensorInfo part (dataId, shape, dtype).
  return engine().runKernel(kernelName, inputs as unknown as NamedTensorMap, attrs) as Tensor;
}

/**
 * Conv2DBackpropFilter as a forward convolution.
 *
 * The math. The forward convolution (NHWC, filter [fh, fw, ci, co], strides
 * sh and sw, input zero-padded by `top` rows and `left` columns, xp) is
 *
 *   y[b, i, j, o] = sum_{p, q, c} xp[b, i*sh + p, j*sw + q, c] * w[p, q, c, o]
 *
 * so its filter gradient sums over the batch and over every output position:
 *
 *   dw[p, q, c, o] = sum_{b, i, j} xp[b, p + i*sh, q + j*sw, c] * dy[b, i, j, o].
 *
 * Rename the roles: let c play the batch, b the input channel, (p, q) the
 * output position and (i, j) the filter taps. Then this is itself a plain
 * forward convolution
 *
 *   dw'[c, p, q, o] = sum_{i, j, b} x'[c, p + i*sh, q + j*sw, b] * f'[i, j, b, o]
 *
 * of x' = xp with its batch and channel axes swapped ([ci, H, W, B]) by the
 * "filter" f' = dy with its batch axis moved into the input-channel slot
 * ([outH, outW, B, co]), with stride 1 but with the taps (i, j) spaced sh and
 * sw apart: the forward stride becomes the dilation. Its output is
 * [ci, fh', fw', co] with fh' = Hp - (outH - 1)*sh >= fh, larger only when a
 * strided forward pass never reached the last rows of the input; it is sliced
 * to [ci, fh, fw, co] and its axes are moved back to [fh, fw, ci, co].
 *
 * The zero padding of the forward pass ('same', a number or explicit pads) is
 * passed to this convolution as explicit padding: `top` and `left` as in the
 * forward pass, and at the bottom and right only as much as the strided
 * windows actually reach.
 *
 * All the arithmetic runs in the wasm backend's forward convolution (XNNPACK,
 * its fast path); the transposes and the optional slice only move memory.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;

  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(
      `Conv2DBackpropFilter on the wasm backend (registered by @mnist-ts/lib) supports only ` +
        `dataFormat 'NHWC' (channels last), got '${String(dataFormat)}'.`,
    );
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(
      `Conv2DBackpropFilter on the wasm backend expects rank-4 x and dy, got shapes ` +
        `[${x.shape.join(', ')}] and [${dy.shape.join(', ')}].`,
    );
  }

  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const expected = [batchSize, outHeight, outWidth, outChannels];
  if (dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `Conv2DBackpropFilter: dy has shape [${dy.shape.join(', ')}], expected ` +
        `[${expected.join(', ')}].`,
    );
  }

  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padded rows (columns) that the strided windows reach beyond the input.
  const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - top - inHeight);
  const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - left - inWidth);

  const temps: Tensor[] = [];
  try {
    // x' = [ci, H, W, B], f' = [outH, outW, B, co].
    const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
    temps.push(xT);
    const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    temps.push(dyT);
    const conv = run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [strideHeight, strideWidth],
      },
    );
    temps.push(conv);
    // conv is [ci, fh', fw', co] with fh' >= fh and fw' >= fw.
    let cropped = conv;
    if (conv.shape[1] !== filterHeight || conv.shape[2] !== filterWidth) {
      cropped = run(
        'Slice',
        { x: conv },
        { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] },
      );
      temps.push(cropped);
    }
    const dw = run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
    temps.push(dw);
    // dw is a Tensor the engine tracks, disposed below. Its data goes on as
    // this kernel's output, so take one more reference on it first, as the
    // wasm backend's own Reshape does when it hands out its input's data.
    (backend as KernelBackend).incRef(dw.dataId);
    return { dataId: dw.dataId, shape: dw.shape.slice(), dtype: dw.dtype };
  } finally {
    for (const t of temps) t.dispose();
  }
};

/**
 * MaxPoolGrad: each pooling window sends its dy to the first element holding
 * the window's maximum (the cpu backend's rule; padding never wins; a window
 * of NaNs sends nothing), summed where windows overlap.
 *
 * Written as one pass over the wasm heap rather than composed from other wasm
 * kernels: the wasm kernels that find a window's maximum position
 * (MaxPoolGrad, MaxPoolWithArgmax) share the bug this replaces, and an
 * equality mask against the (correct, XNNPACK) forward MaxPool would send the
 * gradient to every tied element. The pass reads the input once per window,
 * channels innermost, which for the usual 2x2 / stride 2 pool is one read of
 * x and dy and one write of dx.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as WasmBackendLike;

  if (input.shape.length !== 4) {
    throw new Error(`MaxPoolGrad: input must be rank 4, got shape [${input.shape.join(', ')}].`);
  }
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const expected = [batchSize, outHeight, outWidth, channels];
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `MaxPoolGrad: dy has shape [${dy.shape.join(', ')}], expected [${expected.join(', ')}].`,
    );
  }
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  // Allocate first: a heap allocation may move the heap, so views are taken after.
  const out = wasm.makeOutput(input.shape.slice(), 'float32');
  const x = wasm.typedArrayFromHeap(input);
  const g = wasm.typedArrayFromHeap(dy);
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0); // fresh heap memory is not zeroed

  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  const rowStride = inWidth * channels;
  let gi = 0; // index into dy, which is visited in its own NHWC order
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - padTop);
      const r1 = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = Math.max(0, ow * strideWidth - padLeft);
        const c1 = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = r0; r < r1; r++) {
          for (let col = c0; col < c1; col++) {
            const base = batchBase + r * rowStride + col * channels;
            for (let ch = 0; ch < channels; ch++) {
              const v = x[base + ch];
              // Strictly greater: the first maximum in row-major order wins.
              if (v > best[ch]) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < channels; ch++, gi++) {
          const at = where[ch];
          if (at >= 0) dx[at] += g[gi];
        }
      }
    }
  }
  return out;
};

interface MarkedKernelConfig extends KernelConfig {
  [OURS]: true;
}

/** The kernels, and whether each replaces a kernel that tfjs-backend-wasm registers. */
const KERNELS: readonly { config: MarkedKernelConfig; replaces: boolean }[] = [
  {
    config: { kernelName: 'Conv2DBackpropFilter', backendName: WASM, kernelFunc: conv2DBackpropFilter, [OURS]: true },
    replaces: false,
  },
  {
    config: { kernelName: 'MaxPoolGrad', backendName: WASM, kernelFunc: maxPoolGrad, [OURS]: true },
    replaces: true,
  },
];

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config as Partial<MarkedKernelConfig>)[OURS] === true;
}

/**
 * Registers the wasm backend's training kernels listed in
 * {@link WASM_TRAINING_KERNELS}. Call it once before training on wasm, before
 * or after `tf.setBackend('wasm')`; calling it again does nothing more.
 *
 * A missing kernel (`Conv2DBackpropFilter`) is registered only if nothing else
 * has registered one for wasm; a broken one (`MaxPoolGrad`) replaces
 * tfjs-backend-wasm's, which lib pins at 4.22.0.
 *
 * @returns the names of the kernels now registered for wasm by this module,
 *   whether by this call or an earlier one.
 */
export function registerWasmTrainingKernels(): string[] {
  const ours: string[] = [];
  for (const { config, replaces } of KERNELS) {
    const existing = getKernel(config.kernelName, WASM);
    if (isOurs(existing)) {
      ours.push(config.kernelName);
    } else if (existing == null || replaces) {
      // Unregister first: registerKernel would also overwrite, but with a warning.
      if (existing != null) unregisterKernel(config.kernelName, WASM);
      registerKernel(config);
      ours.push(config.kernelName);
    }
  }
  return ours;
}
