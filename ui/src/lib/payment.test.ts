import { describe, expect, it } from 'vitest';
import {
  checkPayment,
  checkReference,
  isPaymentError,
  looksLikeCardNumber,
  normaliseAmount,
  payModeFromKey,
  sellFailure,
} from './payment';

const AED = { code: 'AED', exponent: 2 };
const OMR = { code: 'OMR', exponent: 3 };
const none = { cash: '', card: '', reference: '' };

describe('cash', () => {
  it('gives change for enough cash', () => {
    const c = checkPayment({ ...none, mode: 'cash', cash: '100' }, 9000, AED);
    expect(c.ok).toEqual({ tendered_minor: 10000, card: undefined, cash_due: 9000, change: 1000 });
    expect(c.referenceError).toBeNull();
  });
  it('says how much is missing', () => {
    const c = checkPayment({ ...none, mode: 'cash', cash: '80' }, 9000, AED);
    expect(c.ok).toBeNull();
    expect(c.cashError).toBe('short');
    expect(c.short).toBe(1000);
  });
  it('refuses absurd cash: a change of a whole largest note or more, per currency', () => {
    // AED 130 with 99,999,999,999 typed (the defect), or a whole AED 1,000 note too many.
    expect(checkPayment({ ...none, mode: 'cash', cash: '99999999999' }, 13000, AED).cashError).toBe('too_much');
    expect(checkPayment({ ...none, mode: 'cash', cash: '1130' }, 13000, AED).cashError).toBe('too_much');
    expect(checkPayment({ ...none, mode: 'cash', cash: '1120' }, 13000, AED).ok?.change).toBe(99000);
    // OMR's largest note is 50.
    expect(checkPayment({ ...none, mode: 'cash', cash: '53.5' }, 3500, OMR).cashError).toBe('too_much');
    expect(checkPayment({ ...none, mode: 'cash', cash: '53.499' }, 3500, OMR).ok?.change).toBe(49999);
    // In a split, against the cash still due.
    const split = checkPayment({ mode: 'split', card: '60', reference: 'A1', cash: '1090' }, 15000, AED);
    expect(split.cashError).toBe('too_much');
  });
  it('passes parse errors through, with 3 decimals for OMR', () => {
    expect(checkPayment({ ...none, mode: 'cash' }, 9000, AED).cashError).toBe('empty');
    expect(checkPayment({ ...none, mode: 'cash', cash: '90.001' }, 9000, AED).cashError).toBe('too_many_decimals');
    expect(checkPayment({ ...none, mode: 'cash', cash: '5.5' }, 5500, OMR).ok?.change).toBe(0);
    expect(checkPayment({ ...none, mode: 'cash', cash: '10.250' }, 5500, OMR).ok?.change).toBe(4750);
  });
  it('reads Arabic-Indic digits and the Arabic decimal separator', () => {
    expect(normaliseAmount('١٠٠٫٥')).toBe('100.5');
    expect(checkPayment({ ...none, mode: 'cash', cash: '١٠٠' }, 9000, AED).ok?.change).toBe(1000);
  });
});

describe('card', () => {
  it('charges the full total, no cash', () => {
    const c = checkPayment({ ...none, mode: 'card', reference: ' ab-12345 ', cash: '999' }, 9000, AED);
    expect(c.ok).toEqual({
      tendered_minor: 0,
      card: { amount_minor: 9000, reference: 'ab-12345' },
      cash_due: 0,
      change: 0,
    });
  });
  it('needs an approval code that is not a card number', () => {
    expect(checkPayment({ ...none, mode: 'card' }, 9000, AED).referenceError).toBe('empty');
    expect(checkPayment({ ...none, mode: 'card', reference: '4111 1111 1111 1111' }, 9000, AED).referenceError).toBe(
      'card_number',
    );
    expect(checkPayment({ ...none, mode: 'card', reference: 'A1/2' }, 9000, AED).referenceError).toBe('invalid');
    expect(checkPayment({ ...none, mode: 'card', reference: 'X'.repeat(41) }, 9000, AED).referenceError).toBe('too_long');
  });
});

