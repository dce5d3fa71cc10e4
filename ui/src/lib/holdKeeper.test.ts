import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BasketPart } from './basket';
import {
  ABANDON_AFTER_MS,
  HOLD_DEBOUNCE_MS,
  HOLD_RENEW_MS,
  HoldKeeper,
  selectionKey,
  type HoldAnswer,
  type HoldBackend,
  type HoldHost,
  type HoldTimers,
} from './holdKeeper';

/**
 * Central's holds as central keeps them: every hold gets a new id and the
 * replaced one is gone; releasing an unknown hold is not an error. Calls
 * answer at once unless `gate()` holds them back until `open()`.
 */
class FakeCentral implements HoldBackend {
  live = new Map<string, { showtime: string; seats: string[] }>();
  taken = new Set<string>();
  calls: string[] = [];
  private next = 1;
  private gateFor: ((call: string) => boolean) | null = null;
  private waitingAnswers: (() => void)[] = [];

  /** Calls from now on that `which` picks reach central at once, but their answers wait for `open()`. */
  gate(which: (call: string) => boolean = () => true): void {
    this.gateFor = which;
  }
  open(): void {
    const waiting = this.waitingAnswers;
    this.gateFor = null;
    this.waitingAnswers = [];
    waiting.forEach((go) => go());
  }
  /** Answers on their way back. */
  get inFlight(): number {
    return this.waitingAnswers.length;
  }

  private answer<T>(v: T): Promise<T> {
    const call = this.calls[this.calls.length - 1] ?? '';
    if (!this.gateFor?.(call)) return Promise.resolve(v);
    return new Promise((resolve) => this.waitingAnswers.push(() => resolve(v)));
  }

  hold(showtimeId: string, seats: string[], holdId: string | null): Promise<HoldAnswer> {
    this.calls.push(`hold ${seats.join(',')}${holdId ? ` replacing ${holdId}` : ''}`);
    const unavailable = seats.filter((s) => this.taken.has(s));
    if (unavailable.length > 0) return this.answer({ hold_id: holdId, unavailable });
    const id = `h${this.next++}`;
    for (const [other, h] of this.live) {
      if (h.showtime === showtimeId) h.seats = h.seats.filter((s) => !seats.includes(s));
      if (other === holdId) this.live.delete(other);
    }
    this.live.set(id, { showtime: showtimeId, seats: [...seats] });
    return this.answer({ hold_id: id, unavailable: [] });
  }

  release(holdId: string): Promise<void> {
    this.calls.push(`release ${holdId}`);
    this.live.delete(holdId);
    return this.answer(undefined);
  }

  /** Seats held at central, over every live hold. */
  heldSeats(): string[] {
    return [...this.live.values()].flatMap((h) => h.seats).sort();
  }
}

function part(seats: string[], holdId: string | null): BasketPart {
  return {
    showtime_id: 'st-1',
    film_title_en: 'Film',
    film_title_ar: 'فيلم',
    local_time: '19:30',
    screen: '1',
    rating: 'PG',
    id_check: false,
    seats,
    prices: seats.map(() => 4500),
    ticket_type: 'adult',
    ticket_name_en: 'Adult',
    ticket_name_ar: 'بالغ',
    total_minor: seats.length * 4500,
    hold_id: holdId,
  };
}

/** A counter as the keeper sees it. */
class FakeCounter implements HoldHost {
  order = { showtime_id: 'st-1' as string | null, seats: [] as string[] };
  basket: BasketPart[] = [];
  paid = false;
  told: string[][] = [];
  abandonedTimes = 0;

  selection() {
    return this.order;
  }
  dropFromSelection(seats: string[]) {
    this.order = { ...this.order, seats: this.order.seats.filter((s) => !seats.includes(s)) };
  }
  parts() {
    return this.basket;
  }
  setParts(parts: BasketPart[]) {
    this.basket = parts;
  }
  taken(seats: string[]) {
    this.told.push(seats);
  }
  paused() {
    return this.paid;
  }
  abandoned() {
    this.abandonedTimes++;
    this.basket = [];
    this.order = { ...this.order, seats: [] };
  }
}

