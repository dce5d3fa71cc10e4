import { describe, expect, it } from 'vitest';
import { denominations, formatMajor, formatMinor, formatNote, formatRateBp, MONEY_SPACE, parseMajor, quickTenders } from './money';
import type { Currency } from './types';

const AED: Currency = { code: 'AED', exponent: 2 };
const OMR: Currency = { code: 'OMR', exponent: 3 };
const BHD: Currency = { code: 'BHD', exponent: 3 };
const JPY: Currency = { code: 'JPY', exponent: 0 };

/** The expected text, written with an ordinary space for legibility: amounts use a no-break space. */
const nb = (text: string): string => text.replace(' ', '\u00a0');

describe('formatMinor', () => {
  it.each([
    [4500, AED, 'AED 45.00'],
    [0, AED, 'AED 0.00'],
    [5, AED, 'AED 0.05'],
    [123456789, AED, 'AED 1234567.89'],
    [-500, AED, 'AED -5.00'],
    [4500, OMR, 'OMR 4.500'],
    [1, OMR, 'OMR 0.001'],
    [12500, BHD, 'BHD 12.500'],
    [999, BHD, 'BHD 0.999'],
    [500, JPY, 'JPY 500'],
  ] as const)('%i %o -> %s', (minor, currency, text) => {
    expect(formatMinor(minor, currency)).toBe(nb(text));
  });

  it('never breaks between the code and the number (no-break space, no other break opportunity)', () => {
    expect(MONEY_SPACE).toBe('\u00a0');
    for (const text of [formatMinor(30000, AED), formatMinor(9999999, OMR), formatMinor(-500, AED), formatNote(5000, AED)]) {
      expect(text).not.toMatch(/[ \t\n\u2000-\u200b]/);
      expect(text).toContain('\u00a0');
    }
    expect(formatMinor(30000, AED)).toBe('AED\u00a0300.00');
  });

  it('rejects non-integers', () => {
    expect(() => formatMinor(1.5, AED)).toThrow(RangeError);
  });
});

describe('formatMajor / formatNote', () => {
  it('formats without the code', () => {
    expect(formatMajor(4500, 2)).toBe('45.00');
    expect(formatMajor(4500, 3)).toBe('4.500');
  });
  it('drops zero decimals of whole notes only', () => {
    expect(formatNote(5000, AED)).toBe(nb('AED 50'));
    expect(formatNote(500, OMR)).toBe(nb('OMR 0.500'));
    expect(formatNote(20000, OMR)).toBe(nb('OMR 20'));
  });
});

