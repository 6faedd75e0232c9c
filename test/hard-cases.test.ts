/**
 * The pictures chapter 07 makes hard on purpose (turned, side by side,
 * faded), and what the preparation then finds in them.
 */
import * as path from 'node:path';
import { createGrayImage } from '../lib/handwriting/gray-image';
import { fadeInk, rotateImage, sideBySide } from '../lib/handwriting/hard-cases';
import { preprocessDigit } from '../lib/handwriting/preprocess';
import { readImage } from '../lib/handwriting/read-image';
import { samplesDir } from '../lib/handwriting/samples';

const samplePath = (name: string): string => path.join(samplesDir(), name);

describe('pictures made hard on purpose', () => {
  test('rotateImage turns clockwise about the centre and fills with the paper level', () => {
    // A white 5x5 page with one dark pixel right of the centre.
    const page = createGrayImage(5, 5, 250);
    page.pixels[2 * 5 + 4] = 0;
    const quarter = rotateImage(page, 90);
    expect(quarter.pixels[4 * 5 + 2]).toBeCloseTo(0, 3); // right of the centre turns to below it
    expect(rotateImage(page, 0).pixels).toEqual(page.pixels);
    expect(rotateImage(page, 360).pixels[2 * 5 + 4]).toBeCloseTo(0, 3);
    // The corners of a turned 21x21 page come from outside the picture: paper, or the background given.
    const large = createGrayImage(21, 21, 250);
    large.pixels[10 * 21 + 10] = 0;
    expect(rotateImage(large, 45).pixels[0]).toBe(250);
    expect(rotateImage(large, 45, { background: 7 }).pixels[0]).toBe(7);
  });

  test('sideBySide joins two pictures on the first one\'s paper, and the preparation finds both', async () => {
    const three = await readImage(samplePath('digit-3-thick.png'));
    const five = await readImage(samplePath('digit-5-small.jpg'));
    const both = sideBySide(three, five, { gap: 10 });
    expect([both.width, both.height]).toEqual([three.width + 10 + five.width, Math.max(three.height, five.height)]);
    expect(both.pixels[three.width + 10 + 3]).toBe(five.pixels[3]);
    const alone = preprocessDigit(three);
    const pair = preprocessDigit(both);
    expect(pair.box.width).toBeGreaterThan(alone.box.width + five.width / 6);
  });

  test('fadeInk keeps a share of the contrast, and ink below the threshold is lost', async () => {
    const two = await readImage(samplePath('digit-2-uneven-light.png'));
    expect(fadeInk(two, 1).pixels).toEqual(two.pixels);
    const faded = fadeInk(two, 0.15);
    const range = (values: Float32Array): number => Math.max(...values) - Math.min(...values);
    expect(range(faded.pixels)).toBeCloseTo(0.15 * range(two.pixels), 1);
    const whole = preprocessDigit(two).box;
    const left = preprocessDigit(faded).box;
    expect(left.width * left.height).toBeLessThan(0.25 * whole.width * whole.height);
    expect(() => preprocessDigit(fadeInk(two, 0.05))).toThrow(/no ink found/);
    expect(() => fadeInk(two, 1.5)).toThrow(RangeError);
  });
});
