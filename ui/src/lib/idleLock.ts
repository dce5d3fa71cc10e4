// The counter locks itself when nobody uses it: after the site's idle time
// (Session.idle_lock_secs) without a tap, a click, a key or a touch, the
// screen asks for the PIN again (the order on it is kept). While people use
// it, the engine hears of it: its own idle clock only counts commands made
// for the signed-in person, and a cashier browsing seat maps makes none, so
// a light staff command (`keepAlive`) goes out at most every `keepAliveMs`,
// always after the latest input, and the engine never locks before the UI.

export interface IdleTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: IdleTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface IdleLockOptions {
  /** Time without input before the lock; 0 or less never locks. */
  idleMs: number;
  /** The counter went idle (called once; `start` again after unlocking). */
  onIdle: () => void;
  /** Tells the engine the session is in use. */
  keepAlive?: () => void;
  /** Fewest milliseconds between two `keepAlive` calls. */
  keepAliveMs?: number;
  timers?: IdleTimers;
}

/** The lock time of a session, in milliseconds. */
export function idleMsOf(session: { idle_lock_secs: number }): number {
  return Math.max(0, session.idle_lock_secs) * 1000;
}

/** How often the engine hears of input: a third of the idle time, between 5 s and 60 s. */
export function keepAliveEvery(idleMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.floor(idleMs / 3)));
}

/** Milliseconds from `now` until a session's `expires_at` (RFC 3339), at least 0; null when unreadable. */
export function expiryDelay(expiresAt: string, now: number): number | null {
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Longest delay a browser timer takes (about 24.8 days): longer ones are re-armed. */
export const MAX_TIMER_MS = 2_147_483_647;

export class IdleLock {
  private readonly timers: IdleTimers;
  private lastInput = 0;
  private lastPing = Number.NEGATIVE_INFINITY;
  private idleTimer: unknown = undefined;
  private pingTimer: unknown = undefined;
  private running = false;

  constructor(private readonly opts: IdleLockOptions) {
    this.timers = opts.timers ?? realTimers;
  }

  /** Counting from now (after sign-in, after unlocking). */
  start(): void {
    this.stop();
    if (this.opts.idleMs <= 0) return;
    this.running = true;
    this.lastInput = this.timers.now();
    this.arm(this.opts.idleMs);
  }

  /** No more locking (locked, signed out). */
  stop(): void {
    this.running = false;
    this.timers.clearTimeout(this.idleTimer);
    this.timers.clearTimeout(this.pingTimer);
    this.idleTimer = undefined;
    this.pingTimer = undefined;
  }

  get active(): boolean {
    return this.running;
  }

  /** Someone used the counter. Cheap: called on every pointer move and key. */
  activity(): void {
    if (!this.running) return;
    this.lastInput = this.timers.now();
    this.schedulePing();
  }

  /** The engine heard of the session (a staff command went out anyway): no ping needed until later. */
  used(): void {
    if (!this.running) return;
    this.lastPing = this.timers.now();
  }

  private arm(ms: number): void {
    this.idleTimer = this.timers.setTimeout(() => this.check(), Math.min(ms, MAX_TIMER_MS));
  }

  private check(): void {
    if (!this.running) return;
    const quiet = this.timers.now() - this.lastInput;
    if (quiet >= this.opts.idleMs) {
      this.stop();
      this.opts.onIdle();
    } else {
      this.arm(this.opts.idleMs - quiet);
    }
  }

  /** One ping at most every keepAliveMs, never before the input it reports. */
  private schedulePing(): void {
    const keepAlive = this.opts.keepAlive;
    if (!keepAlive || this.pingTimer !== undefined) return;
    const every = this.opts.keepAliveMs ?? keepAliveEvery(this.opts.idleMs);
    const wait = Math.max(0, this.lastPing + every - this.timers.now());
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = undefined;
      if (!this.running) return;
      this.lastPing = this.timers.now();
      keepAlive();
    }, wait);
  }
}
