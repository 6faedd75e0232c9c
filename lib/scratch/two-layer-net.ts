/**
 * A two-layer network written out by hand: input → dense → sigmoid → dense →
 * softmax, trained with cross-entropy. Forward and backward passes are plain
 * loops over Float64Arrays, with no tensors and no automatic differentiation.
 */
import { SeededRandom } from '../base/random';
import { crossEntropy, LOG_EPSILON, multiplyBySigmoidSlopeInPlace, sigmoidInto, softmaxCrossEntropyGradient, softmaxRowsInto } from './activations';
import { addRowInPlace, addScaledInPlace, argmaxRows, columnSums } from './elementwise';
import { GaussianSampler } from './gaussian';
import { initialiseWeights, type WeightInit } from './initialisation';
import { compareGradients, type GradientCheck, type ParamEntries, sampleParamEntries } from './gradient-check';
import { matmul, matmulTransposeA, matmulTransposeB } from './matmul';
import { assertShape, type Matrix, zeroMatrix } from './matrix';
import { centralDifferences, DEFAULT_DIFFERENCE_STEP } from './numerical-gradient';
import { type NetParams, PARAM_NAMES, zeroParamsLike } from './params';

export interface TwoLayerNetOptions {
  /** Inputs per example; default 784 (28x28 pixels). */
  readonly inputSize?: number;
  /** Units in the sigmoid hidden layer; default 50. */
  readonly hiddenSize?: number;
  /** Classes; default 10. */
  readonly outputSize?: number;
  /** Standard deviation of the initial weights, drawn from a normal distribution; default 0.01. Biases start at 0. */
  readonly weightScale?: number;
  /** How to fill both weight matrices instead (see `WeightInit`); when given, `weightScale` is not used. */
  readonly init?: WeightInit;
  /** Seed of the initial weights; default 0. Ignored when `random` is given. */
  readonly seed?: number;
  /** A generator to draw the initial weights from instead of a new one seeded with `seed`. */
  readonly random?: SeededRandom;
  /** Added inside the loss's logarithm; default 1e-7. */
  readonly logEpsilon?: number;
}

/** Everything the forward pass computes, for inputs x [N x inputs]. */
export interface ForwardPass {
  /** x·W1 + b1 [N x hidden]. */
  readonly hiddenInput: Matrix;
  /** sigmoid(hiddenInput) [N x hidden]. */
  readonly hidden: Matrix;
  /** hidden·W2 + b2 [N x outputs]. */
  readonly logits: Matrix;
  /** softmax(logits) [N x outputs]; each row sums to 1. */
  readonly probabilities: Matrix;
}

/** Options of `TwoLayerNet.gradientCheck`. */
export interface GradientCheckOptions {
  /** Central-difference step; default 1e-4. */
  readonly h?: number;
  /** Check only this many random entries of each group (all entries when omitted). */
  readonly entriesPerGroup?: number;
  /** Seed choosing those entries; default 0. */
  readonly seed?: number;
}

/** Buffers for one batch size, reused by every pass over a batch of that size. */
interface Workspace extends ForwardPass {
  readonly logitGradient: Matrix;
  readonly hiddenGradient: Matrix;
}

const MAX_WORKSPACES = 4;

function newForwardPass(rows: number, hiddenSize: number, outputSize: number): ForwardPass {
  return {
    hiddenInput: zeroMatrix(rows, hiddenSize),
    hidden: zeroMatrix(rows, hiddenSize),
    logits: zeroMatrix(rows, outputSize),
    probabilities: zeroMatrix(rows, outputSize),
  };
}

/**
 * The 784-50-10 network of chapter 03 (sizes configurable). Its parameters
 * are public and change in place when it learns.
 *
 * Introduced in chapter 03 (Learning from data, notebooks/03-learning-from-data.ipynb).
 */
export class TwoLayerNet {
  readonly params: NetParams;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly logEpsilon: number;
  private readonly workspaces = new Map<number, Workspace>();

