// The cash drawer at the counter, as pure logic: which screen a signed-in
// person sees (open a shift, another cashier's shift, the counter), the
// blind count by note and coin, pay-ins, pay-outs and drops as typed, and
// how a closed shift's variance reads. Components: ShiftGate.svelte (open a
// shift), ShiftPanel.svelte (the drawer), DenominationGrid.svelte (counts).

import { formatMajor, MONEY_SPACE, parseMajor, type ParseError } from './money';
import { normaliseAmount } from './payment';
import { latinDigits } from './pin';
import type { CashMovementKind } from './bindings/CashMovementKind';
import type { DenominationCount } from './bindings/DenominationCount';
import type { DenominationView } from './bindings/DenominationView';
import type { ShiftState } from './bindings/ShiftState';
import type { Currency, Role } from './types';

export type { CashMovementKind, DenominationCount, DenominationView, ShiftState };

/** What a signed-in person sees before the counter. */
export type ShiftScreen =
  /** No shift is open on this terminal: count the float and open one. */
  | 'open'
  /** Another cashier's shift is open: they close it first (or a supervisor does). */
  | 'not_yours'
  /** Selling (or, for a supervisor or manager who chose so, the counter without a shift). */
  | 'counter';

/** Whether `role` may use the counter without a shift of the terminal open (to close the day, find orders...). */
export function mayWorkWithoutShift(role: Role): boolean {
  return role !== 'cashier';
}

/**
 * The screen for `state`: `withoutShift` is a supervisor's or manager's
 * choice to carry on without opening a shift (a cashier cannot).
 */
export function shiftScreen(state: ShiftState, role: Role, withoutShift = false): ShiftScreen {
  if (state.open === null) return withoutShift && mayWorkWithoutShift(role) ? 'counter' : 'open';
  return state.may_sell ? 'counter' : 'not_yours';
}

/** The engine's `domain::cash::MAX_PIECES`: most pieces of one note or coin in a count. */
export const MAX_PIECES = 100_000;

/** Pieces per denomination as typed, by face value in minor units. */
export type PiecesInput = Record<number, string>;

/** The pieces typed in one box: '' is none; whole numbers only (Arabic-Indic digits read too); null when not a count. */
export function parsePieces(text: string): number | null {
  const s = latinDigits(text).trim();
  if (s === '') return 0;
  if (!/^\d{1,7}$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_PIECES ? n : null;
}

/** One line of a count: the note or coin, its pieces (null when unreadable) and their value. */
export interface CountLine {
  minor: number;
  note: boolean;
  pieces: number | null;
  value: number;
}

/** The lines of a count, in the engine's order (notes, largest first, then coins). */
export function countLines(denominations: readonly DenominationView[], input: PiecesInput): CountLine[] {
  return denominations.map((d) => {
    const pieces = parsePieces(input[d.minor] ?? '');
    return { minor: d.minor, note: d.note, pieces, value: pieces === null ? 0 : pieces * d.minor };
  });
}

/** What a count adds up to, and the boxes that are not a count. */
export interface CountTotal {
  total: number;
  /** Face values whose box holds something else than a number of pieces. */
  invalid: number[];
  /** Pieces counted, all denominations together. */
  pieces: number;
}

export function countTotal(denominations: readonly DenominationView[], input: PiecesInput): CountTotal {
  const lines = countLines(denominations, input);
  return {
    total: lines.reduce((sum, l) => sum + l.value, 0),
    invalid: lines.filter((l) => l.pieces === null).map((l) => l.minor),
    pieces: lines.reduce((sum, l) => sum + (l.pieces ?? 0), 0),
  };
}

/**
 * The count as `shift_close` takes it: the notes and coins counted (none
 * left out by mistake: a box left empty is none of that note). Null while a
 * box is not a number. An empty drawer is `[]` (sent as a total of 0).
 */
export function countsToSend(denominations: readonly DenominationView[], input: PiecesInput): DenominationCount[] | null {
  const lines = countLines(denominations, input);
  if (lines.some((l) => l.pieces === null)) return null;
  return lines.filter((l) => (l.pieces ?? 0) > 0).map((l) => ({ minor: l.minor, pieces: l.pieces ?? 0 }));
}

/** `shift_close`'s count arguments, by denomination (an empty list is an empty drawer, counted). */
export function closeArgs(counts: readonly DenominationCount[]): { counts: DenominationCount[] } {
  return { counts: [...counts] };
}

/** How a closed shift's drawer compares with what it should hold. */
export type VarianceTone = 'short' | 'over' | 'exact';

export function varianceTone(variance: number): VarianceTone {
  return variance < 0 ? 'short' : variance > 0 ? 'over' : 'exact';
}

/** A variance with its sign: "AED -5.00", "AED +2.50", "AED 0.00". */
export function formatVariance(variance: number, currency: Currency): string {
  return `${currency.code}${MONEY_SPACE}${variance > 0 ? '+' : ''}${formatMajor(variance, currency.exponent)}`;
}

/** The engine's limit on a movement's reason (`stated_reason`). */
export const MAX_MOVEMENT_REASON = 120;

/** Whether a pay-out by `role` needs someone else's PIN (a cashier's does; a supervisor or manager approves their own). */
export function payOutNeedsPin(kind: CashMovementKind, role: Role): boolean {
  return kind === 'pay_out' && role === 'cashier';
}

export interface MovementInput {
  kind: CashMovementKind;
  amount: string;
  reason: string;
  pin: string;
}

export type MovementProblem = { field: 'amount'; error: ParseError | 'zero' } | { field: 'reason' } | { field: 'pin' };

export type MovementCheck =
  | { ok: { kind: CashMovementKind; amount_minor: number; reason: string; approval?: { pin: string } } }
  | { problem: MovementProblem };

/** Checks a pay-in, pay-out or drop as typed (the engine checks the same, and the approver's PIN). */
export function checkMovement(input: MovementInput, currency: Currency, role: Role): MovementCheck {
  const amount = parseMajor(normaliseAmount(input.amount), currency);
  if (!amount.ok) return { problem: { field: 'amount', error: amount.error } };
  if (amount.minor <= 0) return { problem: { field: 'amount', error: 'zero' } };
  const reason = input.reason.trim();
  if (reason === '' || [...reason].length > MAX_MOVEMENT_REASON) return { problem: { field: 'reason' } };
  const pin = latinDigits(input.pin).trim();
  if (payOutNeedsPin(input.kind, role) && pin === '') return { problem: { field: 'pin' } };
  return {
    ok: {
      kind: input.kind,
      amount_minor: amount.minor,
      reason,
      ...(input.kind === 'pay_out' && pin !== '' ? { approval: { pin } } : {}),
    },
  };
}

/** A float typed as one total, in major units ('' is none). */
export function parseFloatTotal(text: string, currency: Currency): { ok: true; minor: number } | { ok: false; error: ParseError } {
  if (text.trim() === '') return { ok: true, minor: 0 };
  return parseMajor(normaliseAmount(text), currency);
}
