import { describe, expect, it } from 'vitest';
import { formatDayButton } from './format';
import {
  ADVANCE_DAYS,
  addDays,
  availability,
  dayChoices,
  groupByFilm,
  hasStarted,
  isDay,
  keptDay,
  nextDayMark,
  startDay,
  tileView,
} from './showtimes';
import type { ShowtimeSummary } from './types';

function show(id: string, film: string, time: string, extra: Partial<ShowtimeSummary> = {}): ShowtimeSummary {
  return {
    id,
    film_id: film.toLowerCase().replace(/ /g, '-'),
    film_title_en: film,
    film_title_ar: '',
    rating: 'PG',
    id_check: false,
    screen: '1',
    format: '2D',
    starts_at: `2025-11-26T${time}:00+04:00`,
    local_time: time,
    business_day: '2025-11-26',
    seats_free: 100,
    seats_total: 200,
    runtime_min: 120,
    seats_leased: 0,
    sales_state: 'selling',
    ...extra,
  };
}

describe('groupByFilm', () => {
  it('groups by film, films by first showtime, showtimes by start', () => {
    const groups = groupByFilm([
      show('3', 'Dune', '21:00'),
      show('1', 'Arrival', '18:00'),
      show('2', 'Dune', '16:30'),
      show('4', 'Arrival', '12:00', { starts_at: '2025-11-26T12:00:00+04:00' }),
    ]);
    expect(groups.map((g) => g.film_title_en)).toEqual(['Arrival', 'Dune']);
    expect(groups[0]!.showtimes.map((s) => s.id)).toEqual(['4', '1']);
    expect(groups[1]!.showtimes.map((s) => s.id)).toEqual(['2', '3']);
  });
  it('orders by instant, not by local text (after midnight shows)', () => {
    const late = show('late', 'Night', '00:30', { starts_at: '2025-11-27T00:30:00+04:00' });
    const early = show('early', 'Night', '22:00');
    expect(groupByFilm([late, early])[0]!.showtimes.map((s) => s.id)).toEqual(['early', 'late']);
  });
  it('is empty for no showtimes', () => {
    expect(groupByFilm([])).toEqual([]);
  });
});

describe('availability', () => {
  it.each([
    [0, 200, 'sold_out'],
    [5, 200, 'low'],
    [20, 200, 'low'],
    [21, 200, 'ok'],
    [10, 12, 'low'],
    [150, 200, 'ok'],
  ] as const)('%i of %i -> %s', (seats_free, seats_total, expected) => {
    expect(availability({ seats_free, seats_total })).toBe(expected);
  });
});

describe('hasStarted', () => {
  it('compares instants', () => {
    const s = show('1', 'X', '19:30');
    expect(hasStarted(s, Date.parse('2025-11-26T15:29:00Z'))).toBe(false);
    expect(hasStarted(s, Date.parse('2025-11-26T15:30:00Z'))).toBe(true);
    expect(hasStarted({ starts_at: 'nonsense' }, Date.now())).toBe(false);
  });
});

describe('tileView', () => {
  it('opens selling and almost full shows only', () => {
    expect(tileView({ sales_state: 'selling', seats_leased: 0 })).toEqual({ state: 'selling', sellable: true, leased: 0 });
    expect(tileView({ sales_state: 'almost_full', seats_leased: 12 })).toEqual({
      state: 'almost_full',
      sellable: true,
      leased: 12,
    });
    expect(tileView({ sales_state: 'sold_out', seats_leased: 4 })).toEqual({ state: 'sold_out', sellable: false, leased: 0 });
    expect(tileView({ sales_state: 'closed', seats_leased: 4 })).toEqual({ state: 'closed', sellable: false, leased: 0 });
    expect(tileView({ sales_state: 'cancelled', seats_leased: 4 })).toEqual({ state: 'cancelled', sellable: false, leased: 0 });
  });
});


