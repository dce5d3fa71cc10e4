import { describe, expect, it } from 'vitest';
import { formatBusinessDay, formatClock } from './format';
import { format, t } from './i18n';
import { PIN_MAX, pinKeyFromKeyboard, popDigit, pushDigit } from './pin';

describe('i18n', () => {
  it('interpolates parameters', () => {
    expect(t('seat.aria', { label: 'F-12', state: 'free' })).toBe('Seat F-12, free');
    expect(t('top.queued', { n: 3 })).toBe('3 queued');
  });
  it('leaves unknown placeholders visible', () => {
    expect(format('Hello {name} {x}', { name: 'Aisha' })).toBe('Hello Aisha {x}');
    expect(format('No params')).toBe('No params');
  });
});

describe('pin', () => {
  it('takes digits up to the maximum', () => {
    let pin = '';
    for (const d of '123456789') pin = pushDigit(pin, d);
    expect(pin).toBe('12345678'.slice(0, PIN_MAX));
    expect(pushDigit('12', 'x')).toBe('12');
    expect(popDigit('123')).toBe('12');
    expect(popDigit('')).toBe('');
  });
  it('maps keyboard keys', () => {
    expect(pinKeyFromKeyboard('7')).toEqual({ kind: 'digit', digit: '7' });
    expect(pinKeyFromKeyboard('Enter')).toEqual({ kind: 'enter' });
    expect(pinKeyFromKeyboard('Backspace')).toEqual({ kind: 'back' });
    expect(pinKeyFromKeyboard('Escape')).toEqual({ kind: 'clear' });
    expect(pinKeyFromKeyboard('a')).toBeNull();
  });
});

describe('format', () => {
  it('shows the business day without a time-zone shift', () => {
    expect(formatBusinessDay('2025-11-26')).toBe('Wed 26 Nov 2025');
    expect(formatBusinessDay('garbage')).toBe('garbage');
  });
  it('shows the site wall clock', () => {
    const d = new Date('2025-11-26T15:30:00Z');
    expect(formatClock(d, 'Asia/Dubai')).toBe('19:30');
    expect(formatClock(d, 'Asia/Muscat')).toBe('19:30');
    expect(formatClock(d, 'Not/AZone')).toMatch(/^\d\d:\d\d$/);
  });
});