describe('parseMajor', () => {
  it.each([
    ['20', AED, 2000],
    ['20.5', AED, 2050],
    ['20.50', AED, 2050],
    ['0.05', AED, 5],
    ['.5', AED, 50],
    ['20.', AED, 2000],
    ['  45.00 ', AED, 4500],
    ['007', AED, 700],
    ['0', AED, 0],
    ['12.5', OMR, 12500],
    ['12.500', OMR, 12500],
    ['0.001', OMR, 1],
    ['4', OMR, 4000],
    ['12.345', BHD, 12345],
    ['100', BHD, 100000],
    ['500', JPY, 500],
    ['500.', JPY, 500],
  ] as const)('%j %o -> %i', (text, currency, minor) => {
    expect(parseMajor(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['', AED, 'empty'],
    ['   ', AED, 'empty'],
    ['abc', AED, 'invalid'],
    ['1e3', AED, 'invalid'],
    ['1,000', AED, 'invalid'],
    ['1 000', AED, 'invalid'],
    ['12.3.4', AED, 'invalid'],
    ['+5', AED, 'invalid'],
    ['.', AED, 'invalid'],
    ['0x10', AED, 'invalid'],
    ['Infinity', AED, 'invalid'],
    ['NaN', AED, 'invalid'],
    ['١٢', AED, 'invalid'],
    ['-1', AED, 'negative'],
    ['-0.5', AED, 'negative'],
    ['-', AED, 'invalid'],
    ['--1', AED, 'invalid'],
    ['1.234', AED, 'too_many_decimals'],
    ['1.2345', OMR, 'too_many_decimals'],
    ['1.2345', BHD, 'too_many_decimals'],
    ['1.5', JPY, 'too_many_decimals'],
    ['99999999999999999', AED, 'too_large'],
    ['90071992547409.92', AED, 'too_large'],
  ] as const)('%j %o -> %s', (text, currency, error) => {
    expect(parseMajor(text, currency)).toEqual({ ok: false, error });
  });

  it('never goes through floats', () => {
    // 0.1 + 0.2 style traps: 1.15 * 100 = 114.99999999999999 in floats.
    expect(parseMajor('1.15', AED)).toEqual({ ok: true, minor: 115 });
    expect(parseMajor('4.35', AED)).toEqual({ ok: true, minor: 435 });
    expect(parseMajor('1.005', OMR)).toEqual({ ok: true, minor: 1005 });
    expect(parseMajor('90071992547409.91', AED)).toEqual({ ok: true, minor: 9007199254740991 });
  });

  it('round-trips with formatMajor', () => {
    for (const minor of [0, 1, 99, 100, 4500, 123456]) {
      for (const c of [AED, OMR, JPY]) {
        expect(parseMajor(formatMajor(minor, c.exponent), c)).toEqual({ ok: true, minor });
      }
    }
  });
});

describe('quickTenders', () => {
  const amounts = (total: number, c: Currency) => quickTenders(total, c).map((q) => q.minor);

  it('starts with Exact', () => {
    expect(quickTenders(4500, AED)[0]).toEqual({ kind: 'exact', minor: 4500 });
  });
  it('rounds an AED total up to each note: 110 -> 120, 150, 200, 500 (no AED 1500 note)', () => {
    expect(amounts(11000, AED)).toEqual([11000, 12000, 15000, 20000, 50000]);
    expect(amounts(4500, AED)).toEqual([4500, 5000, 6000, 10000, 20000]);
    expect(amounts(4550, AED)).toEqual([4550, 5000, 6000, 10000, 20000]);
  });
  it('skips an amount equal to the total (Exact covers it)', () => {
    expect(amounts(5000, AED)).toEqual([5000, 6000, 10000, 20000, 50000]);
  });
  it('offers 5/10/20/50 for OMR 4.500', () => {
    expect(amounts(4500, OMR)).toEqual([4500, 5000, 10000, 20000, 50000]);
  });
  it('offers baisa notes for small OMR totals', () => {
    expect(amounts(350, OMR)).toEqual([350, 400, 500, 1000, 5000]);
  });
  it('uses BHD notes', () => {
    expect(amounts(3500, BHD)).toEqual([3500, 4000, 5000, 10000, 20000]);
  });
  it('uses multiples of the largest notes past the biggest note', () => {
    expect(amounts(120000, AED)).toEqual([120000, 150000, 200000, 250000, 300000]);
    expect(amounts(70000, AED)).toEqual([70000, 80000, 100000, 150000, 200000]);
  });
  it('every suggestion covers the total', () => {
    for (const total of [1, 99, 4500, 4999, 5001, 99999, 123456]) {
      for (const c of [AED, OMR, BHD, JPY, { code: 'XYZ', exponent: 2 }]) {
        const q = quickTenders(total, c);
        expect(q.length).toBeGreaterThan(1);
        expect(q.length).toBeLessThanOrEqual(5);
        for (const t of q) expect(t.minor).toBeGreaterThanOrEqual(total);
        const notes = q.slice(1).map((t) => t.minor);
        expect(new Set(notes).size).toBe(notes.length);
        expect([...notes].sort((a, b) => a - b)).toEqual(notes);
      }
    }
  });
  it('only Exact for a zero total', () => {
    expect(quickTenders(0, AED)).toEqual([{ kind: 'exact', minor: 0 }]);
  });
  it('knows the denominations in minor units', () => {
    expect(denominations(OMR)).toEqual([100, 500, 1000, 5000, 10000, 20000, 50000]);
  });
});

describe('formatRateBp', () => {
  it.each([
    [500, '5%'],
    [1500, '15%'],
    [1250, '12.5%'],
    [1205, '12.05%'],
    [0, '0%'],
  ])('%i -> %s', (bp, text) => {
    expect(formatRateBp(bp)).toBe(text);
  });
});