describe('split', () => {
  it('charges the card amount and takes the rest in cash with change', () => {
    const c = checkPayment({ mode: 'split', card: '50', reference: '778899', cash: '50' }, 9000, AED);
    expect(c.cashDue).toBe(4000);
    expect(c.ok).toEqual({
      tendered_minor: 5000,
      card: { amount_minor: 5000, reference: '778899' },
      cash_due: 4000,
      change: 1000,
    });
  });
  it('works in three decimals (OMR)', () => {
    const c = checkPayment({ mode: 'split', card: '2.250', reference: 'OK1', cash: '4' }, 5500, OMR);
    expect(c.cashDue).toBe(3250);
    expect(c.ok?.change).toBe(750);
    expect(checkPayment({ mode: 'split', card: '2.2501', reference: 'OK1', cash: '4' }, 5500, OMR).cardError).toBe(
      'too_many_decimals',
    );
  });
  it('refuses a card amount of zero or above the total', () => {
    expect(checkPayment({ mode: 'split', card: '0', reference: 'R1', cash: '90' }, 9000, AED).cardError).toBe('card_zero');
    expect(checkPayment({ mode: 'split', card: '90.01', reference: 'R1', cash: '' }, 9000, AED).cardError).toBe(
      'card_total',
    );
    const c = checkPayment({ mode: 'split', card: '', reference: 'R1', cash: '' }, 9000, AED);
    expect(c.cardError).toBe('empty');
    expect(c.cashDue).toBeNull();
  });
  it('needs no cash when the card pays it all', () => {
    const c = checkPayment({ mode: 'split', card: '90', reference: 'R1', cash: '' }, 9000, AED);
    expect(c.ok).toEqual({ tendered_minor: 0, card: { amount_minor: 9000, reference: 'R1' }, cash_due: 0, change: 0 });
  });
  it('reports short cash against the rest, not the total', () => {
    const c = checkPayment({ mode: 'split', card: '50', reference: 'R1', cash: '30' }, 9000, AED);
    expect(c.cashError).toBe('short');
    expect(c.short).toBe(1000);
  });
  it('reports the reference and the cash together', () => {
    const c = checkPayment({ mode: 'split', card: '50', reference: '', cash: '' }, 9000, AED);
    expect(c.referenceError).toBe('empty');
    expect(c.cashError).toBe('empty');
    expect(c.ok).toBeNull();
  });
});

describe('card numbers and references', () => {
  it('recognises card numbers by length and Luhn', () => {
    expect(looksLikeCardNumber('4111111111111111')).toBe(true);
    expect(looksLikeCardNumber('4111-1111-1111-1111')).toBe(true);
    expect(looksLikeCardNumber('4111111111111112')).toBe(false);
    expect(looksLikeCardNumber('123456')).toBe(false);
    expect(looksLikeCardNumber('ABC1111111111111')).toBe(false);
  });
  it('accepts ordinary approval codes', () => {
    expect(checkReference('123456')).toBeNull();
    expect(checkReference('AUTH-77 A')).toBeNull();
    expect(checkReference('٧٧٨٨')).toBeNull();
  });
});

describe('keys and errors', () => {
  it('maps C, K and S to modes, by key or by position', () => {
    expect(payModeFromKey({ key: 'c', code: 'KeyC' })).toBe('cash');
    expect(payModeFromKey({ key: 'K', code: 'KeyK' })).toBe('card');
    expect(payModeFromKey({ key: 'س', code: 'KeyS' })).toBe('split');
    expect(payModeFromKey({ key: '5', code: 'Digit5' })).toBeNull();
  });
  it('keeps payment problems in the dialog, seat problems out of it', () => {
    expect(isPaymentError('payment.card_number_refused')).toBe(true);
    expect(isPaymentError('money.short_tender')).toBe(true);
    expect(isPaymentError('age.id_check_required')).toBe(true);
    expect(isPaymentError('age.child_ticket_refused')).toBe(false);
    expect(isPaymentError('seat_unavailable')).toBe(false);
  });
});

describe('sellFailure', () => {
  it('asks for a manager override when central is offline and seats are not leased', () => {
    expect(sellFailure('offline_not_leased', false)).toBe('override');
    expect(sellFailure('offline_not_leased', true)).toBe('override');
    expect(sellFailure('override_one_showtime', false)).toBe('in_dialog');
    expect(sellFailure('central_too_old', false)).toBe('in_dialog');
  });
  it('keeps a wrong manager PIN in the dialog, but a wrong PIN alone is not a payment problem', () => {
    expect(sellFailure('wrong_pin', true)).toBe('in_dialog');
    expect(sellFailure('not_allowed', true)).toBe('in_dialog');
    expect(sellFailure('not_allowed', false)).toBe('banner');
  });
  it('sends the cashier where the problem can be fixed', () => {
    expect(sellFailure('not_logged_in', false)).toBe('session');
    expect(sellFailure('payment.card_number_refused', false)).toBe('in_dialog');
    expect(sellFailure('sales_closed', false)).toBe('closed');
    expect(sellFailure('showtime_cancelled', false)).toBe('closed');
    expect(sellFailure('seat_unavailable', false)).toBe('banner');
    expect(sellFailure('central_unreachable', false)).toBe('banner');
  });
  it('sends a sale without a shift to the open-shift screen, and keeps the dialog under the lock screen', () => {
    expect(sellFailure('shift.none', false)).toBe('shift');
    expect(sellFailure('shift.not_yours', false)).toBe('shift');
    expect(sellFailure('session.expired', false)).toBe('session');
    expect(sellFailure('session.locked', false)).toBe('in_dialog');
  });
});
