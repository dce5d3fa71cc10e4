// The order being built at the counter: one showtime, some seats, one ticket type.

import type { Currency, SeatArea, SeatMap, SeatView, TicketTypePrice } from './types';
import type { PriceOverrideArgs } from './bindings/PriceOverrideArgs';
import { isSellable, sortSeats } from './seatmap';
import { parseMajor, type ParseError } from './money';

export interface Order {
  showtime_id: string | null;
  /** Seat labels in the order they were picked. */
  seats: string[];
  ticket_type: string | null;
  /** A supervisor's price for every ticket (the engine checks the PIN when selling). */
  price_override?: PriceOverrideArgs | null;
  /** What the override was approved for (`overrideKey`): another seat or ticket type needs a new approval. */
  price_override_for?: string;
  /** Wheelchair places the cashier confirmed the customer needs (never sold as plain seats otherwise). */
  wheelchair_confirmed?: string[];
}

/** What a price override is approved for: the showtime, the ticket type and the seats. */
export function overrideKey(order: Order): string {
  return [order.showtime_id ?? '', order.ticket_type ?? '', [...order.seats].sort().join(',')].join('|');
}

/**
 * The order's price override while the order is still the one it was
 * approved for: adding or removing a seat, or another ticket type, needs the
 * supervisor again (the price no longer applies, and is not sent).
 */
export function activeOverride(order: Order): PriceOverrideArgs | null {
  if (!order.price_override) return null;
  if (order.price_override_for !== undefined && order.price_override_for !== overrideKey(order)) return null;
  return order.price_override;
}

/** The wheelchair places among the order's seats that the cashier confirmed. */
export function confirmedWheelchairSeats(order: Order): string[] {
  return (order.wheelchair_confirmed ?? []).filter((l) => order.seats.includes(l));
}

/**
 * Adds a wheelchair place the cashier confirmed, with its companion seat
 * when one is wanted.
 */
export function confirmWheelchair(order: Order, seat: SeatView, companion: SeatView | null): Order {
  const add = [seat, ...(companion ? [companion] : [])]
    .filter((s) => isSellable(s.state) && !order.seats.includes(s.label))
    .map((s) => s.label);
  return {
    ...order,
    seats: [...order.seats, ...add],
    wheelchair_confirmed: [...new Set([...(order.wheelchair_confirmed ?? []), seat.label])],
  };
}


export function emptyOrder(showtime_id: string | null = null, ticket_type: string | null = null): Order {
  return { showtime_id, seats: [], ticket_type };
}

/** "adult" when offered, otherwise the first type, otherwise none. */
export function defaultTicketType(types: readonly TicketTypePrice[]): string | null {
  return (types.find((tt) => tt.code === 'adult') ?? types[0])?.code ?? null;
}

/** Add a sellable seat (free, or leased to this terminal) or remove a selected one; any other seat leaves the order as it is. */
export function toggleSeat(order: Order, seat: SeatView): Order {
  if (order.seats.includes(seat.label)) {
    return { ...order, seats: order.seats.filter((l) => l !== seat.label) };
  }
  if (!isSellable(seat.state)) return order;
  return { ...order, seats: [...order.seats, seat.label] };
}

/** What a drag across a row does: it adds or removes, by the state of the seat it started on. */
export type DragMode = 'add' | 'remove';

/** The drag mode a drag starting on `seat` takes. */
export function dragModeFor(order: Order, seat: SeatView): DragMode {
  return order.seats.includes(seat.label) ? 'remove' : 'add';
}

/**
 * Applies a drag passing over `seat`: only seats of the drag's row, only
 * sellable seats are added, only chosen seats are removed.
 */
export function dragSeat(order: Order, seat: SeatView, mode: DragMode, row: number): Order {
  if (seat.y !== row) return order;
  const chosen = order.seats.includes(seat.label);
  // A drag never adds a wheelchair place: it is asked for one by one.
  if (mode === 'add' && !chosen && isSellable(seat.state) && seat.kind !== 'wheelchair') {
    return { ...order, seats: [...order.seats, seat.label] };
  }
  if (mode === 'remove' && chosen) {
    return { ...order, seats: order.seats.filter((l) => l !== seat.label) };
  }
  return order;
}

