import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, type Backend } from './backend';
import { LIVE_WAIT_MS, MapFeed, type MapHost } from './mapFeed';
import { mapOf, seat } from './testdata/maps';
import type { SeatMap } from './types';
import type { SeatMapArgs } from './bindings/SeatMapArgs';

interface Pending {
  args: SeatMapArgs;
  resolve: (m: SeatMap) => void;
  reject: (e: unknown) => void;
}

/** A backend whose `seat_map` answers only when the test says so. */
class FakeEngine {
  pending: Pending[] = [];
  backend: Backend = {
    call: ((cmd: string, args: SeatMapArgs) => {
      if (cmd !== 'seat_map') throw new Error(`unexpected ${cmd}`);
      return new Promise<SeatMap>((resolve, reject) => this.pending.push({ args, resolve, reject }));
    }) as Backend['call'],
  };
  next(): Pending {
    const p = this.pending.shift();
    if (!p) throw new Error('no call pending');
    return p;
  }
}

class FakeCounter implements MapHost {
  selected: string | null = 'st-1';
  shown: SeatMap | null = null;
  isLoading = false;
  loadingSeen: boolean[] = [];
  isBlocked = false;
  drop: string[] = [];
  droppedSeen: [string[], boolean][] = [];
  reported: unknown[] = [];
  selectedId() {
    return this.selected;
  }
  map() {
    return this.shown;
  }
  loading() {
    return this.isLoading;
  }
  setLoading(b: boolean) {
    this.isLoading = b;
    this.loadingSeen.push(b);
  }
  blocked() {
    return this.isBlocked;
  }
  apply(_id: string, fresh: SeatMap) {
    this.shown = fresh;
    return this.drop;
  }
  dropped(seats: string[], live: boolean) {
    this.droppedSeen.push([seats, live]);
  }
  report(e: unknown) {
    this.reported.push(e);
  }
}

const v1 = mapOf([seat('A-1', 0, 0)], { version: 1 });
const v2 = mapOf([seat('A-1', 0, 0, { state: 'sold' })], { version: 2 });

let engine: FakeEngine;
let counter: FakeCounter;
let feed: MapFeed;

beforeEach(() => {
  vi.useFakeTimers();
  engine = new FakeEngine();
  counter = new FakeCounter();
  feed = new MapFeed(engine.backend, counter, { setTimeout: (fn, ms) => setTimeout(fn, ms) });
});
afterEach(() => vi.useRealTimers());

describe('MapFeed.load', () => {
  it('answers from the local cache, then asks central quietly', async () => {
    const done = feed.load('st-1');
    expect(counter.isLoading).toBe(true);
    const first = engine.next();
    expect(first.args).toEqual({ showtime_id: 'st-1', refresh: false });
    first.resolve(v1);
    await done;
    expect(counter.shown).toBe(v1);
    expect(counter.isLoading).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    const quiet = engine.next();
    expect(quiet.args).toEqual({ showtime_id: 'st-1', refresh: undefined });
    quiet.resolve(v2);
    await vi.advanceTimersByTimeAsync(0);
    expect(counter.shown).toBe(v2);
    expect(counter.loadingSeen).toEqual([true, false, false, false]);
  });

  it('drops an answer for a map no longer open or overtaken by a newer request', async () => {
    const old = feed.load('st-1');
    counter.selected = 'st-2';
    const fresh = feed.load('st-2');
    engine.next().resolve(v1);
    await old;
    expect(counter.shown).toBeNull();
    expect(counter.isLoading).toBe(true);
    engine.next().resolve(v2);
    await fresh;
    expect(counter.shown).toBe(v2);
    expect(counter.isLoading).toBe(false);
  });

  it('names seats that left the order; reports the cashier’s failed load but not a quiet one', async () => {
    counter.drop = ['A-1'];
    const done = feed.load('st-1', { quiet: true });
    engine.next().resolve(v1);
    await done;
    expect(counter.droppedSeen).toEqual([[['A-1'], false]]);
    const quiet = feed.load('st-1', { quiet: true });
    engine.next().reject(new BackendError('offline', 'x'));
    await quiet;
    expect(counter.reported).toEqual([]);
    const loud = feed.load('st-1');
    engine.next().reject(new BackendError('offline', 'x'));
    await loud;
    expect(counter.reported).toHaveLength(1);
    expect(counter.isLoading).toBe(false);
  });
});

describe('MapFeed.poll', () => {
  it('keeps one long poll pending after the shown version', async () => {
    counter.shown = v1;
    const p = feed.poll();
    void feed.poll();
    expect(engine.pending).toHaveLength(1);
    const call = engine.next();
    expect(call.args).toEqual({ showtime_id: 'st-1', refresh: false, wait_after: 1, wait_ms: LIVE_WAIT_MS });
    counter.drop = ['A-1'];
    call.resolve(v2);
    await p;
    expect(counter.shown).toBe(v2);
    expect(counter.droppedSeen).toEqual([[['A-1'], true]]);
    void feed.poll();
    expect(engine.pending).toHaveLength(1);
  });

  it('waits while nothing is open, a load is under way or a dialog is open', () => {
    void feed.poll();
    counter.shown = v1;
    counter.isLoading = true;
    void feed.poll();
    counter.isLoading = false;
    counter.isBlocked = true;
    void feed.poll();
    expect(engine.pending).toHaveLength(0);
  });

  it('ignores an answer that comes once a dialog opened or the cashier loaded anew', async () => {
    counter.shown = v1;
    const p = feed.poll();
    counter.isBlocked = true;
    engine.next().resolve(v2);
    await p;
    expect(counter.shown).toBe(v1);
    counter.isBlocked = false;
    const q = feed.poll();
    const load = feed.load('st-1');
    engine.next().resolve(v2);
    await q;
    expect(counter.shown).toBe(v1);
    engine.next().resolve(v2);
    await load;
    expect(counter.shown).toBe(v2);
  });
});
