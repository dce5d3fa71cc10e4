import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  createBackend,
  DOOR_KEY_HEADER,
  doorKey,
  HttpBackend,
  httpError,
  isSessionError,
  isStartupProblem,
  isTauri,
  toBackendError,
} from './backend';

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

/** A Storage over a Map (the tests run without a DOM). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('the HTTP door key', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is read from #key= once and kept for the tab', () => {
    const store = memoryStorage();
    const at = (hash: string) => ({ hash, pathname: '/', search: '' });
    expect(doorKey(at(''), store)).toBeNull();
    expect(doorKey(at('#key=abc%2Fdef'), store)).toBe('abc/def');
    expect(doorKey(at(''), store)).toBe('abc/def');
    expect(doorKey(at('#x=1&key=second'), store)).toBe('second');
  });

  it('goes with every command as its header', async () => {
    const seen: Record<string, string>[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>);
      return new Response('{}', { status: 200 });
    });
    await new HttpBackend('', 'k123').call('status', {});
    await new HttpBackend('').call('status', {});
    expect(seen.map((h) => h[DOOR_KEY_HEADER])).toEqual(['k123', undefined]);
  });
});

describe('start-up problems', () => {
  it('are the terminal.* codes', () => {
    expect(isStartupProblem(new BackendError('terminal.damaged', ''))).toBe(true);
    expect(isStartupProblem(new BackendError('not_logged_in', ''))).toBe(false);
    expect(isStartupProblem(null)).toBe(false);
  });
});
