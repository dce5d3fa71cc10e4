import { describe, expect, it } from 'vitest';
import { companionFor } from './seatmap';
import type { SeatMap, SeatView } from './types';
import {
  canPay,
  checkTender,
  activeOverride,
  confirmWheelchair,
  confirmedWheelchairSeats,
  overrideKey,
  defaultTicketType,
  dragModeFor,
  dragSeat,
  emptyOrder,
  orderLines,
  orderTotal,
  reconcile,
  removeSeat,
  toggleSeat,
} from './order';
import { mapOf, seat } from './testdata/maps';

const AED = { code: 'AED', exponent: 2 };
const OMR = { code: 'OMR', exponent: 3 };

const seats = [
  seat('A-1', 0, 0),
  seat('A-2', 1, 0),
  seat('A-3', 2, 0, { state: 'sold' }),
  seat('B-1', 0, 1, { area: 'premium' }),
];
const map = mapOf(seats);

describe('order', () => {
  it('defaults to adult, else the first type', () => {
    expect(defaultTicketType(map.ticket_types)).toBe('adult');
    expect(
      defaultTicketType([{ code: 'x', name_en: 'X', name_ar: '', price_minor: 1, base_minor: 1, adjustments: [], area_prices: [] }]),
    ).toBe('x');
    expect(defaultTicketType([])).toBeNull();
  });

  it('toggles free seats only', () => {
    let o = emptyOrder('st-1', 'adult');
    o = toggleSeat(o, seats[0]!);
    o = toggleSeat(o, seats[2]!); // sold: ignored
    o = toggleSeat(o, seats[1]!);
    expect(o.seats).toEqual(['A-1', 'A-2']);
    o = toggleSeat(o, seats[0]!);
    expect(o.seats).toEqual(['A-2']);
    expect(removeSeat(o, 'A-2').seats).toEqual([]);
  });

  it('totals one ticket type over all seats', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1', 'B-1'], ticket_type: 'adult' };
    expect(orderTotal(o, map.ticket_types)).toBe(9000);
    expect(orderTotal({ ...o, ticket_type: 'child' }, map.ticket_types)).toBe(6000);
    expect(orderTotal({ ...o, ticket_type: 'gone' }, map.ticket_types)).toBeNull();
  });

  it('can pay only with seats and a ticket type for this showtime', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult' };
    expect(canPay(o, map)).toBe(true);
    expect(canPay({ ...o, seats: [] }, map)).toBe(false);
    expect(canPay({ ...o, ticket_type: null }, map)).toBe(false);
    expect(canPay({ ...o, showtime_id: 'other' }, map)).toBe(false);
    expect(canPay(o, null)).toBe(false);
  });

  it('lists lines in seat-map order', () => {
    const o = { showtime_id: 'st-1', seats: ['B-1', 'A-2'], ticket_type: 'adult' };
    expect(orderLines(o, map).map((l) => [l.seat.label, l.price_minor])).toEqual([
      ['A-2', 4500],
      ['B-1', 4500],
    ]);
    expect(orderLines(o, null)).toEqual([]);
  });

  it('sells seats leased to this terminal like free ones', () => {
    const leased = seat('C-1', 0, 2, { state: 'leased' });
    let o = toggleSeat(emptyOrder('st-1', 'adult'), leased);
    expect(o.seats).toEqual(['C-1']);
    o = toggleSeat(o, seat('C-2', 1, 2, { state: 'held' }));
    expect(o.seats).toEqual(['C-1']);
  });

  it('keeps leased seats and drops sold and held ones, the rest of the order stays', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1', 'A-2', 'B-1', 'B-2'], ticket_type: 'child' };
    const fresher = mapOf([
      seat('A-1', 0, 0, { state: 'held' }),
      seat('A-2', 1, 0, { state: 'leased' }),
      seat('B-1', 0, 1, { state: 'sold' }),
      seat('B-2', 1, 1),
    ]);
    expect(reconcile(o, fresher)).toEqual({ order: { ...o, seats: ['A-2', 'B-2'] }, dropped: ['A-1', 'B-1'] });
  });

  it('drops a seat that vanished from the map', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1', 'Z-9'], ticket_type: 'adult' };
    expect(reconcile(o, map).dropped).toEqual(['Z-9']);
  });

  it('drops seats taken meanwhile and reports them', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1', 'A-2'], ticket_type: 'adult' };
    const fresher = mapOf([seat('A-1', 0, 0, { state: 'sold' }), seat('A-2', 1, 0)]);
    expect(reconcile(o, fresher)).toEqual({ order: { ...o, seats: ['A-2'] }, dropped: ['A-1'] });
  });

  it('keeps the same order object when nothing changed', () => {
    const o = { showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult' };
    expect(reconcile(o, map).order).toBe(o);
  });

  it('falls back to the default type when the chosen one is withdrawn', () => {
    const o = { showtime_id: 'st-1', seats: [], ticket_type: 'senior' };
    expect(reconcile(o, map).order.ticket_type).toBe('adult');
  });

  it('leaves an order for another showtime alone', () => {
    const o = { showtime_id: 'st-2', seats: ['A-3'], ticket_type: 'adult' };
    expect(reconcile(o, map)).toEqual({ order: o, dropped: [] });
  });
});

