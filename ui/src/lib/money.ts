// Money in the UI: integers in minor units, never floats.

import type { Currency } from './types';

const MAX_DIGITS = String(Number.MAX_SAFE_INTEGER);

/** Digits of |minor| as "major.minor" without the currency code: 4500 (exp 2) -> "45.00". */
export function formatMajor(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  const body = exponent > 0 ? `${whole}.${frac}` : whole;
  return negative ? `-${body}` : body;
}

/**
 * Between the currency code and the number: a no-break space (U+00A0), so an
 * amount never wraps inside ("AED" above "300.00") in a narrow column.
 */
export const MONEY_SPACE = '\u00a0';

/** 4500 AED -> "AED 45.00"; 4500 OMR -> "OMR 4.500"; -500 AED -> "AED -5.00" (the space is MONEY_SPACE). */
export function formatMinor(minor: number, currency: Currency): string {
  return `${currency.code}${MONEY_SPACE}${formatMajor(minor, currency.exponent)}`;
}

/** A short note label: whole amounts lose their zero decimals (AED 50, OMR 0.500). */
export function formatNote(minor: number, currency: Currency): string {
  const unit = 10 ** currency.exponent;
  if (minor % unit === 0) return `${currency.code}${MONEY_SPACE}${minor / unit}`;
  return formatMinor(minor, currency);
}

export type ParseError = 'empty' | 'invalid' | 'negative' | 'too_many_decimals' | 'too_large';

export type ParseResult = { ok: true; minor: number } | { ok: false; error: ParseError };

const AMOUNT = /^(\d*)(?:\.(\d*))?$/;

/**
 * Parse what a cashier typed, in major units, into minor units.
 * Accepts "20", "20.", "12.5", ".5", surrounding spaces. Rejects signs,
 * exponents, thousands separators, more decimals than the currency has.
 * Pure string arithmetic: "12.5" with exponent 3 -> 12500.
 */
export function parseMajor(text: string, currency: Currency): ParseResult {
  const s = text.trim();
  if (s === '') return { ok: false, error: 'empty' };
  if (s.startsWith('-')) {
    return AMOUNT.test(s.slice(1)) && /\d/.test(s) ? { ok: false, error: 'negative' } : { ok: false, error: 'invalid' };
  }
  const m = AMOUNT.exec(s);
  if (!m) return { ok: false, error: 'invalid' };
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (whole === '' && frac === '') return { ok: false, error: 'invalid' };
  if (frac.length > currency.exponent) return { ok: false, error: 'too_many_decimals' };
  const digits = (whole + frac.padEnd(currency.exponent, '0')).replace(/^0+(?=\d)/, '');
  // Compare as digit strings: anything above 2^53 - 1 cannot be held exactly.
  if (digits.length > MAX_DIGITS.length || (digits.length === MAX_DIGITS.length && digits > MAX_DIGITS)) {
    return { ok: false, error: 'too_large' };
  }
  return { ok: true, minor: Number(digits) };
}

/** Cash denominations in circulation, in major-unit strings (exact). */
const NOTES: Record<string, readonly string[]> = {
  AED: ['5', '10', '20', '50', '100', '200', '500', '1000'],
  SAR: ['5', '10', '20', '50', '100', '200', '500'],
  QAR: ['1', '5', '10', '50', '100', '200', '500'],
  OMR: ['0.1', '0.5', '1', '5', '10', '20', '50'],
  BHD: ['0.5', '1', '5', '10', '20'],
  KWD: ['0.25', '0.5', '1', '5', '10', '20'],
  JOD: ['1', '5', '10', '20', '50'],
  EGP: ['5', '10', '20', '50', '100', '200'],
  USD: ['1', '5', '10', '20', '50', '100'],
  EUR: ['5', '10', '20', '50', '100', '200'],
  GBP: ['5', '10', '20', '50'],
  LBP: ['1000', '5000', '10000', '20000', '50000', '100000'],
};

const GENERIC_NOTES = ['1', '2', '5', '10', '20', '50', '100', '200', '500', '1000'];

/** The notes of `currency`, in minor units, ascending. */
export function denominations(currency: Currency): number[] {
  const list = NOTES[currency.code] ?? GENERIC_NOTES;
  const out: number[] = [];
  for (const note of list) {
    const r = parseMajor(note, currency);
    if (r.ok && r.minor > 0) out.push(r.minor);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The currency's largest note, in minor units: change never reaches it (the
 * engine's `Currency::largest_note_minor` says the same for its currencies).
 */
export function largestNote(currency: Currency): number {
  const notes = denominations(currency);
  return notes[notes.length - 1] ?? Number.MAX_SAFE_INTEGER;
}

export interface QuickTender {
  kind: 'exact' | 'note';
  minor: number;
}

/**
 * Quick-tender buttons for a total: "Exact" first, then up to `count` amounts a
 * customer actually hands over, derived from the currency's notes: for each
 * note, the total rounded up to a multiple of it (AED 110 -> 120, 150, 200,
 * 500; AED 45 -> 50, 60, 100, 200), and, when the total outgrows the notes,
 * further multiples of the two largest.
 */
export function quickTenders(total: number, currency: Currency, count = 4): QuickTender[] {
  const out: QuickTender[] = [{ kind: 'exact', minor: total }];
  if (total <= 0) return out;
  const notes = denominations(currency);
  const above = new Set<number>();
  for (const n of notes) {
    const next = Math.ceil(total / n) * n;
    if (next > total) above.add(next);
  }
  const big = notes.slice(-2);
  for (let k = 1; above.size < count && k <= 50; k++) {
    for (const n of big) above.add((Math.floor(total / n) + k) * n);
  }
  const picked = [...above].sort((a, b) => a - b).slice(0, count);
  for (const minor of picked) out.push({ kind: 'note', minor });
  return out;
}

/** 500 basis points -> "5%", 1250 -> "12.5%". */
export function formatRateBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(Math.abs(bp % 100)).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}%` : `${whole}%`;
}