describe('business days for advance sales', () => {
  it('checks the YYYY-MM-DD form and the calendar', () => {
    expect(isDay('2026-11-26')).toBe(true);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('26-11-2026')).toBe(false);
    expect(isDay('')).toBe(false);
  });

  it('adds days across month, year and leap-day ends', () => {
    expect(addDays('2026-11-26', 1)).toBe('2026-11-27');
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('not a day', 1)).toBe('not a day');
  });

  it('offers today, tomorrow and the five days after', () => {
    const c = dayChoices('2026-12-29');
    expect(c).toHaveLength(ADVANCE_DAYS);
    expect(c.map((d) => d.day)).toEqual([
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
    ]);
    expect(c.map((d) => d.kind)).toEqual(['today', 'tomorrow', 'later', 'later', 'later', 'later', 'later']);
    expect(dayChoices('')).toEqual([]);
  });

  it('keeps an advance day across midnight while it is still ahead, else goes back to today', () => {
    expect(keptDay(null, '2026-11-27')).toBeNull();
    // Tomorrow was chosen; after the roll-over it is today.
    expect(keptDay('2026-11-27', '2026-11-27')).toBeNull();
    expect(keptDay('2026-11-30', '2026-11-27')).toBe('2026-11-30');
    // A day that went by, or one beyond the offered week.
    expect(keptDay('2026-11-26', '2026-11-27')).toBeNull();
    expect(keptDay('2026-12-25', '2026-11-27')).toBeNull();
  });

  it('labels day buttons in both languages with Latin digits', () => {
    expect(formatDayButton('2026-11-27', 'en')).toEqual({ weekday: 'Fri', date: '27 Nov' });
    const ar = formatDayButton('2026-11-27', 'ar');
    expect(ar.date).toMatch(/^27 /);
    expect(ar.weekday).toMatch(/[\u0600-\u06ff]/);
    expect(formatDayButton('bad', 'en')).toEqual({ weekday: '', date: 'bad' });
  });
});

describe('nextDayMark', () => {
  // Friday 4 Dec 2026's business day in Dubai runs until the 06:00 cut-off on Saturday.
  const friday = { business_day: '2026-12-04' };

  it('marks no show on its business day’s own date', () => {
    expect(nextDayMark({ ...friday, starts_at: '2026-12-04T22:15:00+04:00' }, 'Asia/Dubai')).toBeNull();
    expect(nextDayMark({ ...friday, starts_at: '2026-12-04T22:15:00+04:00' })).toBeNull();
    expect(nextDayMark({ ...friday, starts_at: '2026-12-04T23:59:00+04:00' }, 'Asia/Dubai')).toBeNull();
  });

  it('marks a show after midnight of the same business day as the next day', () => {
    const late = { ...friday, starts_at: '2026-12-05T00:30:00+04:00' };
    expect(nextDayMark(late, 'Asia/Dubai')).toEqual({ days: 1, day: '2026-12-05' });
    // Without a zone, the site's offset written in starts_at decides.
    expect(nextDayMark(late)).toEqual({ days: 1, day: '2026-12-05' });
    expect(formatDayButton(nextDayMark(late)!.day, 'en')).toEqual({ weekday: 'Sat', date: '5 Dec' });
  });

  it('reads the start on the site’s clocks, not in UTC', () => {
    // 00:30 in Dubai is 20:30 UTC on the day before.
    const utc = { ...friday, starts_at: '2026-12-04T20:30:00Z' };
    expect(nextDayMark(utc, 'Asia/Dubai')).toEqual({ days: 1, day: '2026-12-05' });
    expect(nextDayMark(utc, 'UTC')).toBeNull();
    // An unknown zone falls back on the written date.
    expect(startDay('2026-12-05T00:30:00+04:00', 'Not/A_Zone')).toBe('2026-12-05');
  });

  it('marks across a month and a year end', () => {
    expect(nextDayMark({ business_day: '2026-12-31', starts_at: '2027-01-01T01:00:00+04:00' }, 'Asia/Dubai')).toEqual({
      days: 1,
      day: '2027-01-01',
    });
  });

  it('has no mark for data it cannot read', () => {
    expect(nextDayMark({ business_day: '2026-12-04', starts_at: 'soon' })).toBeNull();
    expect(nextDayMark({ business_day: '', starts_at: '2026-12-05T00:30:00+04:00' })).toBeNull();
    expect(startDay('nonsense')).toBeNull();
  });
});
