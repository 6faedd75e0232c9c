/** The exercises of chapter 06, checked by `check('06.M', answer)` in the notebook. */
import { SeededRandom } from '../base/random';
import { currentProfile } from '../base/profile';
import { loadMnist, mnistForProfile } from '../data/mnist';
import { classMetrics, confusionMatrix } from '../evaluation/metrics';
import { rowArgmax } from '../base/argmax';
import { closeTo, describeValue, type ExerciseSet, expectThat, given, givenFunction, givenNumber } from './exercise';

/** A seeded 10x10 confusion matrix with a heavy diagonal and a few mistakes everywhere. */
function randomMatrix(random: SeededRandom): number[][] {
  return Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 50 + random.nextInt(100) : 1 + random.nextInt(6))));
}

/** `count` seeded rows of 10 softmax probabilities (some sure, some hesitant) and labels that are right about 80% of the time. */
function randomPredictions(seed: number, count: number): { probabilities: Float32Array; labels: Uint8Array } {
  const random = new SeededRandom(seed);
  const probabilities = new Float32Array(count * 10);
  const labels = new Uint8Array(count);
  for (let row = 0; row < count; row++) {
    const sharpness = 1 + 9 * random.next();
    const logits = Array.from({ length: 10 }, () => sharpness * random.next());
    const total = logits.reduce((sum, logit) => sum + Math.exp(logit), 0);
    logits.forEach((logit, c) => { probabilities[row * 10 + c] = Math.exp(logit) / total; });
    const predicted = rowArgmax(probabilities, row, 10);
    labels[row] = random.next() < 0.8 ? predicted : random.nextInt(10);
  }
  return { probabilities, labels };
}

/** An object's numeric field, or a hint naming it. */
function field(answer: unknown, name: string): number {
  given(answer);
  expectThat(typeof answer === 'object' && answer !== null, `return an object with the fields the task names, not ${describeValue(answer)}`);
  return givenNumber((answer as Record<string, unknown>)[name], `the field \`${name}\``);
}

