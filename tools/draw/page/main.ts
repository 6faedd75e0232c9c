/**
 * The draw-a-digit page: the reader draws (or uploads a photo), lib's own
 * preparation of chapter 07 turns the picture into MNIST's 28x28 format, and
 * the model chosen from the ones the reader trained gives its ten
 * probabilities, updated while drawing.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkDigitClassifier, DataFileError, type GrayImage, predictedLabels, predictProbabilities, preprocessDigit, type PreprocessedDigit, type PreprocessSteps,
  readNumber,
} from '../../../lib/browser';
import { describeModel, type DrawManifest, type DrawModelEntry, modelDetails, MODELS_MANIFEST } from '../site-manifest';
import { DrawingPad } from './drawing-pad';
import { paintGray, paintImage, type Photo, readPhoto } from './gray-canvas';
import { ProbabilityBars } from './probability-bars';

/** Least time between two readings while the pen moves, in ms: drawing stays smooth, the bars still follow. */
const READ_INTERVAL_MS = 100;

/** The preparation steps shown on request, with the words chapter 07 uses. */
const STEP_CAPTIONS: readonly (readonly [keyof PreprocessSteps, string])[] = [
  ['gray', 'grey'],
  ['inkOnDark', 'ink on dark'],
  ['background', 'background'],
  ['cleaned', 'cleaned'],
  ['cropped', 'cropped'],
  ['thickened', 'thickened'],
  ['scaled', 'fitted in 20×20'],
  ['centred', 'centred in 28×28'],
];

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const ui = {
  canvas: element<HTMLCanvasElement>('digit-canvas'),
  clear: element<HTMLButtonElement>('clear'),
  upload: element<HTMLInputElement>('upload'),
  savePng: element<HTMLButtonElement>('save-png'),
  status: element<HTMLElement>('status'),
  prediction: element<HTMLElement>('prediction'),
  confidence: element<HTMLElement>('confidence'),
  modelInput: element<HTMLCanvasElement>('model-input'),
  steps: element<HTMLDetailsElement>('steps'),
  stepsGrid: element<HTMLElement>('steps-grid'),
  modelChoice: element<HTMLSelectElement>('model-choice'),
  modelInfo: element<HTMLElement>('model-info'),
  numberDigits: element<HTMLOListElement>('number-digits'),
};

/** The drawing area's size in each mode: a square for one digit, three squares side by side for a number. */
const AREA = { digit: [280, 280], number: [840, 280] } as const;
let mode: keyof typeof AREA = 'digit';

const bars = new ProbabilityBars(element('probabilities'));
let model: tfl.LayersModel | undefined;
/** Chapter 08's piece checker, when the site has one: numbers are read with it. */
let pieceChecker: tfl.LayersModel | undefined;
/** The uploaded photo being read, until the reader draws or clears. */
let photo: Photo | undefined;
/** The last preparation shown, for the steps. */
let shown: PreprocessedDigit | undefined;
/** Bumped whenever the picture or the model is replaced, so a reading of the old one is dropped. */
let generation = 0;
/** Readings finished so far; with `data-busy`, lets a test (or a screen reader script) know a reading is up to date. */
let readings = 0;

const pad = new DrawingPad(ui.canvas, {
  onStart: () => {
    if (photo) clearAll();
  },
  onChange: (final) => requestReading(final),
});

function say(message: string): void {
  ui.status.textContent = message;
}

/** Empties the answer, the chart and the 28x28 view. */
function showNothing(): void {
  shown = undefined;
  ui.prediction.textContent = '';
  ui.confidence.textContent = '';
  bars.show(undefined);
  paintGray(ui.modelInput, 28, 28, new Uint8Array(28 * 28));
  ui.stepsGrid.replaceChildren();
  ui.numberDigits.replaceChildren();
}

function clearAll(): void {
  generation++;
  photo?.bitmap.close();
  photo = undefined;
  pad.clear();
  say('');
  showNothing();
}

