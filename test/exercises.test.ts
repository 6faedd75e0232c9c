/**
 * The exercise contract: the TODO placeholder, given/givenNumber/givenFunction,
 * runCheck's three verdicts, formatVerdict's line, exercises of one's own
 * (registerExercises, on the reserved chapter 00), and every registered
 * exercise of the series reading an untouched TODO as "not attempted".
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  closeTo,
  describeValue,
  expectThat,
  given,
  givenFunction,
  givenNumber,
  isTodo,
  NotAttempted,
  TODO,
  WrongAnswer,
} from '../lib/exercises/exercise';
import { EXERCISES, exercisesOfChapter, registerExercises, runCheck } from '../lib/exercises/registry';
import { formatVerdict } from '../lib/present/exercise';

// Chapter 00 is reserved for tests: the series' chapters start at 01.
registerExercises({
  '00.1': {
    task: 'The number of pixels in one MNIST image',
    check(answer) {
      expectThat(givenNumber(answer, 'the number of pixels') === 784, 'an image is a square grid: how many rows, how many columns?');
    },
  },
  '00.2': {
    task: 'A function that scales a pixel value from 0-255 to 0-1',
    async check(answer) {
      const scale = givenFunction(answer, 'scale') as (value: number) => unknown;
      await Promise.resolve(); // a check may be asynchronous
      for (const value of [0, 51, 255]) {
        const scaled = givenNumber(given(scale(value)), `scale(${value})`);
        expectThat(Math.abs(scaled - value / 255) < 1e-9, `scale(${value}) should lie between 0 and 1, in proportion to ${value} out of 255`);
      }
    },
  },
});

describe('the starter placeholder', () => {
  test('TODO is recognised, and nothing else is', () => {
    expect(isTodo(TODO)).toBe(true);
    for (const value of [undefined, null, 0, '', 'TODO', Symbol('mnist-ts.exercise.TODO'), {}]) expect(isTodo(value)).toBe(false);
  });

  test('given passes a value through, and throws NotAttempted on TODO', () => {
    expect(given(0)).toBe(0);
    expect(given(undefined)).toBeUndefined();
    expect(() => given(TODO)).toThrow(NotAttempted);
  });

  test('givenNumber and givenFunction accept their kind and hint at what was given instead', () => {
    expect(givenNumber(-1.5)).toBe(-1.5);
    expect(() => givenNumber(TODO)).toThrow(NotAttempted);
    expect(() => givenNumber('784', 'the count')).toThrow(new WrongAnswer('the count should be a finite number, not a string (784)'));
    expect(() => givenNumber(Number.NaN)).toThrow(WrongAnswer);
    expect(() => givenNumber(Infinity)).toThrow(WrongAnswer);
    const f = (x: number) => x;
    expect(givenFunction(f)).toBe(f);
    expect(() => givenFunction(TODO)).toThrow(NotAttempted);
    expect(() => givenFunction([1, 2], 'scale')).toThrow(new WrongAnswer('scale should be a function, not an array of 2'));
  });

  test('describeValue names a value without printing much of it', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2, 3])).toBe('an array of 3');
    expect(describeValue(new Float32Array(4))).toBe('a Float32Array');
    expect(describeValue(new Map())).toBe('an object (Map)');
    expect(describeValue('x'.repeat(100))).toBe(`a string (${'x'.repeat(40)})`);
  });

  test('closeTo compares absolutely below 1 and relatively above', () => {
    expect(closeTo(0.1 + 0.2, 0.3)).toBe(true);
    expect(closeTo(1e-3, 0, 1e-4)).toBe(false);
    expect(closeTo(1000.5, 1000, 1e-3)).toBe(true);
    expect(closeTo(1002, 1000, 1e-3)).toBe(false);
    expect(closeTo(-0.5, 0.5, 0.9)).toBe(false);
  });
});

describe('runCheck', () => {
  test('says passed for a right answer, failed with the hint for a wrong one, not attempted for TODO', async () => {
    expect(await runCheck('00.1', 28 * 28)).toEqual({ exercise: '00.1', status: 'passed', message: 'right' });
    expect(await runCheck('00.1', 27 * 27)).toEqual({ exercise: '00.1', status: 'failed', message: 'an image is a square grid: how many rows, how many columns?' });
    expect(await runCheck('00.1', TODO)).toEqual({ exercise: '00.1', status: 'not attempted', message: new NotAttempted().message });
  });

  test('waits for an asynchronous check, and reads a function still returning TODO as not attempted', async () => {
    expect((await runCheck('00.2', (v: number) => v / 255)).status).toBe('passed');
    expect((await runCheck('00.2', (v: number) => v / 256)).status).toBe('failed');
    expect((await runCheck('00.2', () => TODO)).status).toBe('not attempted');
  });

  test("fails with the error when the student's code throws, without the hint machinery", async () => {
    const verdict = await runCheck('00.2', () => {
      throw new RangeError('outside');
    });
    expect(verdict).toEqual({ exercise: '00.2', status: 'failed', message: 'your code raised RangeError: outside' });
  });

  test('refuses an exercise that does not exist, naming the ones that do', async () => {
    await expect(runCheck('00.99', 1)).rejects.toThrow(/there is no exercise 00\.99; the exercises are .*00\.1, 00\.2/);
  });
});

describe('formatVerdict', () => {
  test('shows each status in one line, the hint only for a failure', () => {
    expect(formatVerdict({ exercise: '04.2', status: 'passed', message: 'right' })).toBe('✅ Exercise 04.2: right');
    expect(formatVerdict({ exercise: '04.2', status: 'failed', message: 'count the biases too' })).toBe('❌ Exercise 04.2: not yet. Hint: count the biases too');
    expect(formatVerdict({ exercise: '04.2', status: 'not attempted', message: 'replace TODO' })).toBe('⬜ Exercise 04.2: replace TODO');
  });
});

describe('exercises of your own', () => {
  test('join their chapter, in the order registered, and a re-registration replaces the check', async () => {
    expect(exercisesOfChapter(0)).toEqual(['00.1', '00.2']);
    registerExercises({ '00.3': { task: 'anything', check: () => undefined } });
    expect(exercisesOfChapter(0)).toEqual(['00.1', '00.2', '00.3']);
    registerExercises({ '00.3': { task: 'nothing', check: () => { throw new WrongAnswer('never right'); } } });
    expect((await runCheck('00.3', 1)).message).toBe('never right');
  });

  test("refuse a malformed id and the series' own ids", () => {
    expect(() => registerExercises({ '4.2': { task: 'x', check: () => undefined } })).toThrow(/NN\.M/);
    expect(() => registerExercises({ 'ex-1': { task: 'x', check: () => undefined } })).toThrow(/NN\.M/);
    for (const id of Object.keys(EXERCISES)) {
      expect(() => registerExercises({ [id]: { task: 'x', check: () => undefined } })).toThrow(`exercise ${id} is one of the series' own`);
    }
  });
});

describe("the series' exercises", () => {
  const ids = Object.keys(EXERCISES);

  test("have ids NN.M of the series' chapters (one per notebook), a task each, and are listed by their chapter", () => {
    const chapters = new Set(readdirSync(path.join(__dirname, '..', 'notebooks')).filter((name) => name.endsWith('.ipynb')).map((name) => name.slice(0, 2)));
    for (const id of ids) {
      expect(id).toMatch(/^\d\d\.[1-9]\d*$/);
      expect({ id, chapterHasNotebook: chapters.has(id.slice(0, 2)) }).toEqual({ id, chapterHasNotebook: true });
      expect(EXERCISES[id].task.trim()).not.toBe('');
      expect(exercisesOfChapter(Number(id.slice(0, 2)))).toContain(id);
    }
  });

  // Data-driven: whatever exercises the chapters define, an untouched answer is never judged.
  test.each(ids.length ? ids : ['(none yet)'])('%s reads an untouched TODO as not attempted', async (id) => {
    if (!EXERCISES[id]) return;
    expect(await runCheck(id, TODO)).toMatchObject({ exercise: id, status: 'not attempted' });
  });
});
