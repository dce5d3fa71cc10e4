// Collecting web bookings at the counter: the customer bought on the chain's
// website and shows a reference (e.g. W1A2B3C4D). Pure logic only; the
// dialog is components/CollectBooking.svelte.

import { latinDigits } from './pin';
import type { BookingView } from './types';

/** The engine takes at most this many characters (crates/site/src/collect.rs). */
export const REFERENCE_MAX = 32;

/**
 * A reference as typed or read out: upper case, Latin digits, without the
 * spaces and dashes people put in to read it back ("w1a2-b3c4d" -> "W1A2B3C4D").
 */
export function normaliseReference(raw: string): string {
  return latinDigits(raw)
    .replace(/[\s\-_.·]+/g, '')
    .toUpperCase();
}

export type ReferenceProblem = 'empty' | 'too_long' | 'invalid';

/** Why a normalised reference cannot be looked up, or null when it can. */
export function referenceProblem(reference: string): ReferenceProblem | null {
  if (reference === '') return 'empty';
  if (reference.length > REFERENCE_MAX) return 'too_long';
  if (!/^[A-Z0-9]+$/.test(reference)) return 'invalid';
  return null;
}

/** What the counter says about a failed look-up or collection. */
export type BookingProblem =
  | { kind: 'unknown' }
  | { kind: 'invalid' }
  | { kind: 'unreachable' }
  | { kind: 'collected_elsewhere'; terminal: string; at: string | null }
  | { kind: 'refunded' }
  | { kind: 'session' }
  | { kind: 'other'; message: string };

/** "... already collected at <terminal> (<time>)", maybe followed by central's code in brackets. */
const COLLECTED_AT = /already collected at (\S+?)(?: \(([^()]*\d[^()]*)\))?(?: \([a-z_]+\))?\s*$/;

/**
 * An engine error as a booking problem. Central's own refusals reach the
 * terminal as `central_refused` with central's code in brackets at the end of
 * the message ("... (unknown_booking)"), so both shapes are understood.
 */
export function bookingProblem(err: { code: string; message: string }): BookingProblem {
  const { code, message } = err;
  if (code === 'not_logged_in') return { kind: 'session' };
  if (code === 'unknown_booking') return { kind: 'unknown' };
  if (code === 'invalid_input') return { kind: 'invalid' };
  if (code === 'central_unreachable' || code === 'network') return { kind: 'unreachable' };
  if (code === 'central_refused' || code === 'conflict') {
    if (/\(unknown_booking\)\s*$/.test(message) || /no web booking/i.test(message)) return { kind: 'unknown' };
    const m = COLLECTED_AT.exec(message);
    if (m) return { kind: 'collected_elsewhere', terminal: m[1] ?? '', at: m[2] ?? null };
    if (/was refunded/i.test(message)) return { kind: 'refunded' };
  }
  return { kind: 'other', message };
}

/** Where a looked-up booking stands. */
export type BookingState =
  | { kind: 'ready' }
  | { kind: 'refunded' }
  | { kind: 'collected'; here: boolean; terminal: string; at: string | null };

export function bookingState(b: Pick<BookingView, 'collected_at' | 'collected_by' | 'refunded'>, terminalId: string): BookingState {
  if (b.refunded) return { kind: 'refunded' };
  if (b.collected_at !== null || b.collected_by !== null) {
    const terminal = b.collected_by ?? '';
    return { kind: 'collected', here: terminal === terminalId, terminal, at: b.collected_at };
  }
  return { kind: 'ready' };
}

/**
 * An RFC 3339 instant as "26/11/2026 19:05" in the site's time zone (24 h,
 * Latin digits, as everywhere on the counter); as given when it is not one.
 */
export function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    numberingSystem: 'latn',
  };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).formatToParts(date);
  } catch {
    parts = new Intl.DateTimeFormat('en-GB', opts).formatToParts(date);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}`;
}
