/**
 * Scoring a reader of whole numbers: how many strings it read exactly, and
 * how many digits it got wrong, counted by edit distance so that one missed
 * or extra digit costs one error instead of shifting every digit after it.
 */

/**
 * The Levenshtein distance between two strings: the fewest single-character
 * insertions, deletions and substitutions that turn `a` into `b` (a swap of
 * two neighbours counts 2).
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // One row of the dynamic-programming table at a time: previous[j] = distance(a[0..i), b[0..j)).
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/** How well a set of numbers was read (see scoreNumbers). */
export interface NumberScore {
  /** Strings scored, and those read exactly (spaces aside). */
  readonly strings: number;
  readonly stringsRight: number;
  /** stringsRight / strings; 0 when there are no strings. */
  readonly stringAccuracy: number;
  /** Digits in the true strings, and the sum of the edit distances between each truth and its reading. */
  readonly digits: number;
  readonly digitErrors: number;
  /** max(0, 1 - digitErrors / digits); 0 when there are no digits. */
  readonly digitAccuracy: number;
}

/**
 * Scores readings against the truths: whole-string accuracy (exact matches)
 * and per-digit accuracy (1 - total edit distance / total true digits, at
 * least 0). Spaces are removed from both before comparing, so '06 12' read
 * as '0612' is right. No strings (or no digits) give accuracies of 0, never
 * NaN.
 *
 * Introduced in chapter 08 (Reading a whole number, notebooks/08-reading-a-whole-number.ipynb).
 */
export function scoreNumbers(results: readonly { readonly truth: string; readonly read: string }[]): NumberScore {
  let stringsRight = 0;
  let digits = 0;
  let digitErrors = 0;
  for (const { truth, read } of results) {
    const t = withoutSpaces(truth);
    const r = withoutSpaces(read);
    digits += t.length;
    const distance = editDistance(t, r);
    digitErrors += distance;
    if (distance === 0) stringsRight++;
  }
  const strings = results.length;
  return {
    strings,
    stringsRight,
    stringAccuracy: strings === 0 ? 0 : stringsRight / strings,
    digits,
    digitErrors,
    digitAccuracy: digits === 0 ? 0 : Math.max(0, 1 - digitErrors / digits),
  };
}

function withoutSpaces(text: string): string {
  return text.replace(/\s+/g, '');
}