function showSteps(): void {
  if (!ui.steps.open || !shown) return;
  const result = shown;
  ui.stepsGrid.replaceChildren(
    ...STEP_CAPTIONS.map(([step, caption]) => {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      paintImage(canvas, result.steps[step]);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${caption}, ${result.steps[step].width} by ${result.steps[step].height} pixels`);
      const text = document.createElement('figcaption');
      text.textContent = caption;
      figure.append(canvas, text);
      return figure;
    }),
  );
}

/** Prepares the current picture and shows what the model reads in it. */
async function readOnce(): Promise<void> {
  if (!model || (pad.empty && !photo)) return;
  const current = generation;
  const source = photo?.name ?? 'drawing';
  const gray: GrayImage = photo?.gray ?? pad.grayImage();
  if (mode === 'number') return readNumberOnce(gray, source, current);
  let prepared: PreprocessedDigit;
  try {
    prepared = preprocessDigit(gray, { source });
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    showNothing();
    // Only a photo with no digit is worth a message: an almost empty drawing is simply not read yet.
    if (photo) say(error.message);
    return;
  }
  const probabilities = await predictProbabilities(model, prepared.digitSet);
  if (current !== generation) return;
  const digit = predictedLabels(probabilities)[0];
  shown = prepared;
  ui.prediction.textContent = String(digit);
  ui.confidence.textContent = `${(100 * probabilities[digit]).toFixed(1)}%`;
  bars.show(probabilities, digit);
  paintGray(ui.modelInput, 28, 28, prepared.pixels);
  showSteps();
}

/** Reads the picture as a number (chapter 08): the digits as text, each digit's confidence, and their 28x28 inputs side by side. */
async function readNumberOnce(gray: GrayImage, source: string, current: number): Promise<void> {
  if (!model) return;
  let result;
  try {
    result = await readNumber(model, gray, { source, pieceChecker });
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    showNothing();
    if (photo) say(error.message);
    return;
  }
  if (current !== generation) return;
  shown = result.digits[result.digits.length - 1]?.prepared;
  ui.prediction.textContent = result.spaced;
  ui.confidence.textContent = `${(100 * result.confidence).toFixed(1)}%`;
  ui.numberDigits.replaceChildren(
    ...result.digits.map((digit) => {
      const item = document.createElement('li');
      const value = document.createElement('b');
      value.textContent = String(digit.digit);
      item.append(value, `${(100 * digit.confidence).toFixed(1)}%`);
      return item;
    }),
  );
  // The digits' 28x28 inputs side by side.
  const count = result.digits.length;
  const strip = new Uint8Array(28 * 28 * count);
  result.digits.forEach((digit, d) => {
    for (let row = 0; row < 28; row++) strip.set(digit.prepared.pixels.subarray(row * 28, row * 28 + 28), row * 28 * count + d * 28);
  });
  paintGray(ui.modelInput, 28 * count, 28, strip);
  showSteps();
}

let reading = false;
let readAgain = false;
let lastReadStart = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Reads the picture now, or right after the reading under way. */
async function readNow(): Promise<void> {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  document.body.dataset.busy = 'true';
  try {
    do {
      readAgain = false;
      lastReadStart = performance.now();
      await readOnce();
      document.body.dataset.readings = String(++readings);
    } while (readAgain);
  } catch (error) {
    say(`Could not read the picture: ${(error as Error).message}`);
  } finally {
    reading = false;
    document.body.dataset.busy = 'false';
  }
}

/** While drawing, reads at most every READ_INTERVAL_MS; when the pen is lifted, reads at once. */
function requestReading(final: boolean): void {
  if (timer !== undefined) {
    if (!final) return;
    clearTimeout(timer);
    timer = undefined;
  }
  const wait = final ? 0 : Math.max(0, lastReadStart + READ_INTERVAL_MS - performance.now());
  if (wait === 0) {
    void readNow();
    return;
  }
  timer = setTimeout(() => {
    timer = undefined;
    void readNow();
  }, wait);
}

async function useModel(entry: DrawModelEntry): Promise<void> {
  generation++;
  ui.modelChoice.disabled = true;
  document.body.dataset.modelReady = 'false';
  ui.modelInfo.textContent = `Loading ${entry.id}…`;
  try {
    const loaded = await tfl.loadLayersModel(entry.url);
    checkDigitClassifier(loaded, entry.url);
    model?.dispose();
    model = loaded;
    ui.modelInfo.textContent = modelDetails(entry);
    document.body.dataset.modelReady = 'true';
    say('');
    await readNow();
  } catch (error) {
    ui.modelInfo.textContent = `${entry.id} could not be loaded.`;
    say((error as Error).message);
  } finally {
    ui.modelChoice.disabled = false;
  }
}

async function start(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  showNothing();
  const response = await fetch(MODELS_MANIFEST);
  if (!response.ok) throw new Error(`${MODELS_MANIFEST}: ${response.status} ${response.statusText}`);
  const manifest = (await response.json()) as DrawManifest;
  if (manifest.models.length === 0) throw new Error(`${MODELS_MANIFEST} lists no models: train one first (npm start, or notebook 05)`);
  if (manifest.checker) pieceChecker = await tfl.loadLayersModel(manifest.checker.url);
  for (const entry of manifest.models) ui.modelChoice.append(new Option(describeModel(entry), entry.id));
  const wanted = new URLSearchParams(location.search).get('model');
  const first = manifest.models.find((entry) => entry.id === wanted) ?? manifest.models[0];
  ui.modelChoice.value = first.id;
  ui.modelChoice.addEventListener('change', () => {
    const entry = manifest.models.find((each) => each.id === ui.modelChoice.value);
    if (entry) void useModel(entry);
  });
  await useModel(first);
}

ui.clear.addEventListener('click', () => clearAll());
ui.canvas.addEventListener('keydown', (event) => {
  if (event.key === 'Delete' || event.key === 'Backspace' || event.key === 'Escape') {
    event.preventDefault();
    clearAll();
  }
});
ui.upload.addEventListener('change', () => {
  const file = ui.upload.files?.[0];
  ui.upload.value = ''; // the same file can be chosen again
  if (!file) return;
  clearAll();
  const current = generation;
  readPhoto(file).then(
    (read) => {
      if (current !== generation) return read.bitmap.close();
      photo = read;
      pad.showPicture(read.bitmap);
      return readNow();
    },
    (error: unknown) => {
      if (current === generation) say(error instanceof Error ? error.message : String(error));
    },
  );
});
ui.savePng.addEventListener('click', () => {
  pad.pngBlob().then(
    (blob) => {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'digit.png';
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    },
    (error: unknown) => say((error as Error).message),
  );
});
ui.steps.addEventListener('toggle', () => showSteps());
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) {
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    mode = radio.value === 'number' ? 'number' : 'digit';
    document.body.classList.toggle('number-mode', mode === 'number');
    clearAll();
    pad.resize(AREA[mode][0], AREA[mode][1]);
  });
}

start().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  ui.modelInfo.textContent = 'No model could be loaded.';
});
