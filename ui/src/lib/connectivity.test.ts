import { describe, expect, it } from 'vitest';
import { linkView, STALE_AFTER_SECS } from './connectivity';
import { ageOf } from './format';

const base = {
  connectivity: 'online' as const,
  queue_depth: 0,
  oldest_unsynced_secs: null,
  open_conflicts: 0,
  leases: [],
};

describe('ageOf', () => {
  it('is coarse: seconds, minutes, then hours and minutes', () => {
    expect(ageOf(0)).toEqual({ unit: 's', n: 0 });
    expect(ageOf(59.9)).toEqual({ unit: 's', n: 59 });
    expect(ageOf(60)).toEqual({ unit: 'min', n: 1 });
    expect(ageOf(3599)).toEqual({ unit: 'min', n: 59 });
    expect(ageOf(3600 + 5 * 60 + 7)).toEqual({ unit: 'h', h: 1, min: 5 });
    expect(ageOf(-5)).toEqual({ unit: 's', n: 0 });
  });
});

describe('linkView', () => {
  it('is quiet when all is synced', () => {
    expect(linkView(base)).toEqual({ state: 'online', queued: 0, oldest: null, stale: false, conflicts: 0, leased: 0 });
  });
  it('shows the queue and its oldest entry; stale when offline or old', () => {
    const v = linkView({ ...base, connectivity: 'offline', queue_depth: 3, oldest_unsynced_secs: 95 });
    expect(v.queued).toBe(3);
    expect(v.oldest).toEqual({ unit: 'min', n: 1 });
    expect(v.stale).toBe(true);
    expect(linkView({ ...base, queue_depth: 1, oldest_unsynced_secs: 5 }).stale).toBe(false);
    expect(linkView({ ...base, queue_depth: 1, oldest_unsynced_secs: STALE_AFTER_SECS }).stale).toBe(true);
    expect(linkView({ ...base, connectivity: 'degraded', queue_depth: 1, oldest_unsynced_secs: 1 }).stale).toBe(true);
  });
  it('ignores an age without a queue', () => {
    expect(linkView({ ...base, oldest_unsynced_secs: 400 }).oldest).toBeNull();
  });
  it('counts conflicts and leased seats over all showtimes', () => {
    const v = linkView({
      ...base,
      open_conflicts: 2,
      leases: [
        { showtime_id: 'a', seats: 8, expires_at: '' },
        { showtime_id: 'b', seats: 4, expires_at: '' },
      ],
    });
    expect(v.conflicts).toBe(2);
    expect(v.leased).toBe(12);
  });
});
