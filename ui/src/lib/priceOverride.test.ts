import { describe, expect, it } from 'vitest';
import { checkOverride, overrideFloor } from './priceOverride';

const AED = { code: 'AED', exponent: 2 };
const OMR = { code: 'OMR', exponent: 3 };
const base = { price: '40', reason: 'Broken armrest', pin: '222222', complimentary: false };

describe('price override', () => {
  it('takes a price between half the lowest list price and the list price', () => {
    const c = checkOverride(base, [7500, 6500], AED);
    expect(c).toEqual({ ok: { price_minor: 4000, reason: 'Broken armrest', complimentary: undefined, approval: { pin: '222222' } } });
    // The floor is half the highest list price: a premium seat never goes below half its own.
    expect('ok' in checkOverride({ ...base, price: '37.50' }, [7500, 6500], AED)).toBe(true);
    expect('ok' in checkOverride({ ...base, price: '65' }, [7500, 6500], AED)).toBe(true);
  });
  it('never raises a price, and goes to 0 only as a complimentary ticket', () => {
    const problem = (over: Partial<typeof base>) => {
      const c = checkOverride({ ...base, ...over }, [7500, 6500], AED);
      return 'problem' in c ? c.problem : 'ok';
    };
    expect(problem({ price: '65.01' })).toBe('above_list');
    expect(problem({ price: '99999999999' })).toBe('above_list');
    expect(problem({ price: '37.49' })).toBe('below_floor');
    expect(problem({ price: '0' })).toBe('below_floor');
    expect(problem({ price: 'abc' })).toBe('price');
    expect(problem({ reason: '  ' })).toBe('reason');
    expect(problem({ reason: 'x'.repeat(121) })).toBe('reason');
    expect(problem({ pin: '' })).toBe('pin');
    // Complimentary: price 0 whatever was typed.
    const comp = checkOverride({ ...base, price: '', complimentary: true }, [7500], AED);
    expect(comp).toEqual({ ok: { price_minor: 0, reason: 'Broken armrest', complimentary: true, approval: { pin: '222222' } } });
  });
  it('reads Arabic-Indic digits in the price and the PIN', () => {
    const c = checkOverride({ ...base, price: '٤٠', pin: '٢٢٢٢٢٢' }, [7500], AED);
    expect('ok' in c && c.ok.price_minor).toBe(4000);
    expect('ok' in c && c.ok.approval.pin).toBe('222222');
  });
  it('rounds the floor up to the minor unit', () => {
    expect(overrideFloor(125)).toBe(63);
    expect(overrideFloor(0)).toBe(0);
    const c = checkOverride({ ...base, price: '0.062' }, [125], OMR);
    expect('problem' in c && c.problem).toBe('below_floor');
  });
});
