// Paying an order: cash, card (the chain's external card terminal) or split
// (part card, the rest in cash). Pure: the pay dialog shows what this says
// and sends what it builds; the engine checks everything again.
//
// The card terminal is a separate device: the till records only its
// approval reference, never a card number. A reference that looks like a
// card number (13 to 19 digits passing the Luhn check) is refused here as
// it is in the engine (domain::payment).

import { latinDigits } from './pin';
import { largestNote, parseMajor, type ParseError } from './money';
import type { Currency } from './types';
import type { CardArgs } from './bindings/CardArgs';

export type PayMode = 'cash' | 'card' | 'split';

export const PAY_MODES: readonly PayMode[] = ['cash', 'card', 'split'];

/** Longest approval reference the engine accepts. */
export const MAX_REFERENCE_LEN = 40;

/** What the cashier typed in the pay dialog. */
export interface PayInput {
  mode: PayMode;
  /** Cash handed over (cash and split). */
  cash: string;
  /** Amount charged to the card (split; card mode charges the total). */
  card: string;
  /** The card terminal's approval reference (card and split). */
  reference: string;
}

/**
 * `too_much`: the change would be a whole largest note or more (AED 1,000,
 * OMR 50): a typing slip the engine refuses too (`money.tender_too_large`).
 */
export type AmountError = ParseError | 'short' | 'too_much' | 'card_zero' | 'card_total';
export type ReferenceError = 'empty' | 'card_number' | 'too_long' | 'invalid';

/** What `sell` needs to settle the total. */
export interface Settlement {
  /** Cash handed over (0 when the card pays everything). */
  tendered_minor: number;
  card: CardArgs | undefined;
  /** Cash due after the card part. */
  cash_due: number;
  /** Change to give back. */
  change: number;
}

export interface PayCheck {
  /** The settlement, when everything typed is valid. */
  ok: Settlement | null;
  /** Cash due after the card part (the total for cash), when the card amount is known. */
  cashDue: number | null;
  /** Problems by field; a field the mode does not use is always null. */
  cashError: AmountError | null;
  cardError: AmountError | null;
  referenceError: ReferenceError | null;
  /** By how much the cash falls short (with `cashError` "short"). */
  short: number;
}

/** Arabic-Indic digits and the Arabic decimal separator (٫) as typed on an Arabic keyboard -> Latin. */
export function normaliseAmount(text: string): string {
  return latinDigits(text).replace(/\u066b/g, '.');
}

/** Whether `text` (spaces and dashes ignored) is 13 to 19 digits passing the Luhn check. */
export function looksLikeCardNumber(text: string): boolean {
  const compact = text.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(compact)) return false;
  let sum = 0;
  for (let i = 0; i < compact.length; i++) {
    let d = Number(compact[compact.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The approval reference as the engine will check it. */
export function checkReference(text: string): ReferenceError | null {
  const r = latinDigits(text).trim();
  if (r === '') return 'empty';
  if (looksLikeCardNumber(r)) return 'card_number';
  if (r.length > MAX_REFERENCE_LEN) return 'too_long';
  if (!/^[A-Za-z0-9 -]+$/.test(r)) return 'invalid';
  return null;
}

function amount(text: string, currency: Currency): { minor: number } | { error: ParseError } {
  const r = parseMajor(normaliseAmount(text), currency);
  return r.ok ? { minor: r.minor } : { error: r.error };
}

/** Check what was typed against the total, for the chosen mode. */
export function checkPayment(input: PayInput, total: number, currency: Currency): PayCheck {
  const out: PayCheck = {
    ok: null,
    cashDue: null,
    cashError: null,
    cardError: null,
    referenceError: null,
    short: 0,
  };

  // The card part.
  let cardMinor = 0;
  if (input.mode === 'card') {
    cardMinor = total;
  } else if (input.mode === 'split') {
    const c = amount(input.card, currency);
    if ('error' in c) out.cardError = c.error;
    else if (c.minor <= 0) out.cardError = 'card_zero';
    else if (c.minor > total) out.cardError = 'card_total';
    else cardMinor = c.minor;
  }
  if (input.mode !== 'cash') out.referenceError = checkReference(input.reference);
  if (out.cardError !== null) return out;

  // The cash part.
  const due = total - cardMinor;
  out.cashDue = due;
  let tendered = 0;
  if (input.mode === 'cash' || (input.mode === 'split' && due > 0)) {
    const c = amount(input.cash, currency);
    if ('error' in c) out.cashError = c.error;
    else if (c.minor < due) {
      out.cashError = 'short';
      out.short = due - c.minor;
    } else if (c.minor - due >= largestNote(currency)) out.cashError = 'too_much';
    else tendered = c.minor;
  }
  if (out.cashError !== null || out.referenceError !== null) return out;

  const reference = latinDigits(input.reference).trim();
  out.ok = {
    tendered_minor: tendered,
    card: cardMinor > 0 ? { amount_minor: cardMinor, reference } : undefined,
    cash_due: due,
    change: tendered - due,
  };
  return out;
}

/** A payment mode from a key press in the pay dialog (by key position too, for an Arabic layout). */
export function payModeFromKey(e: Pick<KeyboardEvent, 'key' | 'code'>): PayMode | null {
  const k = e.key.toLowerCase();
  if (k === 'c' || e.code === 'KeyC') return 'cash';
  if (k === 'k' || e.code === 'KeyK') return 'card';
  if (k === 's' || e.code === 'KeyS') return 'split';
  return null;
}

/** Engine error codes the pay dialog shows in place (the cashier fixes the payment and tries again). */
export function isPaymentError(code: string): boolean {
  return code.startsWith('payment.') || code.startsWith('money.') || code === 'age.id_check_required';
}

/** What the counter does when `sell` fails with `code`. */
export type SellFailure =
  /** The session is gone: back to the PIN screen. */
  | 'session'
  /** No shift of the cashier's is open on the terminal: the counter leads to the open-shift screen, the order kept. */
  | 'shift'
  /** Central is offline and some seats are not leased here: ask for a manager's PIN and send again. */
  | 'override'
  /** The payment, the ID check or the manager's PIN can be corrected in the pay dialog. */
  | 'in_dialog'
  /** Sales for the showtime closed meanwhile: back to the board. */
  | 'closed'
  /** Anything else (seats taken meanwhile, unknown ticket type...): close the dialog, show it, refresh the map. */
  | 'banner';

export function sellFailure(code: string, withOverridePin: boolean): SellFailure {
  if (code === 'not_logged_in' || code === 'session.expired') return 'session';
  // The lock screen shows over the dialog; once unlocked, the cashier confirms again.
  if (code === 'session.locked') return 'in_dialog';
  if (code === 'shift.none' || code === 'shift.not_yours') return 'shift';
  if (code === 'offline_not_leased') return 'override';
  // Offline, an override covers one showtime: the cashier splits the order in the dialog's words.
  if (code === 'override_one_showtime' || code === 'central_too_old') return 'in_dialog';
  if (isPaymentError(code)) return 'in_dialog';
  if (withOverridePin && ['wrong_pin', 'not_allowed', 'locked_out'].includes(code)) return 'in_dialog';
  if (code === 'sales_closed' || code === 'showtime_cancelled') return 'closed';
  return 'banner';
}
