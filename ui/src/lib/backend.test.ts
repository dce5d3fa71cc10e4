import { describe, expect, it } from 'vitest';
import { BackendError, createBackend, HttpBackend, httpError, isSessionError, isTauri, toBackendError } from './backend';

describe('toBackendError', () => {
  it('keeps {code, message} from the engine', () => {
    const e = toBackendError({ code: 'seat_taken', message: 'Seat F-12 was just sold.' });
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toBeInstanceOf(Error);
    expect([e.code, e.message]).toEqual(['seat_taken', 'Seat F-12 was just sold.']);
  });
  it('reads a JSON string (Tauri may serialise errors as strings)', () => {
    const e = toBackendError('{"code":"bad_pin","message":"Wrong PIN"}');
    expect([e.code, e.message]).toEqual(['bad_pin', 'Wrong PIN']);
  });
  it('wraps plain strings and errors', () => {
    expect(toBackendError('boom').message).toBe('boom');
    expect(toBackendError(new TypeError('bad')).code).toBe('unknown');
    expect(toBackendError(42).message).toBe('42');
  });
  it('returns a BackendError unchanged', () => {
    const e = new BackendError('x', 'y');
    expect(toBackendError(e)).toBe(e);
  });
});

describe('httpError', () => {
  it('uses the JSON error body', () => {
    const e = httpError(409, 'Conflict', '{"code":"seat_taken","message":"Seat F-12 is sold."}');
    expect([e.code, e.message]).toEqual(['seat_taken', 'Seat F-12 is sold.']);
  });
  it('falls back to the status for other bodies', () => {
    const e = httpError(502, 'Bad Gateway', '<html>oops</html>');
    expect(e.code).toBe('http_502');
    expect(e.message).toContain('502');
    expect(httpError(500, 'Internal Server Error', '').message).toContain('Internal Server Error');
  });
});

describe('session errors', () => {
  it('recognises codes that mean "log in again"', () => {
    expect(isSessionError(new BackendError('not_logged_in', ''))).toBe(true);
    expect(isSessionError(new BackendError('seat_taken', ''))).toBe(false);
    expect(isSessionError({ code: 'not_logged_in', message: '' })).toBe(false);
  });
});

describe('transport choice', () => {
  it('uses HTTP outside the Tauri shell', () => {
    expect(isTauri()).toBe(false);
    expect(createBackend()).toBeInstanceOf(HttpBackend);
  });
});
