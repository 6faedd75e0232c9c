/**
 * The exercises of chapter 03, checked by `check('03.M', answer)` in the notebook.
 * None needs MNIST: each calls the student's function on small inputs whose
 * answers are known exactly, so the checks behave the same in every profile.
 */
import { closeTo, describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber, WrongAnswer } from './exercise';

/** Calls a student's function and insists on a list of finite numbers back. */
function numbersFrom(value: unknown, what: string): number[] {
  expectThat(Array.isArray(value) || ArrayBuffer.isView(value), `${what} should return an array of numbers, not ${describeValue(value)}`);
  const list = Array.from(value as ArrayLike<unknown>);
  expectThat(list.every((v) => typeof v === 'number'), `${what} should return numbers only`);
  return list as number[];
}

function exactSoftmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** The line y = a x + b that exercise 03.4 fits to these points, by least squares. */
export const LINE_POINTS: readonly (readonly [number, number])[] = [
  [0, 1], [1, 3], [2, 4], [3, 7], [4, 9],
];

function leastSquaresLine(points: readonly (readonly [number, number])[]): [number, number] {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) * (x - mx), 0);
  const a = sxy / sxx;
  return [a, my - a * mx];
}

export const CHAPTER_03_EXERCISES: ExerciseSet = {
  '03.1': {
    task: 'Write softmax for a list of scores, safe for large scores',
    check(answer) {
      const softmax = givenFunction(answer, 'softmax') as (z: number[]) => unknown;
      const cases: number[][] = [[1, 2, 3], [0, 0, 0, 0], [-2, 5], [3, -1, 0.5, 2, -4], [1000, 1001, 1002], [-1000, -1000]];
      for (const z of cases) {
        const got = numbersFrom(given(softmax([...z])), 'softmax');
        const want = exactSoftmax(z);
        expectThat(got.length === z.length, `softmax of ${z.length} scores should give ${z.length} probabilities, it gave ${got.length}`);
        if (got.some((v) => !Number.isFinite(v))) {
          throw new WrongAnswer(`softmax([${z.join(', ')}]) gives a number that is not finite (Infinity or NaN): e^z overflows for large z and underflows to 0 for very negative z. What can you subtract from every score without changing the result?`);
        }
        const sum = got.reduce((a, b) => a + b, 0);
        expectThat(closeTo(sum, 1, 1e-9), `the probabilities of [${z.join(', ')}] add up to ${sum.toPrecision(6)}, not 1: divide each e^z by the sum over all scores`);
        expectThat(got.every((v, i) => closeTo(v, want[i], 1e-9)), `softmax([${z.join(', ')}]) is not right yet: each entry should be e^(its score) divided by the sum of e^(every score)`);
      }
    },
  },
  '03.2': {
    task: 'Write the cross-entropy loss of one example',
    check(answer) {
      const loss = givenFunction(answer, 'crossEntropyLoss') as (p: number[], label: number) => unknown;
      const cases: [number[], number][] = [[[0.1, 0.7, 0.2], 1], [[0.25, 0.25, 0.25, 0.25], 3], [[0.5, 0.5], 0], [[0.05, 0.05, 0.9], 0], [[0, 1, 0], 1]];
      for (const [p, label] of cases) {
        const got = givenNumber(loss([...p], label), `crossEntropyLoss([${p.join(', ')}], ${label})`);
        const want = -Math.log(p[label]);
        expectThat(got >= -1e-6, `crossEntropyLoss([${p.join(', ')}], ${label}) is negative; a loss is never below 0 (look at the sign: log of a probability is negative)`);
        // 1e-4 leaves room for a small epsilon inside the logarithm, as lib's own loss has.
        if (Math.abs(got - want) <= 1e-4) continue;
        const usesAnother = p.some((q, k) => k !== label && Math.abs(got + Math.log(q)) <= 1e-4);
        expectThat(!usesAnother, `crossEntropyLoss([${p.join(', ')}], ${label}) uses the probability of another class: only the probability of the true label counts`);
        expectThat(false, `crossEntropyLoss([${p.join(', ')}], ${label}) gives ${got.toPrecision(5)}; the loss is minus the logarithm of one of the probabilities`);
      }
    },
  },
  '03.3': {
    task: 'Find where gradient descent on L(w) = 4(w - 1)^2 stops converging',
    check(answer) {
      const rate = givenNumber(answer, 'the learning rate');
      expectThat(rate > 0, 'a learning rate is positive: it is how far each step goes downhill');
      expectThat(rate >= 0.245, 'at that learning rate gradient descent still converges: try larger rates and watch whether |w - 1| shrinks from step to step');
      expectThat(rate <= 0.255, 'at that learning rate gradient descent already diverges: the boundary lies at a smaller rate');
    },
  },
  '03.4': {
    task: 'Fit a line y = a x + b to five points by gradient descent',
    check(answer) {
      const fitted = numbersFrom(given(answer), 'your fit');
      expectThat(fitted.length === 2, `give the fitted line as [a, b], two numbers, not ${fitted.length}`);
      const [a, b] = fitted;
      const [bestA, bestB] = leastSquaresLine(LINE_POINTS);
      if (closeTo(a, bestB, 1e-3) && closeTo(b, bestA, 1e-3)) expectThat(false, 'the two numbers are the right ones in the wrong order: give [a, b], slope first');
      expectThat(
        closeTo(a, bestA, 1e-3) && closeTo(b, bestB, 1e-3),
        'not at the minimum of the mean squared error yet: check both partial derivatives (each has a factor 2/N), then take more steps or a larger (but stable) learning rate',
      );
    },
  },
  '03.5': {
    task: 'Count the steps of one epoch: 60,000 images in batches of 64',
    check(answer) {
      const steps = givenNumber(answer, 'the number of steps');
      expectThat(Number.isInteger(steps), 'a step uses one whole batch, so the number of steps is a whole number');
      expectThat(steps !== Math.floor(60000 / 64), 'almost: the images left over after the last full batch still make one more, smaller batch');
      expectThat(steps === Math.ceil(60000 / 64), 'not yet: an epoch passes over every training image once, one batch per step');
    },
  },
  '03.6': {
    task: 'Write a numerical derivative by differences',
    check(answer) {
      const derivative = givenFunction(answer, 'numericalDerivative') as (f: (x: number) => number, x: number) => unknown;
      const cases: [string, (x: number) => number, number, number][] = [
        ['x^3 at x = 2', (x) => x ** 3, 2, 12],
        ['sin(x) at x = 1', Math.sin, 1, Math.cos(1)],
        ['e^x at x = 0', Math.exp, 0, 1],
        ['1/x at x = 0.5', (x) => 1 / x, 0.5, -4],
        ['a straight line 3x + 1 at x = -7', (x) => 3 * x + 1, -7, 3],
      ];
      for (const [name, f, x, exact] of cases) {
        const got = givenNumber(derivative(f, x), `the derivative of ${name}`);
        expectThat(
          closeTo(got, exact, 1e-5),
          `the derivative of ${name} is off by ${Math.abs(got - exact).toExponential(1)}: a difference over one side has an error proportional to h; a central difference (both sides) is far more accurate, and h should be small but not tiny`,
        );
      }
    },
  },
};
