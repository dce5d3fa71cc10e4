import { describe, expect, it } from 'vitest';
import {
  checkMovement,
  closeArgs,
  countLines,
  countsToSend,
  countTotal,
  formatVariance,
  mayWorkWithoutShift,
  parseFloatTotal,
  parsePieces,
  payOutNeedsPin,
  shiftScreen,
  varianceTone,
  type ShiftState,
} from './shift';

const AED = { code: 'AED', exponent: 2 };
const OMR = { code: 'OMR', exponent: 3 };
/** The engine's AED list, largest first, notes then coins (a few of them). */
const DENOMS = [
  { minor: 20_000, note: true },
  { minor: 5_000, note: true },
  { minor: 500, note: true },
  { minor: 100, note: false },
  { minor: 25, note: false },
];

function state(open: ShiftState['open'], may_sell: boolean): ShiftState {
  return { open, may_sell, denominations: DENOMS, currency: AED };
}
const amal = { shift_id: 'sh-1', staff_id: 'dxb-amal', staff_name: 'Amal', opened_at: '2026-12-04T05:00:00Z' };

describe('the screen after sign-in', () => {
  it('asks a cashier to open a shift when none is open; a supervisor or manager may carry on without one', () => {
    expect(shiftScreen(state(null, false), 'cashier')).toBe('open');
    expect(shiftScreen(state(null, false), 'cashier', true)).toBe('open');
    expect(shiftScreen(state(null, false), 'manager')).toBe('open');
    expect(shiftScreen(state(null, false), 'manager', true)).toBe('counter');
    expect(shiftScreen(state(null, false), 'supervisor', true)).toBe('counter');
    expect(mayWorkWithoutShift('cashier')).toBe(false);
    expect(mayWorkWithoutShift('supervisor')).toBe(true);
  });

  it("sells into one's own shift, and stops a cashier at another's", () => {
    expect(shiftScreen(state(amal, true), 'cashier')).toBe('counter');
    expect(shiftScreen(state(amal, false), 'cashier')).toBe('not_yours');
    // The engine says who may sell: a manager may sell into anyone's shift.
    expect(shiftScreen(state(amal, true), 'manager')).toBe('counter');
  });
});

describe('the blind count', () => {
  it('reads pieces: empty is none, whole numbers only, Arabic-Indic digits too', () => {
    expect(parsePieces('')).toBe(0);
    expect(parsePieces(' 12 ')).toBe(12);
    expect(parsePieces('٣')).toBe(3);
    expect(parsePieces('100000')).toBe(100_000);
    for (const bad of ['-1', '1.5', '2e3', 'x', '100001', '12345678']) expect(parsePieces(bad), bad).toBeNull();
  });

  it('adds the pieces up by face value', () => {
    const input = { 20_000: '2', 500: '3', 25: '4' };
    expect(countTotal(DENOMS, input)).toEqual({ total: 40_000 + 1_500 + 100, invalid: [], pieces: 9 });
    expect(countLines(DENOMS, input).map((l) => l.value)).toEqual([40_000, 0, 1_500, 0, 100]);
    expect(countLines(DENOMS, input).map((l) => l.note)).toEqual([true, true, true, false, false]);
    // An OMR count: baisa are thousandths.
    expect(countTotal([{ minor: 100, note: true }, { minor: 5, note: false }], { 100: '3', 5: '7' }).total).toBe(335);
  });

  it('names the boxes that are not a count and sends nothing until they are fixed', () => {
    const input = { 20_000: '2', 5_000: 'two' };
    expect(countTotal(DENOMS, input)).toEqual({ total: 40_000, invalid: [5_000], pieces: 2 });
    expect(countsToSend(DENOMS, input)).toBeNull();
  });

  it('sends the notes and coins counted, largest first, and an empty drawer as a total of 0', () => {
    const counts = countsToSend(DENOMS, { 25: '4', 20_000: '1', 100: '0' });
    expect(counts).toEqual([
      { minor: 20_000, pieces: 1 },
      { minor: 25, pieces: 4 },
    ]);
    expect(closeArgs(counts!)).toEqual({ counts });
    expect(countsToSend(DENOMS, {})).toEqual([]);
    expect(closeArgs([])).toEqual({ counts: [] });
  });

  it('says whether the drawer is short, over or exact', () => {
    expect(varianceTone(-1)).toBe('short');
    expect(varianceTone(0)).toBe('exact');
    expect(varianceTone(250)).toBe('over');
    expect(formatVariance(-500, AED)).toBe('AED\u00a0-5.00');
    expect(formatVariance(250, AED)).toBe('AED\u00a0+2.50');
    expect(formatVariance(0, OMR)).toBe('OMR\u00a00.000');
  });
});

