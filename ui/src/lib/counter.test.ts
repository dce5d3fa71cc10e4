import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, type Backend } from './backend';
import { Counter } from './counter.svelte';
import { notices } from './notices.svelte';
import { mapOf, seat } from './testdata/maps';
import type { SaleResult, SeatMap, ShowtimeSummary } from './types';

type Handler = (args: Record<string, unknown>) => unknown;

/** An engine answering each command with what the test sets (immediately). */
class FakeEngine {
  calls: [string, Record<string, unknown>][] = [];
  handlers: Record<string, Handler> = {};
  backend: Backend = {
    call: (async (cmd: string, args: Record<string, unknown>) => {
      this.calls.push([cmd, args]);
      const h = this.handlers[cmd];
      if (!h) throw new BackendError('unexpected', cmd);
      return h(args);
    }) as Backend['call'],
  };
  named(cmd: string) {
    return this.calls.filter(([c]) => c === cmd).map(([, a]) => a);
  }
}

const map: SeatMap = mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0), seat('A-3', 2, 0, { state: 'leased' })]);
const show = { id: 'st-1', sales_state: 'selling', seats_leased: 1 } as ShowtimeSummary;
const key = (k: string) => ({ key: k, code: '', ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false });
const onBody = { typing: false, onBody: true };
const cash = { tendered_minor: 10_000, card: undefined, cash_due: 9000, change: 1000 };

let engine: FakeEngine;
let counter: Counter;
let loggedOut: (string | undefined)[];
let focused: string[];
let holds: number;

beforeEach(() => {
  vi.useFakeTimers();
  notices.dismiss();
  engine = new FakeEngine();
  holds = 0;
  engine.handlers = {
    seat_map: () => map,
    showtimes: () => [show],
    hold_seats: () => ({ hold_id: `h${++holds}`, unavailable: [], leased: [], offline: false, expires_at: null }),
    release_hold: () => ({}),
    logout: () => ({}),
    status: () => ({ business_day: '2026-12-04' }),
    printer_status: () => null,
  };
  loggedOut = [];
  focused = [];
  counter = new Counter({
    backend: () => engine.backend,
    session: () => ({
      token: 'tok',
      staff_id: 's',
      staff_name: 'Sam',
      role: 'cashier',
      idle_lock_secs: 180,
      expires_at: '2026-12-05T00:00:00Z',
    }),
    onStatus: () => {},
    onLogout: (m) => loggedOut.push(m),
    focusFirstFree: () => focused.push('first-free'),
    focusMap: () => focused.push('map'),
    focusBoard: () => focused.push('board'),
  });
});
afterEach(() => {
  counter.stop();
  vi.useRealTimers();
});

async function openShow(): Promise<void> {
  await counter.selectShowtime(show, () => false);
  await vi.advanceTimersByTimeAsync(0);
}

/** The cashier picks seats; the hold follows once they stay put. */
async function pick(...labels: string[]): Promise<void> {
  for (const l of labels) counter.toggle(map.seats.find((s) => s.label === l)!);
  counter.watchSelection();
  await vi.advanceTimersByTimeAsync(300);
  await counter.keeper.idle();
}

