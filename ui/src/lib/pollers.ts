// The counter's background rhythms (clock, status, board, seats, live map,
// holds): each is a function run every so often, all started and stopped
// together.

export interface Poll {
  /** Milliseconds between runs. */
  every: number;
  run: () => void;
}

export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realIntervals: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export class Pollers {
  private handles: unknown[] = [];

  constructor(
    private readonly polls: readonly Poll[],
    private readonly timers: IntervalTimers = realIntervals,
  ) {}

  get running(): boolean {
    return this.handles.length > 0;
  }

  /** Starts every poll (the first run is one period from now); starting twice changes nothing. */
  start(): void {
    if (this.running) return;
    this.handles = this.polls.map((p) => this.timers.setInterval(p.run, p.every));
  }

  stop(): void {
    this.handles.forEach((h) => this.timers.clearInterval(h));
    this.handles = [];
  }
}