describe('pay-ins, pay-outs and drops', () => {
  const input = { kind: 'pay_in' as const, amount: '50', reason: ' Change from the safe ', pin: '' };

  it('takes an amount in major units and a reason', () => {
    expect(checkMovement(input, AED, 'cashier')).toEqual({ ok: { kind: 'pay_in', amount_minor: 5_000, reason: 'Change from the safe' } });
    expect(checkMovement({ ...input, amount: '٠٫٥' }, OMR, 'cashier')).toEqual({
      ok: { kind: 'pay_in', amount_minor: 500, reason: 'Change from the safe' },
    });
  });

  it('refuses a missing, zero or malformed amount, and a missing or long reason', () => {
    expect(checkMovement({ ...input, amount: '' }, AED, 'cashier')).toEqual({ problem: { field: 'amount', error: 'empty' } });
    expect(checkMovement({ ...input, amount: '0' }, AED, 'cashier')).toEqual({ problem: { field: 'amount', error: 'zero' } });
    expect(checkMovement({ ...input, amount: '1.234' }, AED, 'cashier')).toEqual({ problem: { field: 'amount', error: 'too_many_decimals' } });
    expect(checkMovement({ ...input, amount: '-5' }, AED, 'cashier')).toEqual({ problem: { field: 'amount', error: 'negative' } });
    expect(checkMovement({ ...input, reason: '  ' }, AED, 'cashier')).toEqual({ problem: { field: 'reason' } });
    expect(checkMovement({ ...input, reason: 'x'.repeat(121) }, AED, 'cashier')).toEqual({ problem: { field: 'reason' } });
    expect('ok' in checkMovement({ ...input, reason: 'x'.repeat(120) }, AED, 'cashier')).toBe(true);
  });

  it("needs an approver's PIN for a cashier's pay-out only", () => {
    expect(payOutNeedsPin('pay_out', 'cashier')).toBe(true);
    expect(payOutNeedsPin('pay_out', 'supervisor')).toBe(false);
    expect(payOutNeedsPin('drop', 'cashier')).toBe(false);
    const out = { ...input, kind: 'pay_out' as const, reason: 'Printer paper' };
    expect(checkMovement(out, AED, 'cashier')).toEqual({ problem: { field: 'pin' } });
    expect(checkMovement({ ...out, pin: '٢٢٢٢٢٢' }, AED, 'cashier')).toEqual({
      ok: { kind: 'pay_out', amount_minor: 5_000, reason: 'Printer paper', approval: { pin: '222222' } },
    });
    expect(checkMovement(out, AED, 'manager')).toEqual({ ok: { kind: 'pay_out', amount_minor: 5_000, reason: 'Printer paper' } });
    // A PIN typed for a drop is not sent: drops need no approval.
    expect(checkMovement({ ...input, kind: 'drop', pin: '222222' }, AED, 'cashier')).toEqual({
      ok: { kind: 'drop', amount_minor: 5_000, reason: 'Change from the safe' },
    });
  });

  it('reads a float typed as one total', () => {
    expect(parseFloatTotal('', AED)).toEqual({ ok: true, minor: 0 });
    expect(parseFloatTotal('200.50', AED)).toEqual({ ok: true, minor: 20_050 });
    expect(parseFloatTotal('abc', AED)).toEqual({ ok: false, error: 'invalid' });
  });
});