export const CHAPTER_06_EXERCISES: ExerciseSet = {
  '06.1': {
    task: 'Write precisionAndRecall(matrix, digit) from a confusion matrix.',
    check(answer) {
      const precisionAndRecall = givenFunction(answer, 'precisionAndRecall') as (matrix: number[][], digit: number) => unknown;
      const random = new SeededRandom(6);
      for (let trial = 0; trial < 5; trial++) {
        const matrix = randomMatrix(random);
        const expected = classMetrics(matrix).perClass;
        for (let digit = 0; digit < 10; digit++) {
          const result = given(precisionAndRecall(matrix.map((row) => [...row]), digit));
          const precision = field(result, 'precision'), recall = field(result, 'recall');
          const { precision: p, recall: r } = expected[digit];
          if (closeTo(precision, r) && closeTo(recall, p) && !closeTo(p, r)) expectThat(false, 'precision and recall are swapped: precision divides by what the network predicted (a column), recall by what the images are (a row)');
          expectThat(precision <= 1 && recall <= 1, 'give shares from 0 to 1, not percentages');
          expectThat(closeTo(precision, p), `precision is off for digit ${digit}: TP over everything in the digit's column of predictions`);
          expectThat(closeTo(recall, r), `recall is off for digit ${digit}: TP over everything in the digit's row of true images`);
        }
      }
    },
  },
  '06.2': {
    task: 'Precision, recall and F1 for 9, and accuracy, of a classifier that answers 9 for every test image.',
    async check(answer) {
      const precision = field(answer, 'precision'), recall = field(answer, 'recall'), f1 = field(answer, 'f1'), accuracy = field(answer, 'accuracy');
      expectThat([precision, recall, f1, accuracy].every((value) => value >= 0 && value <= 1), 'give shares from 0 to 1, not percentages');
      const { test } = mnistForProfile(await loadMnist(), currentProfile());
      const nine = classMetrics(confusionMatrix(test.labels, new Uint8Array(test.count).fill(9))).perClass[9];
      const share = nine.support / test.count;
      expectThat(closeTo(recall, 1), 'recall: of all the real 9s, how many did the lazy classifier call 9?');
      expectThat(closeTo(precision, share, 1e-4), 'precision: of all the images it called 9 (every test image), how many are 9s? Count the 9s in test.labels');
      expectThat(closeTo(accuracy, share, 1e-4), 'accuracy: which images does it get right, out of all of them?');
      expectThat(closeTo(f1, nine.f1, 1e-4), 'F1 is the harmonic mean 2PR / (P + R) of your precision and recall');
    },
  },
  '06.3': {
    task: 'Write keepSure(probabilities, labels, threshold): how many answers reach the threshold, and their accuracy.',
    check(answer) {
      const keepSure = givenFunction(answer, 'keepSure') as (probabilities: Float32Array, labels: Uint8Array, threshold: number) => unknown;
      const { probabilities, labels } = randomPredictions(63, 400);
      for (const threshold of [0.3, 0.5, 0.7]) {
        let kept = 0, right = 0;
        for (let row = 0; row < labels.length; row++) {
          const predicted = rowArgmax(probabilities, row, 10);
          if (probabilities[row * 10 + predicted] < threshold) continue;
          kept++;
          if (predicted === labels[row]) right++;
        }
        const result = given(keepSure(probabilities, labels, threshold));
        const keptAnswer = field(result, 'kept'), accuracyAnswer = field(result, 'accuracy');
        expectThat(keptAnswer === kept, `kept is off at threshold ${threshold}: count the images whose largest probability is at least the threshold`);
        expectThat(accuracyAnswer <= 1, 'give the accuracy as a share from 0 to 1');
        expectThat(closeTo(accuracyAnswer, right / kept), `accuracy is off at threshold ${threshold}: right answers among the kept images only, divided by how many were kept`);
      }
    },
  },
  '06.4': {
    task: 'Write firstRightSecondWrong(labels, first, second): the images the first classifier gets right and the second gets wrong.',
    check(answer) {
      const firstRightSecondWrong = givenFunction(answer, 'firstRightSecondWrong') as (labels: Uint8Array, first: Uint8Array, second: Uint8Array) => unknown;
      const random = new SeededRandom(64);
      const labels = Uint8Array.from({ length: 300 }, () => random.nextInt(10));
      const guess = (rightShare: number): Uint8Array => labels.map((label) => (random.next() < rightShare ? label : (label + 1 + random.nextInt(9)) % 10));
      const first = guess(0.8), second = guess(0.6);
      const expected = Array.from(labels).flatMap((label, i) => (first[i] === label && second[i] !== label ? [i] : []));
      const result = given(firstRightSecondWrong(labels, first, second));
      expectThat(Array.isArray(result) || ArrayBuffer.isView(result), `return the indices as an array, not ${describeValue(result)}`);
      const indices = Array.from(result as ArrayLike<number>);
      const reversed = Array.from(labels).flatMap((label, i) => (second[i] === label && first[i] !== label ? [i] : []));
      expectThat(!(indices.length === reversed.length && indices.every((v, i) => v === reversed[i])), 'that is the other way round: the first classifier right, the second wrong');
      expectThat(indices.length === expected.length, `expected ${expected.length > indices.length ? 'more' : 'fewer'} images: an image counts when first[i] equals its label and second[i] does not`);
      expectThat([...indices].sort((a, b) => a - b).every((v, i) => v === expected[i]), 'the count is right but some indices are not: return the image indices i, not labels or predictions');
    },
  },
  '06.5': {
    task: 'Write mostSureRight(labels, probabilities, digit): the image of the digit the network got right with the largest probability.',
    check(answer) {
      const mostSureRight = givenFunction(answer, 'mostSureRight') as (labels: Uint8Array, probabilities: Float32Array, digit: number) => unknown;
      const { probabilities, labels } = randomPredictions(65, 500);
      for (let digit = 0; digit < 10; digit++) {
        let best = -1;
        for (let row = 0; row < labels.length; row++) {
          if (labels[row] !== digit || rowArgmax(probabilities, row, 10) !== digit) continue;
          if (best < 0 || probabilities[row * 10 + digit] > probabilities[best * 10 + digit]) best = row;
        }
        const index = givenNumber(mostSureRight(labels, probabilities, digit), `mostSureRight(labels, probabilities, ${digit})`);
        expectThat(labels[index] === digit, `for digit ${digit} you returned an image of a ${labels[index]}: look only at images labelled with the digit`);
        expectThat(rowArgmax(probabilities, index, 10) === digit, `for digit ${digit} you returned an image the network got wrong: keep only those whose most probable digit is the label`);
        expectThat(index === best, `for digit ${digit} there is an image the network was surer of: compare probabilities[i * 10 + digit]`);
      }
    },
  },
};
