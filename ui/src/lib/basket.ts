// One order can hold tickets for several showtimes and several ticket types:
// the cashier sets the current selection aside ("add to order"), picks more
// (another ticket type, or another showtime), and pays once. Each part set
// aside keeps the hold placed while it was chosen.

import type { SellPart } from './bindings/SellPart';
import type { PriceOverrideArgs } from './bindings/PriceOverrideArgs';
import { activeOverride, canPay, confirmedWheelchairSeats, orderLines, orderTotal, ticketPrice, type Order } from './order';
import type { SeatMap } from './types';

/** A part of the order set aside: seats of one showtime at one ticket type. */
export interface BasketPart {
  showtime_id: string;
  film_title_en: string;
  film_title_ar: string;
  local_time: string;
  screen: string;
  rating: string;
  /** The cashier must check ID (PG15 and above). */
  id_check: boolean;
  /** Seat labels in seat-map order. */
  seats: string[];
  /** The price of each seat, as `seats` (areas and overrides priced in). */
  prices: number[];
  ticket_type: string;
  ticket_name_en: string;
  ticket_name_ar: string;
  /** What the part costs, in minor units (each seat priced for its area). */
  total_minor: number;
  /** The hold placed while these seats were chosen, if any. */
  hold_id: string | null;
  price_override?: PriceOverrideArgs | null;
  /** The wheelchair places among `seats` the cashier confirmed. */
  wheelchair_seats?: string[];
}

/**
 * The current selection as a part of the order, or null when it cannot be
 * (no seats, no ticket type, or the map is of another showtime).
 */
export function partFromOrder(order: Order, map: SeatMap | null, holdId: string | null): BasketPart | null {
  if (!map || !canPay(order, map) || !order.ticket_type) return null;
  const tt = ticketPrice(order, map.ticket_types);
  const total = orderTotal(order, map.ticket_types, map.seats);
  if (!tt || total === null) return null;
  const lines = orderLines(order, map);
  return {
    showtime_id: map.showtime_id,
    film_title_en: map.film_title_en,
    film_title_ar: map.film_title_ar,
    local_time: map.local_time,
    screen: map.screen,
    rating: map.rating,
    id_check: map.id_check,
    seats: lines.map((l) => l.seat.label),
    prices: lines.map((l) => l.price_minor ?? 0),
    ticket_type: order.ticket_type,
    ticket_name_en: tt.name_en,
    ticket_name_ar: tt.name_ar,
    total_minor: total,
    hold_id: holdId,
    price_override: activeOverride(order),
    wheelchair_seats: confirmedWheelchairSeats(order),
  };
}

/** Seats of `showtimeId` already set aside in the basket. */
export function basketSeats(basket: readonly BasketPart[], showtimeId: string | null): string[] {
  if (!showtimeId) return [];
  return basket.filter((p) => p.showtime_id === showtimeId).flatMap((p) => p.seats);
}

/** Sum of the parts set aside. */
export function basketTotal(basket: readonly BasketPart[]): number {
  return basket.reduce((sum, p) => sum + p.total_minor, 0);
}

/** How many tickets the whole order holds. */
export function ticketCount(basket: readonly BasketPart[], current: BasketPart | null): number {
  return basket.reduce((n, p) => n + p.seats.length, 0) + (current?.seats.length ?? 0);
}

/** The minimum age a rating names (PG15 → 15, 18+ → 18), or 0. */
export function ratingAge(rating: string): number {
  const m = /(\d+)/.exec(rating);
  return m ? Number(m[1]) : 0;
}

/**
 * The rating to confirm ID for before payment, or null: the strictest of the
 * parts that need a check (one confirmation covers the whole order).
 */
export function idCheckRating(parts: readonly BasketPart[]): string | null {
  let strictest: string | null = null;
  for (const p of parts) {
    if (p.id_check && (strictest === null || ratingAge(p.rating) > ratingAge(strictest))) strictest = p.rating;
  }
  return strictest;
}

/** A part without the seats central says are gone, priced for the seats left (null when none is left). */
export function withoutSeats(part: BasketPart, gone: readonly string[]): BasketPart | null {
  const keep = part.seats.map((s, i) => [s, part.prices[i] ?? 0] as const).filter(([s]) => !gone.includes(s));
  if (keep.length === 0) return null;
  return {
    ...part,
    seats: keep.map(([s]) => s),
    prices: keep.map(([, p]) => p),
    total_minor: keep.reduce((sum, [, p]) => sum + p, 0),
  };
}

/** The parts to sell, the current selection last; the first goes in `sell`'s own fields. */
export function partsToSell(basket: readonly BasketPart[], current: BasketPart | null): BasketPart[] {
  return current ? [...basket, current] : [...basket];
}

/** One part as `sell` takes it in `more`. */
export function toSellPart(p: BasketPart): SellPart {
  return {
    showtime_id: p.showtime_id,
    seats: [...p.seats],
    ticket_type: p.ticket_type,
    ...(p.hold_id ? { hold_id: p.hold_id } : {}),
    ...(p.price_override ? { price_override: p.price_override } : {}),
    ...(p.wheelchair_seats && p.wheelchair_seats.length > 0 ? { wheelchair_seats: [...p.wheelchair_seats] } : {}),
  };
}
