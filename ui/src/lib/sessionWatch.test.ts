import { describe, expect, it } from 'vitest';
import { BackendError, type Backend } from './backend';
import { sessionEvent, tokenOf, watchSession, type SessionEvent } from './sessionWatch';

function engine(fail: Record<string, BackendError>): Backend {
  return {
    call: (async (cmd: string) => {
      const e = fail[cmd];
      if (e) throw e;
      return {};
    }) as Backend['call'],
  };
}

describe('session watch', () => {
  it('reads what a failure says about the session', () => {
    expect(sessionEvent('sell', new BackendError('session.locked', 'locked'))).toEqual({ kind: 'locked' });
    const expired = new BackendError('session.expired', 'expired', { hours: '12' });
    expect(sessionEvent('shift_state', expired)).toEqual({ kind: 'ended', error: expired });
    expect(sessionEvent('lock', new BackendError('not_logged_in', 'gone'))?.kind).toBe('ended');
    expect(sessionEvent('sell', new BackendError('seat_unavailable', 'taken'))).toBeNull();
    // Signing in and out say nothing about the session on screen.
    expect(sessionEvent('login', new BackendError('not_logged_in', 'x'))).toBeNull();
    expect(sessionEvent('logout', new BackendError('not_logged_in', 'x'))).toBeNull();
    expect(sessionEvent('sell', { code: 'session.locked', message: '' })).toBeNull();
  });

  it('finds the token of a command', () => {
    expect(tokenOf({ token: 'abc', pin: '1' })).toBe('abc');
    expect(tokenOf({ day: null })).toBeNull();
    expect(tokenOf(null)).toBeNull();
  });

  it('reports the news with the token and still fails the call', async () => {
    const seen: [SessionEvent['kind'], string | null][] = [];
    const used: string[] = [];
    const backend = watchSession(
      engine({ sell: new BackendError('session.locked', 'locked'), refund: new BackendError('wrong_pin', 'no') }),
      { onEvent: (e, token) => seen.push([e.kind, token]), onUsed: (t) => used.push(t) },
    );
    await expect(backend.call('sell', { token: 't1' } as never)).rejects.toMatchObject({ code: 'session.locked' });
    await expect(backend.call('refund', { token: 't1' } as never)).rejects.toMatchObject({ code: 'wrong_pin' });
    expect(seen).toEqual([['locked', 't1']]);
    await backend.call('shift_state', { token: 't1' });
    await backend.call('lock', { token: 't1' });
    await backend.call('status', {});
    expect(used).toEqual(['t1']);
  });
});
