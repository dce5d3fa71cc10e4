// The business day's report on screen: the figures the manager's Day panel
// draws as bar charts (sales by hour, by film, by tender; occupancy per
// showtime). Plain functions over the engine's DayReport, unit-tested.

import type { DayReport } from './bindings/DayReport';
import { formatMajor } from './money';

/** One bar of a chart: its length is `share` (0 to 1) of the longest. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  /** The value as shown beside the bar. */
  text: string;
  share: number;
}

function shares(bars: Omit<Bar, 'share'>[]): Bar[] {
  const max = Math.max(0, ...bars.map((b) => b.value));
  return bars.map((b) => ({ ...b, share: max > 0 ? Math.max(0, b.value) / max : 0 }));
}

/** Sales by hour of the site's clock, from the first hour with a sale to the last (none: empty). */
export function hourBars(r: DayReport): Bar[] {
  const active = r.by_hour.filter((h) => h.orders > 0).map((h) => h.hour);
  if (active.length === 0) return [];
  const first = Math.min(...active);
  const last = Math.max(...active);
  return shares(
    r.by_hour
      .filter((h) => h.hour >= first && h.hour <= last)
      .map((h) => ({
        key: String(h.hour),
        label: `${String(h.hour).padStart(2, '0')}`,
        value: h.amount_minor,
        text: formatMajor(h.amount_minor, r.decimals),
      })),
  );
}

/** Revenue by film, largest first; Arabic titles when the counter speaks Arabic. */
export function filmBars(r: DayReport, arabic: boolean): Bar[] {
  return shares(
    r.by_film.map((f) => ({
      key: f.key,
      label: arabic ? f.label_ar : f.label,
      value: f.amount_minor,
      text: formatMajor(f.amount_minor, r.decimals),
    })),
  );
}

/** Money kept by tender (taken less paid back), largest first. */
export function tenderBars(r: DayReport): Bar[] {
  return shares(
    [...r.by_payment]
      .sort((a, b) => b.net_minor - a.net_minor)
      .map((p) => ({ key: p.method, label: p.method, value: p.net_minor, text: formatMajor(p.net_minor, r.decimals) })),
  );
}

/** How full each showtime sold that day is, in percent of the seats that can be sold. */
export function occupancyBars(r: DayReport, arabic: boolean): Bar[] {
  return r.by_showtime.map((s) => {
    const pct = s.capacity > 0 ? Math.round((100 * s.taken) / s.capacity) : 0;
    return {
      key: s.showtime_id,
      label: arabic ? s.film_ar || s.film : s.film,
      value: pct,
      text: `${pct} % (${s.taken}/${s.capacity})`,
      share: Math.min(1, pct / 100),
    };
  });
}

/** What is not yet at central for the day, if anything. */
export function notAtCentral(r: DayReport): { entries: number; amount: string; terminals: string[] } | null {
  if (r.unsynced.length === 0) return null;
  return {
    entries: r.unsynced.reduce((n, u) => n + u.entries, 0),
    amount: formatMajor(
      r.unsynced.reduce((n, u) => n + u.amount_minor, 0),
      r.decimals,
    ),
    terminals: r.unsynced.map((u) => u.terminal_id),
  };
}

/** A file the engine wrote, saved through the browser (a link with `download`). */
export function saveFile(name: string, mime: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
