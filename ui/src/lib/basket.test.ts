import { describe, expect, it } from 'vitest';
import {
  basketSeats,
  basketTotal,
  idCheckRating,
  partFromOrder,
  partsToSell,
  ratingAge,
  ticketCount,
  toSellPart,
  withoutSeats,
} from './basket';
import { mapOf, seat } from './testdata/maps';

const seats = [seat('A-1', 0, 0), seat('A-2', 1, 0), seat('A-3', 2, 0, { state: 'sold' }), seat('B-1', 0, 1, { area: 'premium' })];
const early = mapOf(seats);
const late = mapOf(seats, { showtime_id: 'st-2', local_time: '22:00', rating: '18+', id_check: true });

describe('basket', () => {
  it('sets the current selection aside priced per seat, in seat-map order, with its hold', () => {
    const part = partFromOrder({ showtime_id: 'st-1', seats: ['B-1', 'A-1'], ticket_type: 'adult' }, early, 'h-1');
    expect(part).toMatchObject({
      showtime_id: 'st-1',
      local_time: '19:30',
      seats: ['A-1', 'B-1'],
      prices: [4500, 4500],
      ticket_type: 'adult',
      ticket_name_en: 'Adult',
      total_minor: 9000,
      hold_id: 'h-1',
    });
  });

  it('refuses an empty selection, a missing ticket type or another showtime’s map', () => {
    expect(partFromOrder({ showtime_id: 'st-1', seats: [], ticket_type: 'adult' }, early, null)).toBeNull();
    expect(partFromOrder({ showtime_id: 'st-1', seats: ['A-1'], ticket_type: null }, early, null)).toBeNull();
    expect(partFromOrder({ showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult' }, late, null)).toBeNull();
    expect(partFromOrder({ showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult' }, null, null)).toBeNull();
  });

  it('totals, counts and names the seats set aside per showtime', () => {
    const adults = partFromOrder({ showtime_id: 'st-1', seats: ['A-1', 'A-2'], ticket_type: 'adult' }, early, 'h-1')!;
    const child = partFromOrder({ showtime_id: 'st-1', seats: ['B-1'], ticket_type: 'child' }, early, null)!;
    const night = partFromOrder({ showtime_id: 'st-2', seats: ['A-1'], ticket_type: 'adult' }, late, 'h-2')!;
    const basket = [adults, child];
    expect(basketSeats(basket, 'st-1')).toEqual(['A-1', 'A-2', 'B-1']);
    expect(basketSeats(basket, 'st-2')).toEqual([]);
    expect(basketSeats(basket, null)).toEqual([]);
    expect(basketTotal(basket)).toBe(adults.total_minor + child.total_minor);
    expect(basketTotal([])).toBe(0);
    expect(ticketCount(basket, night)).toBe(4);
    expect(idCheckRating(basket)).toBeNull();
    expect(idCheckRating([...basket, night])).toBe('18+');
    expect(partsToSell(basket, night).map((p) => p.showtime_id)).toEqual(['st-1', 'st-1', 'st-2']);
    expect(partsToSell(basket, null)).toHaveLength(2);
  });

  it('sends a part as sell takes it, without empty optional fields', () => {
    const part = partFromOrder({ showtime_id: 'st-2', seats: ['A-2'], ticket_type: 'adult' }, late, null)!;
    expect(toSellPart(part)).toEqual({ showtime_id: 'st-2', seats: ['A-2'], ticket_type: 'adult' });
    const held = { ...part, hold_id: 'h-9', price_override: { price_minor: 100, reason: 'staff', approval: { pin: '222222' } } };
    expect(toSellPart(held)).toEqual({
      showtime_id: 'st-2',
      seats: ['A-2'],
      ticket_type: 'adult',
      hold_id: 'h-9',
      price_override: { price_minor: 100, reason: 'staff', approval: { pin: '222222' } },
    });
  });

  it('asks the ID check for the strictest rating of the order', () => {
    const pg15 = { ...partFromOrder({ showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult' }, early, null)!, rating: 'PG15', id_check: true };
    const r18 = { ...pg15, showtime_id: 'st-2', rating: '18+' };
    const r21 = { ...pg15, showtime_id: 'st-3', rating: '21+' };
    expect(idCheckRating([pg15, r18])).toBe('18+');
    expect(idCheckRating([r21, pg15, r18])).toBe('21+');
    expect(idCheckRating([pg15])).toBe('PG15');
    expect(ratingAge('PG15')).toBe(15);
    expect(ratingAge('15+')).toBe(15);
    expect(ratingAge('G')).toBe(0);
  });

  it('drops seats central lost, with their own prices', () => {
    const part = { ...partFromOrder({ showtime_id: 'st-1', seats: ['A-1', 'B-1'], ticket_type: 'adult' }, early, 'h')!, prices: [4500, 5500], total_minor: 10_000 };
    expect(withoutSeats(part, ['A-1'])).toMatchObject({ seats: ['B-1'], prices: [5500], total_minor: 5500 });
    expect(withoutSeats(part, [])).toMatchObject({ seats: ['A-1', 'B-1'], total_minor: 10_000 });
    expect(withoutSeats(part, ['A-1', 'B-1'])).toBeNull();
  });
});