describe('prices per seat', () => {
  const priced = mapOf(seats, {
    ticket_types: [
      {
        code: 'adult',
        name_en: 'Adult',
        name_ar: 'بالغ',
        price_minor: 4000,
        base_minor: 5000,
        adjustments: [{ code: 'matinee', name_en: 'Weekday matinee', name_ar: 'عرض نهاري', amount_minor: -1000 }],
        area_prices: [
          { area: 'standard', price_minor: 4000, adjustment_minor: 0 },
          { area: 'premium', price_minor: 5000, adjustment_minor: 1000 },
        ],
      },
    ],
  });

  it('prices each seat for its area', () => {
    const o = { showtime_id: 'st-1', seats: ['B-1', 'A-1'], ticket_type: 'adult' };
    expect(orderLines(o, priced).map((l) => [l.seat.label, l.price_minor])).toEqual([
      ['A-1', 4000],
      ['B-1', 5000],
    ]);
    expect(orderTotal(o, priced.ticket_types, priced.seats)).toBe(9000);
    // Without the seats: the showtime's price for every seat.
    expect(orderTotal(o, priced.ticket_types)).toBe(8000);
  });

  it('charges the override for every seat and keeps the list price', () => {
    const o = {
      showtime_id: 'st-1',
      seats: ['A-1', 'B-1'],
      ticket_type: 'adult',
      price_override: { price_minor: 2000, reason: 'Broken armrest', approval: { pin: '222222' } },
    };
    expect(orderLines(o, priced).map((l) => [l.price_minor, l.list_price_minor])).toEqual([
      [2000, 4000],
      [2000, 5000],
    ]);
    expect(orderTotal(o, priced.ticket_types, priced.seats)).toBe(4000);
  });
});

describe('checkTender', () => {
  it('gives the change for enough cash', () => {
    expect(checkTender('50', 4500, AED)).toEqual({ ok: true, tendered: 5000, change: 500 });
    expect(checkTender('45', 4500, AED)).toEqual({ ok: true, tendered: 4500, change: 0 });
    expect(checkTender('12.5', 4500, OMR)).toEqual({ ok: true, tendered: 12500, change: 8000 });
  });
  it('says how much is missing', () => {
    expect(checkTender('40', 4500, AED)).toEqual({ ok: false, error: 'short', short: 500 });
  });
  it('passes parse errors through', () => {
    expect(checkTender('', 4500, AED)).toEqual({ ok: false, error: 'empty' });
    expect(checkTender('1.234', 4500, AED)).toEqual({ ok: false, error: 'too_many_decimals' });
    expect(checkTender('-50', 4500, AED)).toEqual({ ok: false, error: 'negative' });
  });
});

