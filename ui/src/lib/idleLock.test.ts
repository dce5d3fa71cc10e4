import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expiryDelay, IdleLock, idleMsOf, keepAliveEvery, MAX_TIMER_MS } from './idleLock';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function lock(idleMs: number, keepAliveMs?: number) {
  const events = { idle: 0, pings: [] as number[] };
  const start = Date.now();
  const l = new IdleLock({
    idleMs,
    onIdle: () => events.idle++,
    keepAlive: () => events.pings.push(Date.now() - start),
    keepAliveMs,
  });
  return { l, events };
}

describe('idle lock', () => {
  it('locks once after the idle time without input', () => {
    const { l, events } = lock(180_000);
    l.start();
    vi.advanceTimersByTime(179_999);
    expect(events.idle).toBe(0);
    vi.advanceTimersByTime(1);
    expect(events.idle).toBe(1);
    expect(l.active).toBe(false);
    vi.advanceTimersByTime(600_000);
    expect(events.idle).toBe(1);
  });

  it('counts from the latest input', () => {
    const { l, events } = lock(180_000);
    l.start();
    vi.advanceTimersByTime(170_000);
    l.activity();
    vi.advanceTimersByTime(170_000);
    expect(events.idle).toBe(0);
    l.activity();
    vi.advanceTimersByTime(179_000);
    expect(events.idle).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(events.idle).toBe(1);
  });

  it('does nothing once stopped, and starts counting afresh', () => {
    const { l, events } = lock(60_000);
    l.start();
    vi.advanceTimersByTime(50_000);
    l.stop();
    l.activity();
    vi.advanceTimersByTime(120_000);
    expect(events.idle).toBe(0);
    l.start();
    vi.advanceTimersByTime(59_999);
    expect(events.idle).toBe(0);
    vi.advanceTimersByTime(1);
    expect(events.idle).toBe(1);
  });

  it('never locks with no idle time set', () => {
    const { l, events } = lock(0);
    l.start();
    l.activity();
    vi.advanceTimersByTime(24 * 3600_000);
    expect(events.idle).toBe(0);
    expect(events.pings).toEqual([]);
  });

  it('tells the engine of input at most every keepAliveMs, always after the latest input', () => {
    const { l, events } = lock(180_000, 60_000);
    l.start();
    l.activity();
    vi.advanceTimersByTime(0);
    expect(events.pings).toEqual([0]);
    // Input all the time: one ping a minute.
    for (let s = 1; s <= 150; s++) {
      vi.advanceTimersByTime(1_000);
      l.activity();
    }
    vi.advanceTimersByTime(0);
    expect(events.pings).toEqual([0, 60_000, 120_000]);
    // The last input (at 150 s) is reported at 180 s, though nothing happened since.
    vi.advanceTimersByTime(30_000);
    expect(events.pings).toEqual([0, 60_000, 120_000, 180_000]);
    // Quiet: no more pings, and the lock comes 180 s after the last input (at 330 s).
    vi.advanceTimersByTime(149_999);
    expect(events.idle).toBe(0);
    vi.advanceTimersByTime(1);
    expect(events.idle).toBe(1);
    expect(events.pings).toHaveLength(4);
  });

  it('skips a ping when a staff command just told the engine', () => {
    const { l, events } = lock(180_000, 60_000);
    l.start();
    l.used();
    vi.advanceTimersByTime(10_000);
    l.activity();
    vi.advanceTimersByTime(49_999);
    expect(events.pings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.pings).toEqual([60_000]);
  });

  it('derives its times from the session', () => {
    expect(idleMsOf({ idle_lock_secs: 180 })).toBe(180_000);
    expect(idleMsOf({ idle_lock_secs: -1 })).toBe(0);
    expect(keepAliveEvery(180_000)).toBe(60_000);
    expect(keepAliveEvery(30_000)).toBe(10_000);
    expect(keepAliveEvery(6_000)).toBe(5_000);
    expect(keepAliveEvery(3_600_000)).toBe(60_000);
  });

  it('knows how long until a sign-in expires', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    expect(expiryDelay('2026-12-04T22:00:00Z', now)).toBe(12 * 3600_000);
    expect(expiryDelay('2026-12-04T09:00:00Z', now)).toBe(0);
    expect(expiryDelay('not a time', now)).toBeNull();
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });
});
