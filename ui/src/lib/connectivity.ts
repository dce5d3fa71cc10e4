// The status bar's view of the link to central and of what waits for it.

import { ageOf, type Age } from './format';
import type { Status } from './types';

export type Connectivity = Status['connectivity'];

export interface LinkView {
  state: Connectivity;
  /** Sales (outbox entries) not yet accepted by central. */
  queued: number;
  /** Age of the oldest of them, when any. */
  oldest: Age | null;
  /** Whether the queue deserves attention: something waits and central is not (fully) there, or it has waited a while. */
  stale: boolean;
  /** Override sales in conflict, waiting for a supervisor. */
  conflicts: number;
  /** Seats leased to this terminal, all showtimes together. */
  leased: number;
}

/** A backlog older than this is shown as a warning even while online. */
export const STALE_AFTER_SECS = 120;

export function linkView(
  s: Pick<Status, 'connectivity' | 'queue_depth' | 'oldest_unsynced_secs' | 'open_conflicts' | 'leases'>,
): LinkView {
  const queued = Math.max(0, s.queue_depth);
  const oldestSecs = queued > 0 ? s.oldest_unsynced_secs : null;
  return {
    state: s.connectivity,
    queued,
    oldest: oldestSecs === null ? null : ageOf(oldestSecs),
    stale: queued > 0 && (s.connectivity !== 'online' || (oldestSecs ?? 0) >= STALE_AFTER_SECS),
    conflicts: Math.max(0, s.open_conflicts),
    leased: s.leases.reduce((n, l) => n + Math.max(0, l.seats), 0),
  };
}
