import { describe, expect, it } from 'vitest';
import { partFromOrder, type BasketPart } from './basket';
import {
  closePanel,
  closePay,
  NO_OVERLAY,
  openPanel,
  openPay,
  openVoid,
  orderView,
  overrideSeatsFor,
  payAttempt,
  saleMade,
  saleOf,
  saleRefused,
  sellArgs,
  dueAfterCredit,
  exchangeArgs,
  type Overlay,
} from './counterState';
import { mapOf, seat } from './testdata/maps';
import type { SaleResult } from './types';

const seats = [seat('A-1', 0, 0), seat('A-2', 1, 0, { state: 'leased' }), seat('A-3', 2, 0), seat('B-1', 0, 1)];
const map = mapOf(seats);
const other = mapOf(seats, { showtime_id: 'st-2', rating: '18+', id_check: true });
const sale = { order_id: 'o-1' } as SaleResult;
const pay: Overlay = { kind: 'pay', refused: null, overrideSeats: null };
const refusal = { code: 'wrong_pin', message: 'Wrong PIN' };

function partOf(m: typeof map, picked: string[], holdId: string | null = null): BasketPart {
  const p = partFromOrder({ showtime_id: m.showtime_id, seats: picked, ticket_type: 'adult' }, m, holdId);
  if (!p) throw new Error('no part');
  return p;
}

describe('overlay', () => {
  it('opens the pay dialog over nothing, when the order can be paid and no sale is under way', () => {
    expect(openPay(NO_OVERLAY, true, false)).toEqual(pay);
    expect(openPay(NO_OVERLAY, false, false)).toBe(NO_OVERLAY);
    expect(openPay(NO_OVERLAY, true, true)).toBe(NO_OVERLAY);
    const done = saleMade(sale);
    expect(openPay(done, true, false)).toBe(done);
    const open = { ...pay, refused: refusal };
    expect(openPay(open, true, false)).toBe(open);
  });

  it('closes only the pay dialog', () => {
    expect(closePay({ ...pay, refused: refusal, overrideSeats: ['A-1'] })).toEqual(NO_OVERLAY);
    expect(closePay({ kind: 'conflicts' })).toEqual({ kind: 'conflicts' });
    expect(closePay(saleMade(sale))).toEqual(saleMade(sale));
  });

  it('opens a panel over nothing and not during a sale; closes only its own kind', () => {
    expect(openPanel(NO_OVERLAY, 'conflicts', false)).toEqual({ kind: 'conflicts' });
    expect(openPanel(NO_OVERLAY, 'collect', false)).toEqual({ kind: 'collect' });
    expect(openPanel(NO_OVERLAY, 'collect', true)).toBe(NO_OVERLAY);
    expect(openPanel(pay, 'collect', false)).toBe(pay);
    expect(closePanel({ kind: 'collect' }, 'collect')).toEqual(NO_OVERLAY);
    expect(closePanel({ kind: 'collect' }, 'conflicts')).toEqual({ kind: 'collect' });
  });

  it('shows the sale made instead of the dialog', () => {
    expect(saleOf(saleMade(sale))).toBe(sale);
    expect(saleOf(pay)).toBeNull();
  });

  it('forgets the last refusal at a new attempt, keeping the override seats', () => {
    expect(payAttempt({ kind: 'pay', refused: refusal, overrideSeats: ['A-1'] })).toEqual({
      kind: 'pay',
      refused: null,
      overrideSeats: ['A-1'],
    });
    expect(payAttempt(NO_OVERLAY)).toBe(NO_OVERLAY);
  });

  it('asks for a manager PIN when central is away, showing the refusal only when a PIN was tried', () => {
    const seatsOf = () => ['A-1'];
    expect(saleRefused(pay, 'override', { code: 'offline_not_leased', message: 'x' }, false, seatsOf)).toEqual({
      kind: 'pay',
      refused: null,
      overrideSeats: ['A-1'],
    });
    expect(saleRefused(pay, 'override', { code: 'offline_not_leased', message: 'x' }, true, seatsOf)).toEqual({
      kind: 'pay',
      refused: { code: 'offline_not_leased', message: 'x' },
      overrideSeats: ['A-1'],
    });
  });

  it('keeps the dialog for errors the cashier corrects there; closes it for the rest', () => {
    const withPin = { ...pay, overrideSeats: ['A-1'] };
    expect(saleRefused(withPin, 'in_dialog', refusal, true, () => [])).toEqual({ ...withPin, refused: refusal });
    expect(saleRefused(withPin, 'session', refusal, true, () => [])).toEqual(NO_OVERLAY);
    expect(saleRefused(withPin, 'closed', refusal, false, () => [])).toEqual(NO_OVERLAY);
    expect(saleRefused(withPin, 'banner', refusal, false, () => [])).toEqual(NO_OVERLAY);
    // The dialog went meanwhile (the order was abandoned): nothing opens again.
    expect(saleRefused(NO_OVERLAY, 'in_dialog', refusal, false, () => [])).toEqual(NO_OVERLAY);
  });
});

describe('overrideSeatsFor', () => {
  it('names the seats not leased here for an order of the open map', () => {
    expect(overrideSeatsFor([partOf(map, ['A-1', 'A-2'])], map)).toEqual(['A-1']);
  });
  it('names every seat when all are leased, for another showtime, or with no map', () => {
    expect(overrideSeatsFor([partOf(map, ['A-2'])], map)).toEqual(['A-2']);
    expect(overrideSeatsFor([partOf(map, ['A-1']), partOf(other, ['B-1'])], map)).toEqual(['A-1', 'B-1']);
    expect(overrideSeatsFor([partOf(map, ['A-1'])], null)).toEqual(['A-1']);
  });
});

