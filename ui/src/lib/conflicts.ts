// Conflict tasks: override sales (sold offline on seats not leased to this
// terminal) that central could not apply because someone else had a seat.
// A supervisor resolves each by reseating (best available) or refunding.

import type { ConflictView } from './bindings/ConflictView';

export type ConflictAction = 'reseat' | 'refund';

/** Only open tasks can be resolved; `reseating` waits for central. */
export function isOpen(c: Pick<ConflictView, 'state'>): boolean {
  return c.state === 'open';
}

/** Open tasks first, then the ones in progress, then the done ones; each group by show time, then reference. */
export function sortConflicts(list: readonly ConflictView[]): ConflictView[] {
  const rank = (state: string): number => (state === 'open' ? 0 : state === 'reseating' ? 1 : 2);
  return [...list].sort(
    (a, b) =>
      rank(a.state) - rank(b.state) || a.local_time.localeCompare(b.local_time) || a.order_ref.localeCompare(b.order_ref),
  );
}

/** The task to act on after the list changed: the same order if still open, else the first open one. */
export function nextSelection(list: readonly ConflictView[], current: string | null): string | null {
  const open = list.filter(isOpen);
  if (current !== null && open.some((c) => c.order_id === current)) return current;
  return open[0]?.order_id ?? null;
}

/** Move the selection among open tasks by `step`, wrapping. */
export function stepSelection(list: readonly ConflictView[], current: string | null, step: 1 | -1): string | null {
  const open = list.filter(isOpen);
  if (open.length === 0) return null;
  const i = open.findIndex((c) => c.order_id === current);
  if (i < 0) return open[0]!.order_id;
  return open[(i + step + open.length) % open.length]!.order_id;
}

/** A key in the conflicts panel's PIN field as an action: R reseats, F refunds (by key position too). */
export function conflictActionFromKey(e: Pick<KeyboardEvent, 'key' | 'code'>): ConflictAction | null {
  const k = e.key.toLowerCase();
  if (k === 'r' || e.code === 'KeyR') return 'reseat';
  if (k === 'f' || e.code === 'KeyF') return 'refund';
  return null;
}
