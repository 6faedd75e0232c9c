/**
 * Grids of gray cells (digits, filters, feature maps) as compact SVG: each
 * row's run of cells of one gray level becomes one rectangle, and all the
 * rectangles of a level one path, so a 28×28 image costs a few hundred path
 * commands instead of 784 elements.
 */

/**
 * The `<path>` elements drawing a `rows` × `cols` grid of gray levels (0 for
 * black to `grayLevels - 1` for white), one unit square per cell, one path per
 * level in the order the levels first appear; levels below `lowest` are left
 * out (to draw only the ink over a black background).
 */
export function grayRunPaths(levels: ArrayLike<number>, rows: number, cols: number, grayLevels: number, lowest = 0): string[] {
  const byLevel = new Map<number, string[]>();
  for (let y = 0; y < rows; y++) {
    let x = 0;
    while (x < cols) {
      const level = levels[y * cols + x];
      let end = x + 1;
      while (end < cols && levels[y * cols + end] === level) end++;
      if (level >= lowest) {
        const list = byLevel.get(level) ?? [];
        list.push(`M${x} ${y}h${end - x}v1h${x - end}z`);
        byLevel.set(level, list);
      }
      x = end;
    }
  }
  return [...byLevel].map(([level, parts]) => {
    const gray = Math.round((level * 255) / (grayLevels - 1));
    return `<path fill="rgb(${gray},${gray},${gray})" d="${parts.join('')}"/>`;
  });
}
