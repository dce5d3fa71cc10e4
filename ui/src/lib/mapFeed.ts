// The open seat map: loaded from the local cache at once (seat events keep it
// live), then refreshed from central in the background, so a slow or dead
// central never leaves the screen waiting; while it is open, one long poll of
// the local cache stays pending, so a seat sold or held elsewhere shows (and
// leaves the order) within moments. Only the latest request may change the
// screen.

import type { Backend } from './backend';
import type { SeatMap } from './types';

export interface MapHost {
  /** The showtime whose map is open (or being opened). */
  selectedId(): string | null;
  map(): SeatMap | null;
  loading(): boolean;
  setLoading(loading: boolean): void;
  /** A dialog is open or a sale under way: the map stays as it is. */
  blocked(): boolean;
  /** Shows a fresher map; returns the seats that left the order (taken meanwhile). */
  apply(showtimeId: string, fresh: SeatMap): string[];
  /** Seats left the order: `live` when the live poll saw them go, else at a (re)load. */
  dropped(seats: string[], live: boolean): void;
  /** The cashier's own load failed. */
  report(e: unknown): void;
}

export interface FeedTimers {
  setTimeout(fn: () => void, ms: number): unknown;
}

/** How long the engine keeps a live poll open when nothing changes. */
export const LIVE_WAIT_MS = 10_000;

export class MapFeed {
  private request = 0;
  private polling = false;

  constructor(
    private readonly backend: Backend,
    private readonly host: MapHost,
    private readonly timers: FeedTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms) },
  ) {}

  /**
   * Loads the map of showtime `id`. The cashier's load shows "Loading", answers
   * from the local cache and then asks central (a quiet load); a quiet load
   * asks central and flashes nothing.
   */
  async load(id: string, opts: { quiet?: boolean } = {}): Promise<void> {
    const req = ++this.request;
    if (!opts.quiet) this.host.setLoading(true);
    try {
      const fresh = await this.backend.call('seat_map', { showtime_id: id, refresh: opts.quiet ? undefined : false });
      if (req !== this.request || this.host.selectedId() !== id) return;
      if (!opts.quiet) {
        this.host.setLoading(false);
        this.timers.setTimeout(() => {
          if (this.host.selectedId() === id) void this.load(id, { quiet: true });
        }, 0);
      }
      const dropped = this.host.apply(id, fresh);
      if (dropped.length > 0) this.host.dropped(dropped, false);
    } catch (e) {
      if (req === this.request && !opts.quiet) this.host.report(e);
    } finally {
      if (req === this.request) this.host.setLoading(false);
    }
  }

  /** Keeps one long poll of the local cache pending while a map is open (called every LIVE_EVERY_MS). */
  async poll(): Promise<void> {
    const id = this.host.selectedId();
    const map = this.host.map();
    if (!id || !map || this.polling || this.host.loading() || this.host.blocked()) return;
    this.polling = true;
    const req = ++this.request;
    try {
      // The engine answers the moment a seat event, a refresh or a sale changes the cache.
      const fresh = await this.backend.call('seat_map', {
        showtime_id: id,
        refresh: false,
        wait_after: map.version,
        wait_ms: LIVE_WAIT_MS,
      });
      if (req !== this.request || this.host.selectedId() !== id || this.host.blocked()) return;
      const dropped = this.host.apply(id, fresh);
      if (dropped.length > 0) this.host.dropped(dropped, true);
    } catch {
      // The next tick tries again; a dead engine shows up in the status bar.
    } finally {
      this.polling = false;
    }
  }
}