export function removeSeat(order: Order, label: string): Order {
  return { ...order, seats: order.seats.filter((l) => l !== label) };
}

export function ticketPrice(order: Order, types: readonly TicketTypePrice[]): TicketTypePrice | null {
  return types.find((tt) => tt.code === order.ticket_type) ?? null;
}

/** The price of a ticket type for a seat in `area`: the showtime's price with the area's rules. */
export function seatPrice(tt: TicketTypePrice, area: SeatArea): number {
  return tt.area_prices.find((a) => a.area === area)?.price_minor ?? tt.price_minor;
}

/**
 * Total in minor units, or null when no ticket type applies. With the seat
 * map's seats each seat is priced for its area; a price override sets every
 * ticket's price.
 */
export function orderTotal(order: Order, types: readonly TicketTypePrice[], seats?: readonly SeatView[]): number | null {
  const tt = ticketPrice(order, types);
  if (!tt) return null;
  const override = activeOverride(order);
  if (override) return override.price_minor * order.seats.length;
  if (!seats) return tt.price_minor * order.seats.length;
  const areas = new Map(seats.map((s) => [s.label, s.area]));
  return order.seats.reduce((sum, label) => sum + seatPrice(tt, areas.get(label) ?? 'standard'), 0);
}

export function canPay(order: Order, map: SeatMap | null): boolean {
  return (
    map !== null &&
    order.showtime_id === map.showtime_id &&
    order.seats.length > 0 &&
    ticketPrice(order, map.ticket_types) !== null
  );
}

/**
 * Keep the order in step with a fresher seat map: seats that are no longer
 * sellable (sold or held elsewhere, blocked) leave the order and are
 * reported; the rest of the order stays as it is; a ticket
 * type that disappeared falls back to the default.
 */
export function reconcile(order: Order, map: SeatMap): { order: Order; dropped: string[] } {
  if (order.showtime_id !== map.showtime_id) return { order, dropped: [] };
  const byLabel = new Map(map.seats.map((s) => [s.label, s]));
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const label of order.seats) {
    const state = byLabel.get(label)?.state;
    if (state !== undefined && isSellable(state)) kept.push(label);
    else dropped.push(label);
  }
  const typeOk = map.ticket_types.some((tt) => tt.code === order.ticket_type);
  const ticket_type = typeOk ? order.ticket_type : defaultTicketType(map.ticket_types);
  if (dropped.length === 0 && ticket_type === order.ticket_type) return { order, dropped };
  return { order: { ...order, seats: kept, ticket_type }, dropped };
}

export interface OrderLine {
  seat: SeatView;
  /** The price charged for this seat (its area's, or the override). */
  price_minor: number | null;
  /** The card's price for this seat when an override replaces it. */
  list_price_minor: number | null;
}

/** Order lines in seat-map order (row by row), whatever order they were picked in, each priced for its area. */
export function orderLines(order: Order, map: SeatMap | null): OrderLine[] {
  if (!map || order.showtime_id !== map.showtime_id) return [];
  const tt = ticketPrice(order, map.ticket_types);
  const picked = new Set(order.seats);
  return sortSeats(map.seats.filter((s) => picked.has(s.label))).map((seat) => {
    const list = tt ? seatPrice(tt, seat.area) : null;
    const override = activeOverride(order);
    const price = tt && override ? override.price_minor : list;
    return { seat, price_minor: price, list_price_minor: list };
  });
}

export type TenderCheck =
  | { ok: true; tendered: number; change: number }
  | { ok: false; error: ParseError | 'short'; short?: number };

/** Validate the cash received against the total. */
export function checkTender(text: string, total: number, currency: Currency): TenderCheck {
  const parsed = parseMajor(text, currency);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  if (parsed.minor < total) return { ok: false, error: 'short', short: total - parsed.minor };
  return { ok: true, tendered: parsed.minor, change: parsed.minor - total };
}
