/**
 * Two-dimensional cross-correlation, what a convolution layer computes for
 * one input channel and one filter, written as plain loops (chapter 05 writes
 * the same loops in the notebook before handing over to `tf.conv2d`).
 */

/** Stride and zero padding of a convolution. */
export interface ConvolutionOptions {
  /** Steps between neighbouring windows, down and across; default 1. */
  readonly stride?: number;
  /** Rows and columns of zeros added on every side of the input; default 0 ("valid"). */
  readonly padding?: number;
}

function checkedOptions(options: ConvolutionOptions): { stride: number; padding: number } {
  const { stride = 1, padding = 0 } = options;
  if (!(Number.isInteger(stride) && stride >= 1)) throw new RangeError(`stride must be a whole number of at least 1, not ${stride}`);
  if (!(Number.isInteger(padding) && padding >= 0)) throw new RangeError(`padding must be a whole number of at least 0, not ${padding}`);
  return { stride, padding };
}

/**
 * The side of a convolution's (or pooling's) output: ⌊(n + 2p − k)/s⌋ + 1
 * for an input side n, window side k, padding p and stride s.
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function convOutputSize(inputSize: number, kernelSize: number, options: ConvolutionOptions = {}): number {
  const { stride, padding } = checkedOptions(options);
  const span = inputSize + 2 * padding - kernelSize;
  if (span < 0) throw new RangeError(`a ${kernelSize}-wide window does not fit in ${inputSize} values with padding ${padding}`);
  return Math.floor(span / stride) + 1;
}

/**
 * Slides `kernel` over `input` and writes, at every position, the sum of the
 * products of the kernel with the values under it:
 * out[i][j] = Σ_a Σ_b x[i·s + a − p][j·s + b − p] · K[a][b], zeros outside the input.
 * This is what deep-learning libraries call a convolution (without flipping the kernel).
 *
 * Introduced in chapter 05 (Convolutional networks, notebooks/05-convolutional-networks.ipynb).
 */
export function crossCorrelate(input: readonly (readonly number[])[], kernel: readonly (readonly number[])[], options: ConvolutionOptions = {}): number[][] {
  const { stride, padding } = checkedOptions(options);
  const rows = input.length;
  const cols = rows > 0 ? input[0].length : 0;
  const kRows = kernel.length;
  const kCols = kRows > 0 ? kernel[0].length : 0;
  if (rows === 0 || cols === 0 || kRows === 0 || kCols === 0) throw new RangeError('crossCorrelate: the input and the kernel must not be empty');
  if (input.some((row) => row.length !== cols) || kernel.some((row) => row.length !== kCols)) {
    throw new RangeError('crossCorrelate: every row of the input (and of the kernel) must have the same length');
  }
  const outRows = convOutputSize(rows, kRows, { stride, padding });
  const outCols = convOutputSize(cols, kCols, { stride, padding });
  const output: number[][] = [];
  for (let i = 0; i < outRows; i++) {
    const row: number[] = [];
    for (let j = 0; j < outCols; j++) {
      let sum = 0;
      for (let a = 0; a < kRows; a++) {
        const y = i * stride + a - padding;
        if (y < 0 || y >= rows) continue;
        for (let b = 0; b < kCols; b++) {
          const x = j * stride + b - padding;
          if (x >= 0 && x < cols) sum += input[y][x] * kernel[a][b];
        }
      }
      row.push(sum);
    }
    output.push(row);
  }
  return output;
}
