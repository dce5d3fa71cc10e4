import { describe, expect, it } from 'vitest';
import type { DayReport } from './bindings/DayReport';
import { filmBars, hourBars, notAtCentral, occupancyBars, tenderBars } from './dayReport';

function report(): DayReport {
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, orders: 0, tickets: 0, amount_minor: 0 }));
  hours[14] = { hour: 14, orders: 2, tickets: 3, amount_minor: 12_345 };
  hours[17] = { hour: 17, orders: 1, tickets: 1, amount_minor: 5_500 };
  return {
    kind: 'x',
    number: null,
    site_id: 'bah-seef',
    site_name: 'Seef Mall Bahrain',
    chain_name: 'Boxoffice Cinemas',
    currency: 'BHD',
    decimals: 3,
    time_zone: 'Asia/Bahrain',
    business_day: '2026-12-03',
    day_starts_at: '2026-12-03T03:00:00Z',
    day_ends_at: '2026-12-04T03:00:00Z',
    terminals: ['bah-seef-t1'],
    generated_at: '2026-12-03T20:00:00Z',
    by: 'Layla',
    totals: {
      orders: 3,
      tickets: 4,
      sales_minor: 17_845,
      sales_vat_minor: 1_622,
      refunded_tickets: 0,
      refunds_minor: 0,
      refunds_vat_minor: 0,
      net_minor: 17_845,
      net_vat_minor: 1_622,
    },
    by_film: [
      { key: 'a', label: 'Desert Falcon', label_ar: 'صقر الصحراء', orders: 2, tickets: 3, amount_minor: 12_345 },
      { key: 'b', label: 'The Last Caravan', label_ar: 'القافلة الأخيرة', orders: 1, tickets: 1, amount_minor: 5_500 },
    ],
    by_showtime: [
      {
        showtime_id: 's1',
        film: 'Desert Falcon',
        film_ar: 'صقر الصحراء',
        screen: 'Screen 1',
        starts_at: '2026-12-03T15:00:00Z',
        tickets: 3,
        amount_minor: 12_345,
        capacity: 200,
        taken: 150,
      },
    ],
    by_ticket_type: [],
    by_payment: [
      { method: 'card', taken_minor: 5_500, refunded_minor: 0, net_minor: 5_500 },
      { method: 'cash', taken_minor: 12_345, refunded_minor: 0, net_minor: 12_345 },
    ],
    by_cashier: [],
    by_hour: hours,
    vat: [],
    discounts: [],
    overrides: [],
    refunds: [],
    voids: [],
    shifts: [],
    offline: { lease_orders: 0, override_orders: 0, tickets: 0, amount_minor: 0 },
    open_conflicts: [],
    unsynced: [],
  };
}

describe('day report charts', () => {
  it('draws the hours from the first sale to the last, empty hours included', () => {
    const bars = hourBars(report());
    expect(bars.map((b) => b.label)).toEqual(['14', '15', '16', '17']);
    expect(bars[0]).toMatchObject({ text: '12.345', share: 1 });
    expect(bars[1]?.share).toBe(0);
    expect(bars[3]?.share).toBeCloseTo(5_500 / 12_345);
  });

  it('has no hour bars on a day without sales', () => {
    const r = report();
    r.by_hour = r.by_hour.map((h) => ({ ...h, orders: 0, amount_minor: 0 }));
    expect(hourBars(r)).toEqual([]);
  });

  it('names films in the counter language', () => {
    expect(filmBars(report(), true).map((b) => b.label)).toEqual(['صقر الصحراء', 'القافلة الأخيرة']);
    expect(filmBars(report(), false)[1]).toMatchObject({ label: 'The Last Caravan', text: '5.500' });
  });

  it('orders tenders by what they kept', () => {
    expect(tenderBars(report()).map((b) => [b.label, b.text, b.share])).toEqual([
      ['cash', '12.345', 1],
      ['card', '5.500', 5_500 / 12_345],
    ]);
  });

  it('shows occupancy as a share of the sellable seats', () => {
    expect(occupancyBars(report(), false)[0]).toMatchObject({ value: 75, text: '75 % (150/200)', share: 0.75 });
  });

  it('sums what is not at central yet', () => {
    const r = report();
    expect(notAtCentral(r)).toBeNull();
    r.unsynced = [
      { terminal_id: 't1', entries: 2, amount_minor: 4_500, oldest_at: null, last_heard_at: null },
      { terminal_id: 't2', entries: 1, amount_minor: 500, oldest_at: null, last_heard_at: null },
    ];
    expect(notAtCentral(r)).toEqual({ entries: 3, amount: '5.000', terminals: ['t1', 't2'] });
  });
});