describe('Counter', () => {
  it('opens a showtime with its default ticket type and holds the seats chosen', async () => {
    await openShow();
    expect(counter.map).toEqual(map);
    expect(counter.order).toMatchObject({ showtime_id: 'st-1', ticket_type: 'adult' });
    await pick('A-1', 'A-2');
    expect(engine.named('hold_seats')).toEqual([{ token: 'tok', showtime_id: 'st-1', seats: ['A-1', 'A-2'] }]);
    expect(counter.view).toMatchObject({ canPay: true, total: 9000 });
  });

  it('maps keys to actions: digits set the party, P opens the pay dialog, T focuses the board', async () => {
    await openShow();
    expect(counter.key(key('4'), onBody)).toBe(true);
    expect(counter.party).toBe(4);
    expect(counter.key(key('p'), onBody)).toBe(true);
    expect(counter.overlay.kind).toBe('none'); // nothing to pay yet
    await pick('A-1');
    counter.key(key('p'), onBody);
    expect(counter.overlay.kind).toBe('pay');
    // The dialog has the keys now.
    expect(counter.key(key('t'), onBody)).toBe(false);
    counter.closePay();
    counter.key(key('t'), onBody);
    expect(focused).toEqual(['board']);
    expect(counter.key(key('x'), onBody)).toBe(false);
  });

  it('Escape dismisses the notice first, then clears the seats', async () => {
    await openShow();
    await pick('A-1');
    notices.message('x', 'something');
    counter.key(key('Escape'), onBody);
    expect(notices.current).toBeNull();
    expect(counter.order.seats).toEqual(['A-1']);
    counter.key(key('Escape'), onBody);
    expect(counter.order.seats).toEqual([]);
  });

  it('sells the parts set aside and the selection at once, with their holds', async () => {
    await openShow();
    await pick('A-1');
    await counter.addToOrder();
    expect(counter.basket.map((p) => [p.seats, p.hold_id])).toEqual([[['A-1'], 'h1']]);
    await pick('A-2');
    const sale = { order_id: 'o-1' } as SaleResult;
    engine.handlers.sell = () => sale;
    counter.openPay();
    await counter.confirmPay(cash, false, null);
    expect(engine.named('sell')[0]).toMatchObject({
      parts: [
        { showtime_id: 'st-1', seats: ['A-1'], hold_id: 'h1', ticket_type: 'adult' },
        { showtime_id: 'st-1', seats: ['A-2'], hold_id: 'h2', ticket_type: 'adult' },
      ],
    });
    expect(counter.overlay).toEqual({ kind: 'sale', sale });
    expect(counter.sale).toBe(sale);
    expect(counter.basket).toEqual([]);
    expect(counter.selling).toBe(false);
  });

  it('starts the next customer at a party of two, whatever the last one was', async () => {
    await openShow();
    expect(counter.key(key('4'), onBody)).toBe(true);
    expect(counter.party).toBe(4);
    await counter.newSale();
    expect(counter.party).toBe(2);
  });

  it('asks for a manager PIN for the seats not leased here when central is away', async () => {
    await openShow();
    await pick('A-1', 'A-3');
    engine.handlers.sell = () => {
      throw new BackendError('offline_not_leased', 'offline');
    };
    counter.openPay();
    await counter.confirmPay(cash, false, null);
    expect(counter.overlay).toEqual({ kind: 'pay', refused: null, overrideSeats: ['A-1'] });
    engine.handlers.sell = () => {
      throw new BackendError('wrong_pin', 'Wrong PIN');
    };
    await counter.confirmPay(cash, false, '0000');
    expect(counter.overlay).toEqual({ kind: 'pay', refused: { code: 'wrong_pin', message: 'Wrong PIN' }, overrideSeats: ['A-1'] });
  });

  it('closes the dialog on other refusals, shows the error, keeps the order and holds it again', async () => {
    await openShow();
    await pick('A-1');
    engine.handlers.sell = () => {
      throw new BackendError('seat_unavailable', 'Taken');
    };
    counter.openPay();
    await counter.confirmPay(cash, false, null);
    expect(counter.overlay.kind).toBe('none');
    expect(notices.current?.code).toBe('seat_unavailable');
    expect(counter.order.seats).toEqual(['A-1']);
    expect(focused).toEqual(['map']);
    await counter.keeper.idle();
    expect(engine.named('hold_seats').at(-1)).toMatchObject({ seats: ['A-1'], hold_id: 'h1' });
  });

  it('goes back to the login screen when the session is gone', async () => {
    await openShow();
    await pick('A-1');
    engine.handlers.sell = () => {
      throw new BackendError('not_logged_in', 'gone');
    };
    counter.openPay();
    await counter.confirmPay(cash, false, null);
    expect(counter.overlay.kind).toBe('none');
    expect(loggedOut).toHaveLength(1);
  });

  it('leads to the open-shift screen when no shift is open, keeping the order', async () => {
    let asked = 0;
    const c = new Counter({
      backend: () => engine.backend,
      session: () => ({ token: 'tok', staff_id: 's', staff_name: 'Sam', role: 'cashier', idle_lock_secs: 180, expires_at: '' }),
      onStatus: () => {},
      onLogout: (m) => loggedOut.push(m),
      shiftNeeded: () => asked++,
      focusFirstFree: () => {},
      focusMap: () => {},
      focusBoard: () => {},
    });
    await c.selectShowtime(show, () => false);
    c.toggle(map.seats[0]!);
    engine.handlers.sell = () => {
      throw new BackendError('shift.none', 'no shift is open');
    };
    c.openPay();
    await c.confirmPay(cash, false, null);
    expect(c.overlay.kind).toBe('none');
    expect(asked).toBe(1);
    expect(c.order.seats).toEqual(['A-1']);
    expect(notices.current?.code).toBe('shift.none');
    expect(loggedOut).toEqual([]);
  });

  it('keeps the pay dialog and the order when the session locked; the lock screen shows, not the banner', async () => {
    await openShow();
    await pick('A-1');
    engine.handlers.sell = () => {
      throw new BackendError('session.locked', 'locked');
    };
    counter.openPay();
    await counter.confirmPay(cash, false, null);
    expect(counter.overlay).toMatchObject({ kind: 'pay', refused: { code: 'session.locked' } });
    expect(counter.order.seats).toEqual(['A-1']);
    expect(notices.current).toBeNull();
    expect(loggedOut).toEqual([]);
  });

  it('releases every hold at logout', async () => {
    await openShow();
    await pick('A-1');
    await counter.addToOrder();
    await pick('A-2');
    await counter.logout();
    expect(engine.named('release_hold').map((a) => a.hold_id)).toEqual(['h2', 'h1']);
    expect(counter.basket).toEqual([]);
    expect(loggedOut).toEqual([undefined]);
  });

  it('abandons an order left alone for ten minutes, with its holds', async () => {
    counter.start();
    await openShow();
    await pick('A-1');
    await counter.addToOrder();
    await pick('A-2');
    await vi.advanceTimersByTimeAsync(12 * 60_000);
    await counter.keeper.idle();
    expect(counter.basket).toEqual([]);
    expect(counter.order.seats).toEqual([]);
    expect(notices.current?.code).toBe('order_abandoned');
    // Every hold placed was given back (renewals replace; central lets the replaced one go).
    const replaced = engine.named('hold_seats').map((a) => a.hold_id).filter(Boolean);
    const released = engine.named('release_hold').map((a) => a.hold_id);
    const placed = Array.from({ length: holds }, (_, i) => `h${i + 1}`);
    expect(placed.filter((h) => !replaced.includes(h) && !released.includes(h))).toEqual([]);
  });

  it('sets aside the seats chosen when Add was pressed; one tapped while central answers starts the next part', async () => {
    await openShow();
    await pick('A-1');
    let answer: (() => void) | null = null;
    engine.handlers.hold_seats = () =>
      new Promise((resolve) => {
        answer = () => resolve({ hold_id: `h${++holds}`, unavailable: [], leased: [], offline: false, expires_at: null });
      });
    counter.order = { ...counter.order, seats: ['A-2'] };
    const adding = counter.addToOrder();
    await vi.advanceTimersByTimeAsync(0);
    counter.toggle(map.seats.find((s) => s.label === 'A-1')!);
    answer!();
    await adding;
    expect(counter.basket.map((p) => p.seats)).toEqual([['A-2']]);
    expect(counter.order.seats).toEqual(['A-1']);
  });
});
