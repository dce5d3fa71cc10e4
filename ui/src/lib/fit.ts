// Folding a crowded bar: a bar (the top bar) has levels of compactness, 0 in
// full, each further level folding one more group of items into a shorter
// form (its CSS does the folding). The bar takes the lowest level at which
// everything fits; the DOM measuring lives with the component.

/**
 * The levels a bar at `level` is in, for a `data-fit` attribute matched with
 * `[data-fit~='2']`: "" at 0, "1 2 3" at 3 (a level keeps every fold before it).
 */
export function fitTokens(level: number): string {
  const n = Math.max(0, Math.floor(level));
  return Array.from({ length: n }, (_, i) => String(i + 1)).join(' ');
}

/**
 * The lowest level from 0 to `max` at which `fits(level)` holds, trying them
 * in order (each try may apply the level and measure); `max` when none fits.
 */
export function fitLevel(max: number, fits: (level: number) => boolean): number {
  for (let level = 0; level < max; level++) {
    if (fits(level)) return level;
  }
  return Math.max(0, max);
}
