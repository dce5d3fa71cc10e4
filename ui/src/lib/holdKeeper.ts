// Holds while choosing: the order's seats are held at central as soon as they
// are chosen (one hold, replaced atomically on every change), so the web
// cannot take them while the customer decides; a seat someone else took
// meanwhile leaves the order at once. Parts set aside keep their holds,
// renewed with the selection's. Clearing the order releases the holds;
// central drops an unrenewed hold after its time to live anyway.
//
// Every call to central about holds runs in one serial queue, one at a time.
// Central answers every hold with a new hold id (the replaced one is gone),
// so the ids the keeper knows are only right once the queue has caught up.

import { withoutSeats, type BasketPart } from './basket';

/** What central (through the engine) answered a hold with. */
export interface HoldAnswer {
  hold_id: string | null;
  /** Seats someone else has: they leave the order. */
  unavailable: string[];
}

/** The engine's hold commands (`hold_seats`, `release_hold`). */
export interface HoldBackend {
  hold(showtimeId: string, seats: string[], holdId: string | null): Promise<HoldAnswer>;
  release(holdId: string): Promise<void>;
}

/** The counter the keeper keeps holds for. */
export interface HoldHost {
  /** The seats being chosen now. */
  selection(): { showtime_id: string | null; seats: readonly string[] };
  /** Central says these seats of the selection are taken: they leave the order. */
  dropFromSelection(seats: string[]): void;
  /** The parts set aside. */
  parts(): readonly BasketPart[];
  setParts(parts: BasketPart[]): void;
  /** Tell the cashier that seats of the order were taken. */
  taken(seats: string[]): void;
  /** A sale is being paid or is on screen: its own holds took over. */
  paused(): boolean;
  /** Nobody touched the order for ABANDON_AFTER_MS: clear it and say so (the keeper releases its holds). */
  abandoned(): void;
}

export interface HoldTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: HoldTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** How often the holds of an open order are renewed. */
export const HOLD_RENEW_MS = 120_000;
/** A changed selection is held once it stays put this long. */
export const HOLD_DEBOUNCE_MS = 250;
/** An order nobody touched for this long is abandoned: its seats go back on sale. */
export const ABANDON_AFTER_MS = 10 * 60_000;

/** The selection's identity: showtime and sorted seats ('' when nothing is chosen). */
export function selectionKey(sel: { showtime_id: string | null; seats: readonly string[] }): string {
  return sel.showtime_id && sel.seats.length > 0 ? `${sel.showtime_id}|${[...sel.seats].sort().join(',')}` : '';
}

function samePart(a: BasketPart, b: BasketPart): boolean {
  return a.showtime_id === b.showtime_id && a.hold_id === b.hold_id && a.seats.join() === b.seats.join();
}

export class HoldKeeper {
  private holdId: string | null = null;
  private heldKey = '';
  private timer: unknown = undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastActivity: number;
  /** Counts clearings: an operation queued before one does not run after it. */
  private epoch = 0;

  constructor(
    private readonly backend: HoldBackend,
    private readonly host: HoldHost,
    private readonly timers: HoldTimers = realTimers,
  ) {
    this.lastActivity = timers.now();
  }

  /** The selection's hold, as far as the keeper knows. */
  get selectionHoldId(): string | null {
    return this.holdId;
  }

  /** The cashier did something: the order is not abandoned. */
  touch(): void {
    this.lastActivity = this.timers.now();
  }

