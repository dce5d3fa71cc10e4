// What a supervisor's price override may do, checked as it is typed (the
// engine checks the same again: `check_override_bounds` in crates/site):
// down to half the list price, never above it, 0 only as a complimentary
// ticket, always with a reason and the approver's PIN.

import { parseMajor } from './money';
import { normaliseAmount } from './payment';
import { latinDigits } from './pin';
import type { Currency } from './types';
import type { PriceOverrideArgs } from './bindings/PriceOverrideArgs';

/** The engine's `OVERRIDE_FLOOR_PERCENT`. */
export const OVERRIDE_FLOOR_PERCENT = 50;
/** The engine's `MAX_REASON_CHARS`. */
export const MAX_OVERRIDE_REASON = 120;

export interface OverrideInput {
  price: string;
  reason: string;
  pin: string;
  complimentary: boolean;
}

export type OverrideProblem = 'price' | 'above_list' | 'below_floor' | 'reason' | 'pin';

export type OverrideCheck = { ok: PriceOverrideArgs } | { problem: OverrideProblem; list: number; floor: number };

/** The lowest price an override may set on a ticket listed at `list` (rounded up). */
export function overrideFloor(list: number): number {
  return Math.ceil((Math.max(0, list) * OVERRIDE_FLOOR_PERCENT) / 100);
}

/** Checks the override dialog against the list prices of the order's seats. */
export function checkOverride(input: OverrideInput, listPrices: readonly number[], currency: Currency): OverrideCheck {
  // Never above the lowest list price, never below half the highest.
  const list = listPrices.length > 0 ? Math.min(...listPrices) : 0;
  const floor = overrideFloor(listPrices.length > 0 ? Math.max(...listPrices) : 0);
  const fail = (problem: OverrideProblem): OverrideCheck => ({ problem, list, floor });
  let price = 0;
  if (!input.complimentary) {
    const p = parseMajor(normaliseAmount(input.price), currency);
    if (!p.ok) return fail('price');
    if (p.minor > list) return fail('above_list');
    if (p.minor < floor) return fail('below_floor');
    price = p.minor;
  }
  const reason = input.reason.trim();
  if (reason === '' || [...reason].length > MAX_OVERRIDE_REASON) return fail('reason');
  const pin = latinDigits(input.pin).trim();
  if (pin === '') return fail('pin');
  return {
    ok: {
      price_minor: price,
      reason,
      complimentary: input.complimentary ? true : undefined,
      approval: { pin },
    },
  };
}