describe('dragging across a row', () => {
  const a = seat('F-1', 0, 5);
  const b = seat('F-2', 1, 5);
  const sold = seat('F-3', 2, 5, { state: 'sold' });
  const other = seat('G-1', 0, 6);
  it('adds sellable seats of the row it started on, and nothing else', () => {
    let o = emptyOrder('st-1', 'adult');
    const mode = dragModeFor(o, a);
    expect(mode).toBe('add');
    for (const s of [a, b, sold, other]) o = dragSeat(o, s, mode, a.y);
    expect(o.seats).toEqual(['F-1', 'F-2']);
  });
  it('removes chosen seats when it starts on a chosen seat', () => {
    let o = { ...emptyOrder('st-1', 'adult'), seats: ['F-1', 'F-2', 'G-1'] };
    const mode = dragModeFor(o, a);
    expect(mode).toBe('remove');
    for (const s of [a, b, other]) o = dragSeat(o, s, mode, a.y);
    expect(o.seats).toEqual(['G-1']);
  });
});

describe('wheelchair places', () => {
  const seat = (label: string, x: number, kind: 'standard' | 'wheelchair' | 'companion', state = 'free'): SeatView =>
    ({ label, row: 'A', x, y: 0, area: 'standard', kind, state }) as SeatView;
  const wc = seat('A-2', 1, 'wheelchair');
  const comp = seat('A-3', 2, 'companion');
  const map = { seats: [seat('A-1', 0, 'wheelchair'), wc, comp, seat('A-4', 3, 'standard'), seat('A-9', 9, 'companion')] } as SeatMap;

  it('offers the companion seat beside the place, not one across the hall', () => {
    expect(companionFor(map, wc)?.label).toBe('A-3');
    expect(companionFor(map, seat('A-1', 0, 'wheelchair'))?.label).toBe('A-3');
    expect(companionFor(map, wc, ['A-3'])).toBeNull();
    const far = { seats: [wc, seat('A-9', 9, 'companion')] } as SeatMap;
    expect(companionFor(far, wc)).toBeNull();
  });
  it('adds a confirmed place with or without its companion, and a drag never adds one', () => {
    const o = emptyOrder('s1', 'adult');
    const both = confirmWheelchair(o, wc, comp);
    expect(both.seats).toEqual(['A-2', 'A-3']);
    expect(both.wheelchair_confirmed).toEqual(['A-2']);
    expect(confirmedWheelchairSeats(both)).toEqual(['A-2']);
    expect(confirmWheelchair(o, wc, null).seats).toEqual(['A-2']);
    // Toggled in without the question (as a plain seat): not confirmed, so not sent as such.
    expect(confirmedWheelchairSeats(toggleSeat(o, wc))).toEqual([]);
    // Taken out again: no longer listed.
    expect(confirmedWheelchairSeats(toggleSeat(both, wc))).toEqual([]);
    expect(dragSeat(o, wc, 'add', 0).seats).toEqual([]);
    expect(dragSeat(o, comp, 'add', 0).seats).toEqual(['A-3']);
  });
});

describe('a price override is approved for one order', () => {
  const o = { ...emptyOrder('s1', 'adult'), seats: ['A-1', 'A-2'] };
  const override = { price_minor: 3000, reason: 'r', approval: { pin: '222222' } };
  const approved = { ...o, price_override: override, price_override_for: overrideKey(o) };
  it('applies while the seats and the ticket type are those approved', () => {
    expect(activeOverride(approved)).toEqual(override);
    expect(activeOverride({ ...approved, seats: ['A-2', 'A-1'] })).toEqual(override);
  });
  it('lapses when a seat is added or the ticket type changes (no more seats at the approved price)', () => {
    expect(activeOverride({ ...approved, seats: [...o.seats, 'A-3'] })).toBeNull();
    expect(activeOverride({ ...approved, ticket_type: 'child' })).toBeNull();
    expect(orderTotal({ ...approved, seats: [...o.seats, 'A-3'] }, [{ code: 'adult', price_minor: 5000 } as never])).toBe(15000);
  });
});
