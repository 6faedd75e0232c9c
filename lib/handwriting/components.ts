/**
 * Connected pieces of ink: pixels above 0 that touch by an edge or a corner
 * (8-connectivity) get the same label. Chapter 07 uses them to drop specks
 * of dust; chapter 08 to find the digits of a number.
 */
import type { Box } from './crop';
import type { GrayImage } from './gray-image';

/** One connected piece of ink. */
export interface Component {
  /** Its label in `labels`, 0, 1, 2... in the order their first pixel comes row by row. */
  readonly label: number;
  /** The smallest box holding it. */
  readonly box: Box;
  /** Its number of pixels. */
  readonly area: number;
  /** Its total ink (sum of its pixels' values). */
  readonly mass: number;
}

/** Every piece of ink of an image, and which piece each pixel belongs to (-1 for none). */
export interface ComponentLabels {
  readonly labels: Int32Array;
  readonly components: readonly Component[];
}

/**
 * Labels the connected pieces of ink (pixels > 0, 8-connected) of an image.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function connectedComponents(image: GrayImage): ComponentLabels {
  const { width: w, height: h, pixels } = image;
  const labels = new Int32Array(w * h).fill(-1);
  const components: Component[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < pixels.length; start++) {
    if (pixels[start] <= 0 || labels[start] >= 0) continue;
    const label = components.length;
    let [mass, area, left, right, top, bottom] = [0, 0, w, -1, h, -1];
    let size = 0;
    stack[size++] = start;
    labels[start] = label;
    while (size > 0) {
      const index = stack[--size];
      mass += pixels[index];
      area++;
      const x = index % w;
      const y = (index - x) / w;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const neighbour = ny * w + nx;
          if (pixels[neighbour] > 0 && labels[neighbour] < 0) {
            labels[neighbour] = label;
            stack[size++] = neighbour;
          }
        }
      }
    }
    components.push({ label, box: { x: left, y: top, width: right - left + 1, height: bottom - top + 1 }, area, mass });
  }
  return { labels, components };
}
