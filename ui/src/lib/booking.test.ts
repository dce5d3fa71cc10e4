import { describe, expect, it } from 'vitest';
import { bookingProblem, bookingState, formatInstant, normaliseReference, referenceProblem, REFERENCE_MAX } from './booking';

describe('normaliseReference', () => {
  it('upper-cases and drops what people add to read it back', () => {
    expect(normaliseReference(' w1a2b3c4d ')).toBe('W1A2B3C4D');
    expect(normaliseReference('w1a2-b3c4 d')).toBe('W1A2B3C4D');
    expect(normaliseReference('W1A2.B3C4_D')).toBe('W1A2B3C4D');
  });
  it('turns Arabic-Indic digits into Latin ones', () => {
    expect(normaliseReference('w١a٢b۳')).toBe('W1A2B3');
  });
  it('keeps other characters so they can be refused', () => {
    expect(normaliseReference('w1/2')).toBe('W1/2');
  });
});

describe('referenceProblem', () => {
  it('accepts letters and digits', () => {
    expect(referenceProblem('W1A2B3C4D')).toBeNull();
  });
  it('refuses empty, too long and odd characters', () => {
    expect(referenceProblem('')).toBe('empty');
    expect(referenceProblem('W'.repeat(REFERENCE_MAX + 1))).toBe('too_long');
    expect(referenceProblem('W'.repeat(REFERENCE_MAX))).toBeNull();
    expect(referenceProblem('W1/2')).toBe('invalid');
    expect(referenceProblem('WÄ1')).toBe('invalid');
    expect(referenceProblem('ابت')).toBe('invalid');
  });
});

describe('bookingProblem', () => {
  it('maps the engine codes', () => {
    expect(bookingProblem({ code: 'unknown_booking', message: 'x' })).toEqual({ kind: 'unknown' });
    expect(bookingProblem({ code: 'invalid_input', message: 'x' })).toEqual({ kind: 'invalid' });
    expect(bookingProblem({ code: 'central_unreachable', message: 'x' })).toEqual({ kind: 'unreachable' });
    expect(bookingProblem({ code: 'network', message: 'x' })).toEqual({ kind: 'unreachable' });
    expect(bookingProblem({ code: 'not_logged_in', message: 'x' })).toEqual({ kind: 'session' });
  });
  it("understands central's own code at the end of a refusal", () => {
    expect(
      bookingProblem({ code: 'central_refused', message: "central refused: no web booking 'WX' at this site (unknown_booking)" }),
    ).toEqual({ kind: 'unknown' });
  });
  it('reads who collected it and when', () => {
    expect(
      bookingProblem({
        code: 'central_refused',
        message: 'central refused: booking W1 was already collected at dxb-marina-t2 (2026-11-26T14:20:31Z) (conflict)',
      }),
    ).toEqual({ kind: 'collected_elsewhere', terminal: 'dxb-marina-t2', at: '2026-11-26T14:20:31Z' });
    expect(bookingProblem({ code: 'central_refused', message: 'already collected at t9 (2026-11-26T10:00:00Z)' })).toEqual({
      kind: 'collected_elsewhere',
      terminal: 't9',
      at: '2026-11-26T10:00:00Z',
    });
    expect(bookingProblem({ code: 'central_refused', message: 'already collected at t9 (conflict)' })).toEqual({
      kind: 'collected_elsewhere',
      terminal: 't9',
      at: null,
    });
  });
  it('knows a refunded booking', () => {
    expect(bookingProblem({ code: 'central_refused', message: 'central refused: booking W1 was refunded (conflict)' })).toEqual({
      kind: 'refunded',
    });
  });
  it('passes anything else through', () => {
    expect(bookingProblem({ code: 'central_refused', message: 'central refused: nope (forbidden)' })).toEqual({
      kind: 'other',
      message: 'central refused: nope (forbidden)',
    });
    expect(bookingProblem({ code: 'internal', message: 'disk' })).toEqual({ kind: 'other', message: 'disk' });
  });
});

describe('bookingState', () => {
  const base = { collected_at: null, collected_by: null, refunded: false };
  it('is ready when nobody collected it', () => {
    expect(bookingState(base, 't1')).toEqual({ kind: 'ready' });
  });
  it('says where it was collected', () => {
    const b = { ...base, collected_at: '2026-11-26T14:20:31Z', collected_by: 't1' };
    expect(bookingState(b, 't1')).toEqual({ kind: 'collected', here: true, terminal: 't1', at: '2026-11-26T14:20:31Z' });
    expect(bookingState(b, 't2')).toEqual({ kind: 'collected', here: false, terminal: 't1', at: '2026-11-26T14:20:31Z' });
  });
  it('puts a refund first', () => {
    expect(bookingState({ ...base, refunded: true, collected_by: 't1', collected_at: 'x' }, 't1')).toEqual({ kind: 'refunded' });
  });
});

describe('formatInstant', () => {
  it('shows the instant in the site time zone, 24 h', () => {
    expect(formatInstant('2026-11-26T14:20:31.123456Z', 'Asia/Dubai')).toBe('26/11/2026 18:20');
    expect(formatInstant('2026-11-26T23:05:00Z', 'UTC')).toBe('26/11/2026 23:05');
  });
  it('gives back what it cannot read', () => {
    expect(formatInstant('soon', 'Asia/Dubai')).toBe('soon');
  });
});

describe('central codes passed through by the engine', () => {
  it('reads conflict like a central refusal', () => {
    expect(bookingProblem({ code: 'conflict', message: 'central refused: booking W1 was already collected at t9 (2026-11-26T10:00:00Z) (conflict)' })).toEqual({
      kind: 'collected_elsewhere',
      terminal: 't9',
      at: '2026-11-26T10:00:00Z',
    });
    expect(bookingProblem({ code: 'conflict', message: 'central refused: booking W1 was refunded (conflict)' })).toEqual({ kind: 'refunded' });
  });
});