  /** The selection changed: hold it once it stays put for HOLD_DEBOUNCE_MS. */
  selectionChanged(): void {
    const key = selectionKey(this.host.selection());
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => void this.sync(key), HOLD_DEBOUNCE_MS);
  }

  /** Resolves once every hold operation queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Queues `op` after every hold operation queued so far; it is skipped when the order is cleared meanwhile. */
  private enqueue(op: () => Promise<void>, always = false): Promise<void> {
    const epoch = this.epoch;
    this.chain = this.chain.then(() => (always || epoch === this.epoch ? op() : undefined));
    return this.chain;
  }

  /** Holds the selection (replacing its hold), or releases it when nothing is chosen. */
  sync(key: string, force = false): Promise<void> {
    return this.enqueue(async () => {
      await this.syncNow(key, force);
    });
  }

  /** Holds `selection` (the current one by default); returns the seats central says are taken. */
  private async syncNow(key: string, force: boolean, selection = this.host.selection()): Promise<string[]> {
    if (this.host.paused() || (key === this.heldKey && !force)) return [];
    const { showtime_id: showtime, seats } = selection;
    if (key === '' || !showtime || seats.length === 0) {
      await this.releaseSelection();
      return [];
    }
    try {
      const v = await this.backend.hold(showtime, [...seats], this.holdId);
      // Kept even when the order was cleared meanwhile: the release queued behind gives this id back.
      this.holdId = v.hold_id ?? null;
      if (v.unavailable.length > 0) {
        this.host.dropFromSelection(v.unavailable);
        this.host.taken(v.unavailable);
        this.heldKey = '';
      } else {
        this.heldKey = key;
      }
      return v.unavailable;
    } catch {
      // No hold: the sale places its own. A dead central shows in the status bar.
      this.heldKey = '';
      return [];
    }
  }

  private async releaseSelection(): Promise<void> {
    const id = this.holdId;
    this.holdId = null;
    this.heldKey = '';
    if (id) await this.release(id);
  }

  private async release(id: string | null): Promise<void> {
    if (!id) return;
    try {
      await this.backend.release(id);
    } catch {
      // Central frees it when its time is up.
    }
  }

  /**
   * "Add to order": the selection as it is now (not as it is once central
   * answers: seats chosen meanwhile start the next selection) is held, and its
   * hold goes with the part `setAside` makes of it, without the seats central
   * says are taken (`setAside` answers false when it cannot be set aside).
   */
  setAside(setAside: (holdId: string | null, taken: string[]) => boolean): Promise<void> {
    this.timers.clearTimeout(this.timer);
    const now = this.host.selection();
    const selection = { showtime_id: now.showtime_id, seats: [...now.seats] };
    const key = selectionKey(selection);
    return this.enqueue(async () => {
      const taken = await this.syncNow(key, false, selection);
      if (!setAside(this.holdId, taken)) return;
      this.holdId = null;
      this.heldKey = '';
    });
  }

  /**
   * Keeps the holds of the parts set aside alive (and holds a part set aside
   * without one, e.g. while central was away); a seat lost meanwhile leaves its
   * part. One renewal at a time, in the queue. A renewal whose answer finds its
   * part gone (taken out, abandoned, logged out) gives the new hold back at once.
   */
  renewParts(): Promise<void> {
    return this.enqueue(async () => {
      const epoch = this.epoch;
      for (const part of [...this.host.parts()]) {
        if (this.host.paused() || epoch !== this.epoch) return;
        if (!this.host.parts().some((p) => samePart(p, part))) continue;
        try {
          const v = await this.backend.hold(part.showtime_id, [...part.seats], part.hold_id);
          const lost = v.unavailable;
          if (epoch !== this.epoch || !this.host.parts().some((p) => samePart(p, part))) {
            // Central replaced the part's hold by this one: the release of the old id frees nothing.
            await this.release(v.hold_id);
            continue;
          }
          this.host.setParts(
            this.host.parts().flatMap((p) => {
              if (!samePart(p, part)) return [p];
              const left = withoutSeats(p, lost);
              return left ? [{ ...left, hold_id: v.hold_id ?? p.hold_id }] : [];
            }),
          );
          if (lost.length > 0) this.host.taken(lost);
        } catch {
          // Renewed on the next round; central keeps it for its time to live.
        }
      }
    });
  }

  /** Every HOLD_RENEW_MS: abandon an untouched order, else renew its holds. */
  tick(): void {
    if (this.host.paused()) return;
    const open = this.host.parts().length > 0 || this.host.selection().seats.length > 0;
    if (open && this.timers.now() - this.lastActivity >= ABANDON_AFTER_MS) {
      void this.abandon();
      return;
    }
    if (this.holdId) void this.sync(selectionKey(this.host.selection()), true);
    if (this.host.parts().length > 0) void this.renewParts();
  }

  /**
   * Clearing: the pending debounce and every renewal still queued are
   * cancelled, then `release` runs in the queue, after the call in flight.
   */
  private clear(release: () => Promise<void>): Promise<void> {
    this.timers.clearTimeout(this.timer);
    this.epoch++;
    return this.enqueue(release, true);
  }

  private abandon(): Promise<void> {
    const parts = [...this.host.parts()];
    this.host.abandoned();
    return this.clear(async () => {
      await this.releaseSelection();
      for (const part of parts) await this.release(part.hold_id);
    });
  }

  /** A refused sale's holds took over the order's: hold the seats again under ids the counter knows. */
  reHold(): void {
    void this.sync(selectionKey(this.host.selection()), true);
    if (this.host.parts().length > 0) void this.renewParts();
  }

  /** The sale took the selection's hold over (central let go of it once sold). */
  sold(): void {
    this.holdId = null;
    this.heldKey = '';
  }

  /** A part left the order (the host dropped it already): give its seats back. */
  removePart(part: BasketPart): Promise<void> {
    // A renewal in flight for it releases the hold it ends with; this releases the one the part had.
    return this.enqueue(() => this.release(part.hold_id), true);
  }

  /** Logging out: every hold goes back (the counter forgets the parts afterwards). */
  releaseAll(): Promise<void> {
    return this.clear(async () => {
      await this.releaseSelection();
      for (const part of this.host.parts()) await this.release(part.hold_id);
    });
  }
}
