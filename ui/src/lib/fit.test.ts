import { describe, expect, it } from 'vitest';
import { fitLevel, fitTokens } from './fit';

describe('fitTokens', () => {
  it('lists every level up to this one, for [data-fit~=n]', () => {
    expect(fitTokens(0)).toBe('');
    expect(fitTokens(1)).toBe('1');
    expect(fitTokens(3)).toBe('1 2 3');
    expect(fitTokens(-2)).toBe('');
    expect(fitTokens(2.7)).toBe('1 2');
  });
});

describe('fitLevel', () => {
  it('takes the lowest level that fits, trying them in order', () => {
    const tried: number[] = [];
    // Each level frees 100 px of a bar 250 px too wide.
    const level = fitLevel(4, (n) => {
      tried.push(n);
      return 250 - 100 * n <= 0;
    });
    expect(level).toBe(3);
    expect(tried).toEqual([0, 1, 2, 3]);
  });

  it('stays in full when everything fits', () => {
    expect(fitLevel(4, () => true)).toBe(0);
  });

  it('ends at the most compact level when nothing fits', () => {
    const tried: number[] = [];
    expect(
      fitLevel(4, (n) => {
        tried.push(n);
        return false;
      }),
    ).toBe(4);
    // The last level is applied by the caller, not measured.
    expect(tried).toEqual([0, 1, 2, 3]);
    expect(fitLevel(0, () => false)).toBe(0);
  });
});