  /** A new network: weights as `init` says, else `weightScale` (0.01) × standard normal numbers from the seeded generator; biases 0. */
  constructor(options: TwoLayerNetOptions = {}) {
    this.inputSize = options.inputSize ?? 784;
    this.hiddenSize = options.hiddenSize ?? 50;
    this.outputSize = options.outputSize ?? 10;
    this.logEpsilon = options.logEpsilon ?? LOG_EPSILON;
    if (!(this.logEpsilon >= 0)) throw new RangeError(`logEpsilon must be 0 or more, got ${this.logEpsilon}`);
    const random = options.random ?? new SeededRandom(options.seed ?? 0);
    const W1 = zeroMatrix(this.inputSize, this.hiddenSize);
    const W2 = zeroMatrix(this.hiddenSize, this.outputSize);
    if (options.init !== undefined) {
      initialiseWeights(W1, options.init, random);
      initialiseWeights(W2, options.init, random);
    } else {
      const normal = new GaussianSampler(random);
      normal.fill(W1.data, options.weightScale ?? 0.01);
      normal.fill(W2.data, options.weightScale ?? 0.01);
    }
    this.params = { W1, b1: zeroMatrix(1, this.hiddenSize), W2, b2: zeroMatrix(1, this.outputSize) };
  }

  /** A network using copies of the given parameters (sizes follow from W1 and W2). */
  static fromParams(params: NetParams, logEpsilon = LOG_EPSILON): TwoLayerNet {
    const net = new TwoLayerNet({ inputSize: params.W1.rows, hiddenSize: params.W1.cols, outputSize: params.W2.cols, weightScale: 0, logEpsilon });
    for (const name of PARAM_NAMES) {
      assertShape(params[name], net.params[name].rows, net.params[name].cols, name);
      net.params[name].data.set(params[name].data);
    }
    return net;
  }

  /**
   * The forward pass for inputs x [N x inputs]. Writes into `into` when given,
   * else into new matrices, so the result is the caller's to keep.
   */
  forward(x: Matrix, into?: ForwardPass): ForwardPass {
    assertShape(x, x.rows, this.inputSize, 'inputs');
    const pass = into ?? newForwardPass(x.rows, this.hiddenSize, this.outputSize);
    this.computeLogits(x, pass);
    softmaxRowsInto(pass.logits, pass.probabilities);
    return pass;
  }

  /** The most likely class of each input row (the largest logit; softmax would not change the order). */
  predict(x: Matrix, into?: Int32Array): Int32Array {
    assertShape(x, x.rows, this.inputSize, 'inputs');
    return argmaxRows(this.computeLogits(x, this.workspace(x.rows)), into);
  }

  /** Mean cross-entropy of the predictions for x against one-hot targets t [N x outputs]. */
  loss(x: Matrix, t: Matrix): number {
    assertShape(t, x.rows, this.outputSize, 'targets');
    return crossEntropy(this.forward(x, this.workspace(x.rows)).probabilities, t, this.logEpsilon);
  }

  /** How many rows of x are predicted as `labels[row]`. */
  correctCount(x: Matrix, labels: ArrayLike<number>): number {
    if (labels.length !== x.rows) throw new RangeError(`${x.rows} inputs need ${x.rows} labels, got ${labels.length}`);
    const predicted = this.predict(x);
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
    return correct;
  }

  /** The share of rows of x whose predicted class equals `labels[row]` (0 for no rows). */
  accuracy(x: Matrix, labels: ArrayLike<number>): number {
    return x.rows === 0 ? 0 : this.correctCount(x, labels) / x.rows;
  }

