// Seat data for unit tests of pure helpers (plain values, no backend).

import type { SeatMap, SeatView } from '../types';

export function seat(label: string, x: number, y: number, extra: Partial<SeatView> = {}): SeatView {
  const [row = '', num = '0'] = label.split('-');
  return { label, row, number: Number(num), x, y, area: 'standard', kind: 'standard', state: 'free', ...extra };
}

/**
 * A large auditorium: `rows` rows of 28 seats in blocks of 4 | 20 | 4 with an
 * aisle column between blocks (x = 4 and x = 25), and a cross aisle (empty
 * grid row) after the 8th row.
 */
export function bigHall(rows = 16): SeatView[] {
  const out: SeatView[] = [];
  for (let r = 0; r < rows; r++) {
    const row = String.fromCharCode(65 + r);
    const y = r < 8 ? r : r + 1;
    for (let n = 1; n <= 28; n++) {
      const x = n <= 4 ? n - 1 : n <= 24 ? n : n + 1;
      out.push(seat(`${row}-${n}`, x, y));
    }
  }
  return out;
}

/**
 * The demo's largest screen ("Screen 4 Grand", central's `grand_layout`):
 * 23 rows of 28 seats (644) in blocks of 6 | 16 | 6 with an aisle column
 * after seats 6 and 22, rows A..Y without I and O. `state(i)` sets the state
 * of the i-th seat in reading order.
 */
export function grandHall(state: (i: number) => SeatView['state'] = () => 'free'): SeatView[] {
  const rows = 'ABCDEFGHJKLMNPQRSTUVWXY';
  const out: SeatView[] = [];
  for (let y = 0; y < rows.length; y++) {
    const row = rows[y]!;
    for (let n = 1; n <= 28; n++) {
      const x = n <= 6 ? n - 1 : n <= 22 ? n : n + 1;
      const kind = y === 0 && [1, 2, 27, 28].includes(n) ? 'wheelchair' : y === 0 && (n === 3 || n === 26) ? 'companion' : 'standard';
      const area = y >= 11 && y < 16 ? 'premium' : 'standard';
      out.push(seat(`${row}-${n}`, x, y, { kind, area, state: state(out.length) }));
    }
  }
  return out;
}

export function mapOf(seats: SeatView[], over: Partial<SeatMap> = {}): SeatMap {
  return {
    version: 0,
    showtime_id: 'st-1',
    screen: '1',
    film_title_en: 'Film',
    film_title_ar: 'فيلم',
    rating: 'PG13',
    id_check: false,
    local_time: '19:30',
    width: Math.max(0, ...seats.map((s) => s.x)) + 1,
    height: Math.max(0, ...seats.map((s) => s.y)) + 1,
    seats,
    ticket_types: [
      { code: 'child', name_en: 'Child', name_ar: 'طفل', price_minor: 3000, base_minor: 3000, adjustments: [], area_prices: [] },
      { code: 'adult', name_en: 'Adult', name_ar: 'بالغ', price_minor: 4500, base_minor: 4500, adjustments: [], area_prices: [] },
    ],
    currency: { code: 'AED', exponent: 2 },
    ...over,
  };
}
