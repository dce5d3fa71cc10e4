import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pollers, type IntervalTimers } from './pollers';

const fake: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Pollers', () => {
  it('runs each poll at its own period once started, and none after stop', () => {
    const runs: string[] = [];
    const pollers = new Pollers(
      [
        { every: 200, run: () => runs.push('live') },
        { every: 1000, run: () => runs.push('status') },
      ],
      fake,
    );
    vi.advanceTimersByTime(5000);
    expect(runs).toEqual([]);
    pollers.start();
    expect(pollers.running).toBe(true);
    vi.advanceTimersByTime(999);
    expect(runs.filter((r) => r === 'live')).toHaveLength(4);
    expect(runs).not.toContain('status');
    vi.advanceTimersByTime(1);
    expect(runs.filter((r) => r === 'live')).toHaveLength(5);
    expect(runs.filter((r) => r === 'status')).toHaveLength(1);
    pollers.stop();
    expect(pollers.running).toBe(false);
    const before = runs.length;
    vi.advanceTimersByTime(10_000);
    expect(runs).toHaveLength(before);
  });

  it('starts once however often it is started, and can start again after stop', () => {
    let n = 0;
    const pollers = new Pollers([{ every: 100, run: () => n++ }], fake);
    pollers.start();
    pollers.start();
    vi.advanceTimersByTime(100);
    expect(n).toBe(1);
    pollers.stop();
    pollers.stop();
    pollers.start();
    vi.advanceTimersByTime(300);
    expect(n).toBe(4);
  });

  it('uses the real timers by default', () => {
    let n = 0;
    const pollers = new Pollers([{ every: 50, run: () => n++ }]);
    pollers.start();
    vi.advanceTimersByTime(100);
    pollers.stop();
    expect(n).toBe(2);
  });
});
