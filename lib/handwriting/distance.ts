/**
 * The Euclidean distance transform: for every pixel, the squared distance to
 * the nearest "feature" pixel, computed exactly in time proportional to the
 * number of pixels (Felzenszwalb and Huttenlocher's lower envelope of
 * parabolas, once down each column, then along each row).
 */

const FAR = 1e20;

/** Squared distance from each pixel (centre to centre) to the nearest pixel where `feature` is non-zero; FAR-ish (1e20) when there is none. */
export function squaredDistanceTransform(feature: Uint8Array, width: number, height: number): Float64Array {
  const grid = new Float64Array(width * height);
  for (let i = 0; i < grid.length; i++) grid[i] = feature[i] ? 0 : FAR;
  const longest = Math.max(width, height);
  const line = new Float64Array(longest);
  const result = new Float64Array(longest);
  const scratch = { hulls: new Int32Array(longest), bounds: new Float64Array(longest + 1) };
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = grid[y * width + x];
    transformLine(line, height, result, scratch);
    for (let y = 0; y < height; y++) grid[y * width + x] = result[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) line[x] = grid[y * width + x];
    transformLine(line, width, result, scratch);
    for (let x = 0; x < width; x++) grid[y * width + x] = result[x];
  }
  return grid;
}

/** One-dimensional transform: out[q] = min over p of (q - p)^2 + f[p], via the lower envelope of parabolas. */
function transformLine(f: Float64Array, n: number, out: Float64Array, scratch: { hulls: Int32Array; bounds: Float64Array }): void {
  const { hulls, bounds } = scratch;
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] >= FAR) continue;
    if (k < 0) {
      k = 0;
      hulls[0] = q;
      bounds[0] = -Infinity;
      bounds[1] = Infinity;
      continue;
    }
    let s = intersection(f, q, hulls[k]);
    while (s <= bounds[k]) {
      k--;
      s = intersection(f, q, hulls[k]);
    }
    k++;
    hulls[k] = q;
    bounds[k] = s;
    bounds[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(FAR, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (bounds[j + 1] < q) j++;
    const d = q - hulls[j];
    out[q] = d * d + f[hulls[j]];
  }
}

/** Where the parabolas rooted at q and p (q > p) cross. */
function intersection(f: Float64Array, q: number, p: number): number {
  return (f[q] + q * q - (f[p] + p * p)) / (2 * (q - p));
}