  /**
   * Backpropagation: fills `into` (new when omitted) with the gradient of
   * `loss(x, t)` for every parameter and returns it with that loss, computed
   * on the way. The output error is the softmax-and-cross-entropy gradient,
   * (y - t) / N (see `softmaxCrossEntropyGradient`); it flows back through W2,
   * then through the sigmoid by its slope s(1 - s).
   */
  lossAndGradients(x: Matrix, t: Matrix, into: NetParams = zeroParamsLike(this.params)): { loss: number; gradients: NetParams } {
    assertShape(t, x.rows, this.outputSize, 'targets');
    const work = this.workspace(x.rows);
    const { hidden, probabilities } = this.forward(x, work);
    const loss = crossEntropy(probabilities, t, this.logEpsilon);
    const dLogits = softmaxCrossEntropyGradient(probabilities, t, this.logEpsilon, work.logitGradient);
    matmulTransposeA(hidden, dLogits, into.W2);
    columnSums(dLogits, into.b2);
    const dHidden = matmulTransposeB(dLogits, this.params.W2, work.hiddenGradient);
    multiplyBySigmoidSlopeInPlace(dHidden, hidden);
    matmulTransposeA(x, dHidden, into.W1);
    columnSums(dHidden, into.b1);
    return { loss, gradients: into };
  }

  /** The analytic gradients of `loss(x, t)` by backpropagation, into `into` when given. */
  gradients(x: Matrix, t: Matrix, into?: NetParams): NetParams {
    return this.lossAndGradients(x, t, into).gradients;
  }

  /**
   * Gradients of `loss(x, t)` by central differences, nudging each parameter
   * by ±h. Slow (two forward passes per parameter: about 80,000 for
   * 784-50-10), so use a handful of examples, or `entries` to estimate only
   * some entries of each group; entries not estimated are NaN.
   */
  numericalGradients(x: Matrix, t: Matrix, h = DEFAULT_DIFFERENCE_STEP, entries: ParamEntries = {}): NetParams {
    const result = zeroParamsLike(this.params);
    const loss = () => this.loss(x, t);
    for (const name of PARAM_NAMES) {
      const selected = entries[name];
      if (selected) result[name].data.fill(NaN);
      centralDifferences(loss, this.params[name].data, h, selected, result[name].data);
    }
    return result;
  }

  /**
   * Compares backpropagation with central differences on (x, t), group by
   * group: the largest absolute difference and the relative error
   * ||a - n|| / (||a|| + ||n||). In float64 a correct backward pass gives
   * relative errors far below 1e-6.
   */
  gradientCheck(x: Matrix, t: Matrix, options: GradientCheckOptions = {}): GradientCheck {
    const entries = options.entriesPerGroup === undefined ? {} : sampleParamEntries(this.params, options.entriesPerGroup, options.seed ?? 0);
    const analytic = this.gradients(x, t);
    const numerical = this.numericalGradients(x, t, options.h ?? DEFAULT_DIFFERENCE_STEP, entries);
    const compare = (name: keyof NetParams) => compareGradients(analytic[name].data, numerical[name].data, entries[name]);
    return { W1: compare('W1'), b1: compare('b1'), W2: compare('W2'), b2: compare('b2') };
  }

  /** One step of plain gradient descent: every parameter -= learningRate × its gradient. */
  sgdStep(grads: NetParams, learningRate: number): void {
    for (const name of PARAM_NAMES) addScaledInPlace(this.params[name], grads[name], -learningRate);
  }

  /** The forward pass up to the logits, written into `pass`; returns the logits. */
  private computeLogits(x: Matrix, pass: ForwardPass): Matrix {
    const { W1, b1, W2, b2 } = this.params;
    addRowInPlace(matmul(x, W1, pass.hiddenInput), b1);
    sigmoidInto(pass.hiddenInput, pass.hidden);
    return addRowInPlace(matmul(pass.hidden, W2, pass.logits), b2);
  }

  /** Reusable buffers for batches of `rows` examples (a few sizes are kept). */
  private workspace(rows: number): Workspace {
    let work = this.workspaces.get(rows);
    if (!work) {
      if (this.workspaces.size >= MAX_WORKSPACES) this.workspaces.clear();
      work = {
        ...newForwardPass(rows, this.hiddenSize, this.outputSize),
        logitGradient: zeroMatrix(rows, this.outputSize),
        hiddenGradient: zeroMatrix(rows, this.hiddenSize),
      };
      this.workspaces.set(rows, work);
    }
    return work;
  }
}
