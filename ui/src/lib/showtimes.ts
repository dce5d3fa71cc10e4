// The showtimes board: grouping and availability.

import type { ShowtimeSummary } from './types';

export interface FilmGroup {
  key: string;
  film_title_en: string;
  film_title_ar: string;
  rating: string;
  runtime_min: number;
  showtimes: ShowtimeSummary[];
}

function startMs(s: ShowtimeSummary): number {
  const ms = Date.parse(s.starts_at);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Group by film, films ordered by their earliest showtime, showtimes by start. */
export function groupByFilm(showtimes: readonly ShowtimeSummary[]): FilmGroup[] {
  const sorted = [...showtimes].sort((a, b) => startMs(a) - startMs(b) || a.screen.localeCompare(b.screen));
  const groups = new Map<string, FilmGroup>();
  for (const s of sorted) {
    const key = s.film_id;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        film_title_en: s.film_title_en,
        film_title_ar: s.film_title_ar,
        rating: s.rating,
        runtime_min: s.runtime_min,
        showtimes: [],
      };
      groups.set(key, g);
    }
    g.showtimes.push(s);
  }
  return [...groups.values()];
}

export type Availability = 'sold_out' | 'low' | 'ok';

/** Sold out, low (at most 10 seats or 10 % left), or fine. */
export function availability(s: Pick<ShowtimeSummary, 'seats_free' | 'seats_total'>): Availability {
  if (s.seats_free <= 0) return 'sold_out';
  if (s.seats_free <= 10 || s.seats_free * 10 <= s.seats_total) return 'low';
  return 'ok';
}

export function hasStarted(s: Pick<ShowtimeSummary, 'starts_at'>, nowMs: number): boolean {
  const ms = Date.parse(s.starts_at);
  return !Number.isNaN(ms) && ms <= nowMs;
}

export type SalesState = ShowtimeSummary['sales_state'];

export interface TileView {
  /** The engine's sales state: selling, almost_full, sold_out, closed or cancelled. */
  state: SalesState;
  /** Whether the tile opens the seat map for a sale. */
  sellable: boolean;
  /** Seats leased to this terminal (sellable offline); 0 hides the hint. */
  leased: number;
}

/** How a showtime tile looks and whether it opens: sold-out, closed and cancelled shows cannot be sold. */
export function tileView(s: Pick<ShowtimeSummary, 'sales_state' | 'seats_leased'>): TileView {
  const sellable = s.sales_state === 'selling' || s.sales_state === 'almost_full';
  return { state: s.sales_state, sellable, leased: sellable ? Math.max(0, s.seats_leased) : 0 };
}


// Business days for advance sales. Days are "YYYY-MM-DD" strings, as the
// engine's `showtimes` command takes them; arithmetic is on the calendar
// (UTC), so no time zone or daylight-saving change can skip or repeat a day.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `day` is a real calendar date written YYYY-MM-DD. */
export function isDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** `day` moved by `n` calendar days (n may be negative); `day` itself when it is not a date. */
export function addDays(day: string, n: number): string {
  const m = DAY.exec(day);
  if (!m || !isDay(day)) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return d.toISOString().slice(0, 10);
}

/** How many business days the board offers, today included. */
export const ADVANCE_DAYS = 7;

export interface DayChoice {
  day: string;
  /** Today and tomorrow are named; later days show their weekday and date. */
  kind: 'today' | 'tomorrow' | 'later';
}

/** The days the board can show: `today` (the site's business day) and the following ones. */
export function dayChoices(today: string, count = ADVANCE_DAYS): DayChoice[] {
  if (!isDay(today)) return [];
  return Array.from({ length: Math.max(0, count) }, (_, i) => ({
    day: addDays(today, i),
    kind: i === 0 ? 'today' : i === 1 ? 'tomorrow' : 'later',
  }));
}

/**
 * The day the board should show after the business day became `today`: the
 * chosen one while it is still on offer, otherwise today (yesterday's choice
 * after midnight, or nothing chosen). `null` stands for today, as the engine
 * takes it.
 */
export function keptDay(chosen: string | null, today: string, count = ADVANCE_DAYS): string | null {
  if (chosen === null || chosen === today) return null;
  return dayChoices(today, count).some((c) => c.day === chosen) ? chosen : null;
}

const RFC3339_DAY = /^(\d{4}-\d{2}-\d{2})T/;

/**
 * The calendar day (YYYY-MM-DD) a showtime starts on, on the site's clocks:
 * in `timeZone` when given and known, else the date written in `starts_at`
 * (RFC 3339 with the site's offset). `null` when `starts_at` is not a time.
 */
export function startDay(startsAt: string, timeZone?: string | null): string | null {
  const ms = Date.parse(startsAt);
  if (Number.isNaN(ms)) return null;
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        calendar: 'gregory',
        numberingSystem: 'latn',
      }).formatToParts(new Date(ms));
      const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
      const day = `${part('year')}-${part('month')}-${part('day')}`;
      if (isDay(day)) return day;
    } catch {
      // An unknown zone: the offset written in starts_at is the site's.
    }
  }
  const m = RFC3339_DAY.exec(startsAt);
  return m && isDay(m[1]!) ? m[1]! : null;
}

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 86_400_000;
}

export interface NextDayMark {
  /** Calendar days after the business day: 1 for a show after midnight. */
  days: number;
  /** The calendar day the show starts on (YYYY-MM-DD). */
  day: string;
}

/**
 * A show after midnight that still belongs to the previous business day (the
 * 00:30 show of Friday's business day starts on Saturday) is marked "+1" next
 * to its time; a show on its business day's own date has no mark (`null`).
 * The start is read on the site's clocks (see `startDay`).
 */
export function nextDayMark(
  s: Pick<ShowtimeSummary, 'starts_at' | 'business_day'>,
  timeZone?: string | null,
): NextDayMark | null {
  const day = startDay(s.starts_at, timeZone);
  if (day === null || !isDay(s.business_day)) return null;
  const days = Math.round(dayNumber(day) - dayNumber(s.business_day));
  return days > 0 ? { days, day } : null;
}