describe('orderView', () => {
  it('adds up the selection on its own', () => {
    const v = orderView({ showtime_id: 'st-1', seats: ['A-1', 'A-3'], ticket_type: 'adult' }, map, []);
    expect(v.current?.seats).toEqual(['A-1', 'A-3']);
    expect(v).toMatchObject({ setAside: [], canPay: true, canAdd: true, total: 9000, payRating: null });
  });

  it('adds the parts set aside, excludes their seats and asks for the strictest ID check', () => {
    const basket = [partOf(other, ['A-1']), partOf(map, ['B-1'])];
    const v = orderView({ showtime_id: 'st-1', seats: ['A-3'], ticket_type: 'child' }, map, basket);
    expect(v).toMatchObject({ setAside: ['B-1'], canPay: true, canAdd: true, total: 4500 + 4500 + 3000, payRating: '18+' });
  });

  it('pays a basket with nothing chosen, but not a selection without a ticket type', () => {
    const basket = [partOf(map, ['B-1'])];
    expect(orderView({ showtime_id: 'st-1', seats: [], ticket_type: 'adult' }, map, basket)).toMatchObject({
      current: null,
      canPay: true,
      canAdd: false,
      total: 4500,
    });
    expect(orderView({ showtime_id: 'st-1', seats: ['A-1'], ticket_type: null }, map, basket)).toMatchObject({
      canPay: false,
      canAdd: false,
    });
    expect(orderView({ showtime_id: null, seats: [], ticket_type: null }, null, [])).toMatchObject({
      canPay: false,
      total: 0,
    });
  });
});

describe('sellArgs', () => {
  const cash = { tendered_minor: 10_000, card: undefined, cash_due: 9000, change: 1000 };

  it('sends every part in one list', () => {
    const parts = [partOf(map, ['A-1'], 'h-1'), partOf(other, ['B-1'])];
    expect(sellArgs('tok', parts, cash, true, null)).toEqual({
      token: 'tok',
      parts: [
        { showtime_id: 'st-1', seats: ['A-1'], ticket_type: 'adult', hold_id: 'h-1' },
        { showtime_id: 'st-2', seats: ['B-1'], ticket_type: 'adult' },
      ],
      tendered_minor: 10_000,
      id_checked: true,
    });
  });

  it('carries a card, a manager PIN and a price override; nothing to sell is null', () => {
    const card = { amount_minor: 9000, reference: 'AUTH1' };
    const p = { ...partOf(map, ['A-1']), price_override: { price_minor: 100, approval: { pin: '1234' }, reason: 'r' } };
    const args = sellArgs('tok', [p], { ...cash, card }, false, '9999');
    expect(args).toMatchObject({ card, override_approval: { pin: '9999' } });
    expect(args?.parts[0]?.price_override).toEqual(p.price_override);
    expect(sellArgs('tok', [], cash, false, null)).toBeNull();
  });
});

describe('an exchange at the counter', () => {
  const x = {
    order_id: 'o-1',
    order_ref: 'T00000001',
    seats: ['A-1'],
    value_minor: 7_500,
    reason: 'another day',
    pin: '222222',
    card_refund_reference: null,
  };
  it('keeps what an exchange paid back for the done screen', () => {
    const sale = { order_ref: 'T2' } as SaleResult;
    expect(saleMade(sale, { cash_minor: 500, card_minor: 0 })).toEqual({ kind: 'sale', sale, back: { cash_minor: 500, card_minor: 0 } });
    expect(saleMade(sale)).toEqual({ kind: 'sale', sale });
  });
  it('passes an offline override on with the exchange', () => {
    const part = { showtime_id: 's-2', seats: ['B-1'], ticket_type: 'adult' } as BasketPart;
    const args = exchangeArgs('tok', x, [part], { tendered_minor: 0, card: null } as never, false, '333333');
    expect(args?.override_approval).toEqual({ pin: '333333' });
  });
  it('takes the credit off what is due, never below zero', () => {
    expect(dueAfterCredit(11_000, x)).toBe(3_500);
    expect(dueAfterCredit(5_000, x)).toBe(0);
    expect(dueAfterCredit(11_000, null)).toBe(11_000);
  });
  it('sends the old tickets, the reason and the approval with the new parts', () => {
    const part = { showtime_id: 's-2', seats: ['B-1'], ticket_type: 'adult' } as BasketPart;
    const args = exchangeArgs('tok', x, [part], { tendered_minor: 0, card: null } as never, false);
    expect(args).toMatchObject({ token: 'tok', order: 'o-1', seats: ['A-1'], reason: 'another day', approval: { pin: '222222' } });
    expect(args?.parts[0]?.seats).toEqual(['B-1']);
    expect(args && 'card_refund_reference' in args).toBe(false);
    expect(exchangeArgs('tok', x, [], { tendered_minor: 0, card: null } as never, false)).toBeNull();
  });
});

describe('the void dialog', () => {
  it('opens over the counter only, never over a dialog or while a sale is under way', () => {
    expect(openVoid(NO_OVERLAY, false)).toEqual({ kind: 'void' });
    expect(openVoid(NO_OVERLAY, true)).toEqual(NO_OVERLAY);
    const pay = { kind: 'pay', refused: null, overrideSeats: null } as const;
    expect(openVoid(pay, false)).toEqual(pay);
    expect(openVoid({ kind: 'day' }, false)).toEqual({ kind: 'day' });
    expect(openVoid({ kind: 'orders' }, false)).toEqual({ kind: 'orders' });
  });
});
