/**
 * Chapter 08's piece checker on real MNIST digits: how pieces of a number
 * are labelled (a whole digit, or not one), the training set made from
 * *training* digits, a quick-profile checker trained for real, and the
 * checks that refuse a model that is not a piece checker. Whether it makes
 * the reader better is tested in read-number.test.ts, with the full one.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useBestBackend } from '../lib/backend/select';
import { profileByName } from '../lib/base/profile';
import type { DigitSet } from '../lib/data/digit-set';
import { loadMnist, mnistForProfile } from '../lib/data/mnist';
import { buildCnn, LENET5_LAYERS } from '../lib/models/cnn';
import { outputClassesOf } from '../lib/models/input-layout';
import { saveModel } from '../lib/models/persist';
import { makeNumberImage } from '../lib/numbers/number-set';
import { checkPieces, NOT_A_DIGIT, PIECE_CLASSES } from '../lib/numbers/piece-checker';
import { labelPieces, pieceCheckerSet } from '../lib/numbers/piece-set';
import { numberPieces } from '../lib/numbers/pieces';
import { loadOrTrainPieceChecker, loadPieceChecker, trainPieceChecker } from '../lib/train/piece-checker';
import { expectFileError } from './support/file-error';

const quick = profileByName('quick');
let train: DigitSet;
let test_: DigitSet;
let work: string;

beforeAll(async () => {
  await useBestBackend({ log: () => undefined });
  const mnist = mnistForProfile(await loadMnist(), quick);
  [train, test_] = [mnist.train, mnist.test];
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'mnist-ts-piece-checker-'));
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The first test image of each digit in `text`, as indices. */
const indicesOf = (text: string) => Array.from(text, (c) => test_.labels.indexOf(Number(c)));

test('pieces are labelled by where the real digits are: a digit alone is itself, two touching digits together are not a digit', () => {
  const made = makeNumberImage(test_, { indices: indicesOf('306'), gaps: [14, -2], seed: 3 });
  const found = numberPieces(made.image);
  const labels = labelPieces(found, { boxes: made.boxes, text: '306' });
  expect(labels).toHaveLength(found.pieces.length);
  // Each true digit has a piece labelled with it.
  for (const digit of [3, 0, 6]) expect(labels).toContain(digit);
  // The touching 0 and 6 form one segment; read whole it is two digits, not one.
  const pair = found.plans.findIndex((plan) => plan.segment.box.width > 1.3 * found.segmentation.digitHeight);
  expect(pair).toBeGreaterThanOrEqual(0);
  const last = found.plans[pair].bounds.length - 1;
  const whole = found.pieces.findIndex((piece) => piece.segment === pair && piece.span[0] === 0 && piece.span[1] === last);
  expect(labels[whole]).toBe(NOT_A_DIGIT);
  // Every label is a digit, NOT_A_DIGIT, or left out as too close to call.
  expect(labels.every((label) => label === undefined || (Number.isInteger(label) && label >= 0 && label <= NOT_A_DIGIT))).toBe(true);
});

test('the training set is made from the digits given, seeded: the same seed gives the same pieces', () => {
  const a = pieceCheckerSet(train, { perKind: 2, seed: 5 });
  const b = pieceCheckerSet(train, { perKind: 2, seed: 5 });
  const other = pieceCheckerSet(train, { perKind: 2, seed: 6 });
  expect(a.count).toBe(b.count);
  expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
  expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
  expect(Buffer.from(a.images).equals(Buffer.from(other.images))).toBe(false);
  expect(a.images).toHaveLength(a.count * 784);
  expect(a.whole).toBeGreaterThan(8 * 3); // 8 numbers of at least 3 digits
  expect(a.wrong).toBeGreaterThan(a.whole); // most ways of cutting are wrong
  expect(a.whole + a.wrong).toBe(a.count);
  expect(a.labels.filter((label) => label === NOT_A_DIGIT)).toHaveLength(a.wrong);
});

test('a quick checker trains on pieces and digits, and judges pieces: probabilities of one whole digit, and of each digit', async () => {
  const trained = await trainPieceChecker(train, { profile: quick, perKind: 3 });
  try {
    expect(outputClassesOf(trained.model)).toBe(PIECE_CLASSES);
    expect(trained.metadata).toMatchObject({ architecture: 'piece-checker', profile: 'quick', perKind: 3, epochs: 1, seed: 7, digits: train.count });
    expect(trained.training.trainImages + trained.training.validationImages).toBe(Number(trained.metadata.wholePieces) + Number(trained.metadata.wrongPieces) + train.count);
    const found = numberPieces(makeNumberImage(test_, { indices: indicesOf('4715'), gaps: [12, 0, 9], seed: 1 }).image);
    const images = new Uint8Array(found.pieces.length * 784);
    found.pieces.forEach((piece, i) => images.set(piece.prepared.pixels, i * 784));
    const checked = await checkPieces(trained.model, { images, count: found.pieces.length, rows: 28, cols: 28 });
    expect(checked.whole).toHaveLength(found.pieces.length);
    expect(checked.digits).toHaveLength(10 * found.pieces.length);
    for (let i = 0; i < found.pieces.length; i++) {
      expect(checked.whole[i]).toBeGreaterThanOrEqual(0);
      expect(checked.whole[i]).toBeLessThanOrEqual(1);
      expect(checked.digits.subarray(10 * i, 10 * i + 10).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    }
  } finally {
    trained.model.dispose();
  }
}, 120_000);

test('a model that is not a piece checker is refused: by checkPieces, and by loadPieceChecker naming its file', async () => {
  const digits = buildCnn('digits', LENET5_LAYERS, { seed: 1 });
  try {
    await expect(checkPieces(digits, { images: new Uint8Array(784), count: 1, rows: 28, cols: 28 })).rejects.toThrow(/has 10 outputs, not a piece checker's 11/);
    const dir = path.join(work, 'not-a-checker');
    await saveModel(digits, dir);
    await expectFileError(loadPieceChecker(dir), path.join(dir, 'model.json'), /not a piece checker: it has 10 outputs, not 11/);
    // loadOrTrainPieceChecker does not train over it either.
    await expectFileError(loadOrTrainPieceChecker({ dir, profile: quick, log: () => undefined }), path.join(dir, 'model.json'), /not a piece checker/);
  } finally {
    digits.dispose();
  }
});

test('loadOrTrainPieceChecker trains into an empty folder once, then loads what it saved', async () => {
  const dir = path.join(work, 'checker');
  const lines: string[] = [];
  const first = await loadOrTrainPieceChecker({ dir, profile: quick, perKind: 2, train, log: (line) => lines.push(line) });
  const second = await loadOrTrainPieceChecker({ dir, profile: quick, log: (line) => lines.push(line) });
  try {
    expect([first.trainedNow, second.trainedNow]).toEqual([true, false]);
    expect(lines[0]).toMatch(/No piece checker in .*checker\/ yet: training one \(quick profile\)/);
    expect(lines[1]).toMatch(/Loaded the piece checker saved in/);
    expect(second.metadata).toEqual(first.metadata);
    const weights = (model: typeof first.model) => model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(second.model)).toEqual(weights(first.model));
  } finally {
    first.model.dispose();
    second.model.dispose();
  }
}, 120_000);