const fakeTimers: HoldTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

let central: FakeCentral;
let counter: FakeCounter;
let keeper: HoldKeeper;

beforeEach(() => {
  vi.useFakeTimers();
  central = new FakeCentral();
  counter = new FakeCounter();
  keeper = new HoldKeeper(central, counter, fakeTimers);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The cashier picks seats; the keeper holds them once they stay put. */
async function choose(...seats: string[]): Promise<void> {
  counter.order = { ...counter.order, seats };
  keeper.selectionChanged();
  await vi.advanceTimersByTimeAsync(HOLD_DEBOUNCE_MS);
  await keeper.idle();
}

/** "Add to order". */
async function addToOrder(): Promise<void> {
  const asked = [...counter.order.seats];
  await keeper.setAside((holdId, taken) => {
    counter.basket = [...counter.basket, part(asked.filter((s) => !taken.includes(s)), holdId)];
    counter.order = { ...counter.order, seats: counter.order.seats.filter((s) => !asked.includes(s)) };
    return true;
  });
}

describe('selectionKey', () => {
  it('is the showtime and the sorted seats, or empty', () => {
    expect(selectionKey({ showtime_id: 'st-1', seats: ['B-2', 'A-1'] })).toBe('st-1|A-1,B-2');
    expect(selectionKey({ showtime_id: 'st-1', seats: [] })).toBe('');
    expect(selectionKey({ showtime_id: null, seats: ['A-1'] })).toBe('');
  });
});

describe('HoldKeeper', () => {
  it('holds a selection once it stays put, replacing the hold on every change', async () => {
    counter.order.seats = ['A-1'];
    keeper.selectionChanged();
    await vi.advanceTimersByTimeAsync(HOLD_DEBOUNCE_MS - 1);
    expect(central.calls).toEqual([]);
    counter.order = { ...counter.order, seats: ['A-1', 'A-2'] };
    keeper.selectionChanged();
    await vi.advanceTimersByTimeAsync(HOLD_DEBOUNCE_MS);
    await keeper.idle();
    expect(central.calls).toEqual(['hold A-1,A-2']);
    expect(keeper.selectionHoldId).toBe('h1');
    await choose('A-2');
    expect(central.calls).toEqual(['hold A-1,A-2', 'hold A-2 replacing h1']);
    expect(central.heldSeats()).toEqual(['A-2']);
    // The same selection again: nothing to do.
    await choose('A-2');
    expect(central.calls).toHaveLength(2);
  });

  it('releases the hold when the selection is cleared', async () => {
    await choose('A-1');
    await choose();
    expect(central.calls).toEqual(['hold A-1', 'release h1']);
    expect(central.heldSeats()).toEqual([]);
    expect(keeper.selectionHoldId).toBeNull();
  });

  it('drops seats someone else took from the selection and says so', async () => {
    central.taken.add('A-2');
    await choose('A-1', 'A-2');
    expect(counter.order.seats).toEqual(['A-1']);
    expect(counter.told).toEqual([['A-2']]);
    // The rest is held on the next round.
    keeper.selectionChanged();
    await vi.advanceTimersByTimeAsync(HOLD_DEBOUNCE_MS);
    await keeper.idle();
    expect(central.heldSeats()).toEqual(['A-1']);
  });

  it('sets the selection aside with its hold and holds the next selection anew', async () => {
    await choose('A-1');
    await addToOrder();
    expect(counter.basket.map((p) => [p.seats, p.hold_id])).toEqual([[['A-1'], 'h1']]);
    expect(keeper.selectionHoldId).toBeNull();
    await choose('A-2');
    expect(central.calls).toEqual(['hold A-1', 'hold A-2']);
    expect(central.heldSeats()).toEqual(['A-1', 'A-2']);
  });

  it('renews the selection and every part on each tick, one call at a time', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    await keeper.idle();
    expect(central.calls.slice(2)).toEqual(['hold A-2 replacing h2', 'hold A-1 replacing h1']);
    expect(keeper.selectionHoldId).toBe('h3');
    expect(counter.basket[0]?.hold_id).toBe('h4');
    expect(central.heldSeats()).toEqual(['A-1', 'A-2']);
  });

  it('takes seats lost at renewal out of their part, and a part left empty out of the order', async () => {
    counter.basket = [part(['A-1', 'A-2'], 'old-1'), part(['B-1'], 'old-2')];
    central.taken.add('A-2');
    central.taken.add('B-1');
    await keeper.renewParts();
    // The part keeps the seat central still has for it, priced for that seat alone.
    expect(counter.basket.map((p) => [p.seats, p.total_minor, p.hold_id])).toEqual([[['A-1'], 4500, 'old-1']]);
    expect(counter.told).toEqual([['A-2'], ['B-1']]);
    central.taken.clear();
    await keeper.renewParts();
    expect(counter.basket.map((p) => [p.seats, p.hold_id])).toEqual([[['A-1'], 'h1']]);
    expect(central.heldSeats()).toEqual(['A-1']);
  });

  it('does nothing while a sale is paid or on screen', async () => {
    await choose('A-1');
    await addToOrder();
    counter.paid = true;
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    await keeper.idle();
    expect(central.calls).toEqual(['hold A-1']);
  });

  it('holds again after a refused sale', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    keeper.reHold();
    await keeper.idle();
    expect(central.calls.slice(2)).toEqual(['hold A-2 replacing h2', 'hold A-1 replacing h1']);
  });

  it('forgets the selection hold a sale took over', async () => {
    await choose('A-1');
    keeper.sold();
    expect(keeper.selectionHoldId).toBeNull();
    await choose();
    expect(central.calls).toEqual(['hold A-1']);
  });

  it('abandons an order nobody touched for ten minutes, releasing every hold', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    for (let t = HOLD_RENEW_MS; t < ABANDON_AFTER_MS; t += HOLD_RENEW_MS) {
      await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
      keeper.tick();
      await keeper.idle();
    }
    expect(counter.abandonedTimes).toBe(0);
    expect(central.heldSeats()).toEqual(['A-1', 'A-2']);
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    await keeper.idle();
    await vi.runAllTimersAsync();
    expect(counter.abandonedTimes).toBe(1);
    expect(counter.basket).toEqual([]);
    expect(central.heldSeats()).toEqual([]);
    expect(central.live.size).toBe(0);
  });

  it('keeps an order someone works on', async () => {
    await choose('A-1');
    await vi.advanceTimersByTimeAsync(ABANDON_AFTER_MS - 1000);
    keeper.touch();
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    await keeper.idle();
    expect(counter.abandonedTimes).toBe(0);
    expect(central.heldSeats()).toEqual(['A-1']);
  });

  it('releases a part taken out of the order', async () => {
    await choose('A-1');
    await addToOrder();
    const [p] = counter.basket;
    counter.basket = [];
    await keeper.removePart(p!);
    expect(central.live.size).toBe(0);
  });

  it('releases everything at logout', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    await keeper.releaseAll();
    expect(central.live.size).toBe(0);
  });

  // The flaky e2e test ("an order nobody touches for 10 minutes is cleared and
  // its seats go back on sale"): the renewal of a part set aside was still on
  // its way when the order was abandoned. Central had replaced the part's hold
  // by a new one; the answer carrying the new id found the part gone, and the
  // release went to the old id, so the seat stayed held at central.
  it('a renewal in flight when the order is abandoned leaves no hold behind', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    // Eight minutes, renewed every two.
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
      keeper.tick();
      await keeper.idle();
    }
    // The fourth renewal of the part reaches central; its answer is slow.
    central.gate((call) => call.startsWith('hold A-1'));
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    await vi.advanceTimersByTimeAsync(0);
    expect(central.inFlight).toBe(1);
    // Ten minutes untouched: abandoned while the answer is on its way.
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    expect(counter.abandonedTimes).toBe(1);
    central.open();
    await keeper.idle();
    await vi.runAllTimersAsync();
    await keeper.idle();
    expect(counter.basket).toEqual([]);
    expect(central.heldSeats()).toEqual([]);
    expect(central.live.size).toBe(0);
  });

  it('a renewal in flight when its part is taken out of the order leaves no hold behind', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('B-1');
    await addToOrder();
    central.gate((call) => call.startsWith('hold A-1'));
    void keeper.renewParts();
    await vi.advanceTimersByTimeAsync(0);
    expect(central.inFlight).toBe(1);
    const [first] = counter.basket;
    counter.basket = counter.basket.slice(1);
    const removed = keeper.removePart(first!);
    central.open();
    await removed;
    await keeper.idle();
    expect(central.heldSeats()).toEqual(['B-1']);
    expect(counter.basket.map((p) => p.seats)).toEqual([['B-1']]);
  });

  it('a renewal in flight at logout leaves no hold behind', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    central.gate();
    keeper.tick();
    await vi.advanceTimersByTimeAsync(0);
    const out = keeper.releaseAll();
    central.open();
    await out;
    counter.basket = [];
    await keeper.idle();
    expect(central.live.size).toBe(0);
  });

  it('renewals queued behind a slow call do not run once the order is cleared', async () => {
    await choose('A-1');
    await addToOrder();
    await choose('A-2');
    // The selection's renewal is slow; the part's waits behind it in the queue.
    central.gate((call) => call.startsWith('hold A-2'));
    await vi.advanceTimersByTimeAsync(ABANDON_AFTER_MS - HOLD_RENEW_MS);
    keeper.tick();
    await vi.advanceTimersByTimeAsync(0);
    expect(central.inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(HOLD_RENEW_MS);
    keeper.tick();
    expect(counter.abandonedTimes).toBe(1);
    central.open();
    await keeper.idle();
    await vi.runAllTimersAsync();
    await keeper.idle();
    expect(central.calls.filter((c) => c.startsWith('hold A-1'))).toEqual(['hold A-1']);
    expect(central.live.size).toBe(0);
  });

  it('a change still waiting for its debounce is not held after the order is cleared', async () => {
    await choose('A-1');
    await vi.advanceTimersByTimeAsync(ABANDON_AFTER_MS);
    counter.order = { ...counter.order, seats: ['A-1', 'A-2'] };
    keeper.selectionChanged();
    keeper.tick();
    expect(counter.abandonedTimes).toBe(1);
    await vi.runAllTimersAsync();
    await keeper.idle();
    expect(central.calls).toEqual(['hold A-1', 'release h1']);
    expect(central.live.size).toBe(0);
  });

  // The same e2e test failed once more at "chosen is held": a seat tapped while
  // "Add to order" waited for central went into the part set aside, unheld.
  it('holds the selection as it was when set aside; a seat chosen while central answers starts the next one', async () => {
    counter.order.seats = ['A-1'];
    central.gate();
    const adding = addToOrder();
    await vi.advanceTimersByTimeAsync(0);
    expect(central.calls).toEqual(['hold A-1']);
    // The cashier taps the next seat before central answers.
    counter.order = { ...counter.order, seats: ['A-1', 'A-2'] };
    keeper.selectionChanged();
    central.open();
    await adding;
    expect(counter.basket.map((p) => [p.seats, p.hold_id])).toEqual([[['A-1'], 'h1']]);
    expect(counter.order.seats).toEqual(['A-2']);
    keeper.selectionChanged();
    await vi.advanceTimersByTimeAsync(HOLD_DEBOUNCE_MS);
    await keeper.idle();
    expect(central.calls).toEqual(['hold A-1', 'hold A-2']);
    expect(central.heldSeats()).toEqual(['A-1', 'A-2']);
  });

  it('sets aside a selection without the seats central says are taken', async () => {
    central.taken.add('A-2');
    counter.order.seats = ['A-1', 'A-2'];
    await addToOrder();
    expect(counter.basket.map((p) => p.seats)).toEqual([['A-1']]);
    expect(counter.told).toEqual([['A-2']]);
  });
});
