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
  /** The engine's sales state: selling, almost_full, sold_out or closed. */
  state: SalesState;
  /** Whether the tile opens the seat map for a sale. */
  sellable: boolean;
  /** Seats leased to this terminal (sellable offline); 0 hides the hint. */
  leased: number;
}

/** How a showtime tile looks and whether it opens: sold-out and closed shows cannot be sold. */
export function tileView(s: Pick<ShowtimeSummary, 'sales_state' | 'seats_leased'>): TileView {
  const sellable = s.sales_state === 'selling' || s.sales_state === 'almost_full';
  return { state: s.sales_state, sellable, leased: sellable ? Math.max(0, s.seats_leased) : 0 };
}

