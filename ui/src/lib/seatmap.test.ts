import { describe, expect, it } from 'vitest';
import {
  MIN_CELL,
  SeatMapModel,
  chooseCell,
  directionFromKey,
  initialFocus,
  isSellable,
  layoutSeats,
  metricsFor,
  neighbour,
  seatAriaLabel,
  seatCounts,
  seatMark,
  sameMap,
  sortSeats,
  unleasedSeats,
} from './seatmap';
import { bigHall, grandHall, mapOf, seat } from './testdata/maps';
import type { SeatView } from './types';

const m = metricsFor(30); // cell 30, gap 4, aisle 18, label 24

describe('metricsFor', () => {
  it('keeps spacing between seats and aisles narrower than seats', () => {
    const small = metricsFor(MIN_CELL);
    expect(small.cell).toBe(18);
    expect(small.gap).toBeGreaterThanOrEqual(3);
    expect(small.aisle).toBeLessThan(small.cell);
    expect(m).toEqual({ cell: 30, gap: 4, aisle: 18, label: 24 });
  });
});

describe('layoutSeats', () => {
  it('draws an empty column as an aisle, narrower than a seat', () => {
    // x = 0, 1, (aisle 2), 3
    const seats = [seat('A-1', 0, 0), seat('A-2', 1, 0), seat('A-3', 3, 0)];
    const l = layoutSeats(seats, m);
    expect(l.aisleColumns).toEqual([2]);
    const left = l.seats.map((p) => p.left);
    expect(left[1]! - left[0]!).toBe(34); // cell + gap
    expect(left[2]! - left[1]!).toBe(34 + 18); // seat + aisle
    expect(l.seatsLeft).toBe(left[0]);
  });

  it('keeps a full seat width for a hole inside one row, so columns align', () => {
    const seats = [seat('A-1', 0, 0), seat('A-3', 2, 0), seat('B-1', 0, 1), seat('B-2', 1, 1), seat('B-3', 2, 1)];
    const l = layoutSeats(seats, m);
    expect(l.aisleColumns).toEqual([]);
    const at = new Map(l.seats.map((p) => [p.seat.label, p]));
    expect(at.get('A-3')!.left).toBe(at.get('B-3')!.left);
  });

  it('draws an empty grid row as a cross aisle', () => {
    const seats = [seat('A-1', 0, 0), seat('B-1', 0, 2)];
    const l = layoutSeats(seats, m);
    expect(l.aisleRows).toEqual([1]);
    expect(l.seats[1]!.top).toBe(34 + 18);
  });

  it('ignores leading empty columns and rows', () => {
    const l = layoutSeats([seat('C-5', 5, 3)], m);
    expect(l.seats[0]).toMatchObject({ left: l.seatsLeft, top: 0 });
    expect(l.aisleColumns).toEqual([]);
    expect(l.height).toBe(30);
  });

  it('puts one row label per row, on both sides, level with the seats', () => {
    const l = layoutSeats(bigHall(), m);
    expect(l.rowLabels.map((r) => r.row).join('')).toBe('ABCDEFGHIJKLMNOP');
    for (const r of l.rowLabels) {
      const rowSeats = l.seats.filter((p) => p.seat.y === r.y);
      expect(rowSeats.length).toBe(28);
      for (const p of rowSeats) expect(p.top).toBe(r.top);
      const maxRight = Math.max(...rowSeats.map((p) => p.left + m.cell));
      const minLeft = Math.min(...rowSeats.map((p) => p.left));
      // Left label column ends before the first seat, right one starts after the last.
      expect(m.label).toBeLessThanOrEqual(minLeft);
      expect(l.rightLabelLeft).toBeGreaterThan(maxRight);
      expect(l.rightLabelLeft + m.label).toBeLessThanOrEqual(l.width);
    }
  });

  it('names a row by its most common row letter', () => {
    const l = layoutSeats([seat('A-1', 0, 0), seat('A-2', 1, 0), seat('X-9', 2, 0)], m);
    expect(l.rowLabels).toEqual([{ row: 'A', y: 0, top: 0 }]);
  });

  it('finds the aisles of a big hall and no overlapping seats', () => {
    const l = layoutSeats(bigHall(), metricsFor(28));
    expect(l.aisleColumns).toEqual([4, 25]);
    expect(l.aisleRows).toEqual([8]);
    const spots = new Set(l.seats.map((p) => `${p.left},${p.top}`));
    expect(spots.size).toBe(16 * 28);
  });

  it('handles an empty map', () => {
    const l = layoutSeats([], m);
    expect(l.seats).toEqual([]);
    expect(l.rowLabels).toEqual([]);
  });
});

describe('chooseCell', () => {
  it('uses the minimum seat size (and scrolls) when the hall is too wide', () => {
    expect(chooseCell(bigHall(), 400)).toBe(MIN_CELL);
  });
  it('grows seats when there is room, within the limits', () => {
    const seats = bigHall();
    const cell = chooseCell(seats, 1600);
    expect(cell).toBeGreaterThan(MIN_CELL);
    expect(layoutSeats(seats, metricsFor(cell)).width).toBeLessThanOrEqual(1600);
    expect(chooseCell([seat('A-1', 0, 0)], 5000)).toBe(44);
  });
  it('fits the 448-seat IMAX hall in the centre column of a 1280x800 window without scrolling', () => {
    // The centre column is about 700 px wide; the map gets that minus 24 px of padding.
    const hall = bigHall(16);
    const cell = chooseCell(hall, 672);
    const l = layoutSeats(hall, metricsFor(cell));
    expect(l.seats.length).toBe(448);
    expect(l.width).toBeLessThanOrEqual(672);
    expect(l.height).toBeLessThan(520);
  });
});

describe('the largest layout', () => {
  it('fits the 644-seat Grand hall in the centre column of a 1280x800 window without scrolling', () => {
    const hall = grandHall();
    expect(hall.length).toBeGreaterThanOrEqual(600);
    const cell = chooseCell(hall, 672);
    const l = layoutSeats(hall, metricsFor(cell));
    expect(l.seats.length).toBe(644);
    expect(l.width).toBeLessThanOrEqual(672);
    expect(l.height).toBeLessThan(520);
    expect(l.aisleColumns).toEqual([6, 23]);
  });
});

describe('SeatMapModel', () => {
  const states = (i: number) => (i % 5 < 2 ? 'sold' : i % 10 === 2 ? 'held' : 'free');

  it('builds what the map draws', () => {
    const hall = grandHall(states);
    const v = new SeatMapModel().build(hall, 672, new Set(['A-5']), 'en');
    expect(v.cells).toHaveLength(644);
    expect(v.counts.total).toBe(644);
    expect(v.counts.free).toBe(hall.filter((s) => s.state === 'free').length);
    expect(v.kinds.sort()).toEqual(['companion', 'wheelchair']);
    expect(v.areas.sort()).toEqual(['premium', 'standard']);
    const a5 = v.cells.find((c) => c.seat.label === 'A-5')!;
    expect(a5.selected).toBe(true);
    expect(a5.mark).toBe('✓');
    const placed = layoutSeats(hall, v.layout.metrics).seats.find((p) => p.seat.label === 'A-5')!;
    expect([a5.left, a5.top]).toEqual([placed.left, placed.top]);
    expect(v.cells.find((c) => c.seat.label === 'A-1')!.unavailable).toBe(true);
  });

  it('keeps every unchanged cell when a poll brings the same seats, and renews only what changed', () => {
    const model = new SeatMapModel();
    const first = model.build(grandHall(states), 672, new Set(), 'en');
    // A fresh poll: new objects, same states.
    const same = model.build(grandHall(states), 672, new Set(), 'en');
    expect(same.layout).toBe(first.layout);
    expect(same.cells.every((c, i) => c === first.cells[i])).toBe(true);
    // Seat 3 sold elsewhere and seat 4 picked: two cells change, 642 stay.
    const next = model.build(grandHall((i) => (i === 3 ? 'sold' : states(i))), 672, new Set(['A-5']), 'en');
    const renewed = next.cells.filter((c, i) => c !== first.cells[i]).map((c) => c.seat.label);
    expect(renewed).toEqual(['A-4', 'A-5']);
    expect(next.cells[3]!.seat.state).toBe('sold');
  });

  it('relabels every seat on a language switch and lays out again on a new width', () => {
    const model = new SeatMapModel();
    const hall = grandHall();
    const en = model.build(hall, 672, new Set(), 'en');
    const ar = model.build(hall, 672, new Set(), 'ar');
    expect(ar.cells.some((c, i) => c === en.cells[i])).toBe(false);
    const wide = model.build(hall, 1600, new Set(), 'ar');
    expect(wide.layout.metrics.cell).toBeGreaterThan(ar.layout.metrics.cell);
  });
});

describe('keyboard navigation', () => {
  const hall = bigHall();
  const by = (label: string) => hall.find((s) => s.label === label)!;

  it('maps arrow keys', () => {
    expect(directionFromKey('ArrowLeft')).toBe('left');
    expect(directionFromKey('ArrowDown')).toBe('down');
    expect(directionFromKey('a')).toBeNull();
  });
  it('moves along a row and jumps over the aisle', () => {
    expect(neighbour(hall, by('A-4'), 'right')?.label).toBe('A-5');
    expect(neighbour(hall, by('A-5'), 'left')?.label).toBe('A-4');
  });
  it('stops at the ends of a row', () => {
    expect(neighbour(hall, by('A-1'), 'left')).toBeNull();
    expect(neighbour(hall, by('A-28'), 'right')).toBeNull();
  });
  it('moves between rows: up is towards the screen, across the cross aisle', () => {
    expect(neighbour(hall, by('B-7'), 'up')?.label).toBe('A-7');
    expect(neighbour(hall, by('A-7'), 'up')).toBeNull();
    expect(neighbour(hall, by('H-7'), 'down')?.label).toBe('I-7');
    expect(neighbour(hall, by('I-7'), 'up')?.label).toBe('H-7');
  });
  it('picks the closest column in a shorter row', () => {
    const seats = [seat('A-1', 0, 0), seat('A-2', 1, 0), seat('B-1', 5, 1), seat('B-2', 9, 1)];
    expect(neighbour(seats, seats[1]!, 'down')?.label).toBe('B-1');
  });
  it('sorts seats from the screen back, left to right', () => {
    const seats = [seat('B-1', 0, 1), seat('A-2', 1, 0), seat('A-1', 0, 0)];
    expect(sortSeats(seats).map((s) => s.label)).toEqual(['A-1', 'A-2', 'B-1']);
  });
  it('starts on a selected seat, else the first free seat', () => {
    const seats = [seat('A-1', 0, 0, { state: 'sold' }), seat('A-2', 1, 0), seat('A-3', 2, 0)];
    expect(initialFocus(seats, [])?.label).toBe('A-2');
    expect(initialFocus(seats, ['A-3'])?.label).toBe('A-3');
    expect(initialFocus([], [])).toBeNull();
  });
});

describe('seat marks and labels', () => {
  it('marks every state with a shape, not only a colour', () => {
    expect(seatMark(seat('A-12', 0, 0), false)).toBe('12');
    expect(seatMark(seat('A-12', 0, 0), true)).toBe('✓');
    expect(seatMark(seat('A-12', 0, 0, { state: 'sold' }), false)).toBe('×');
    expect(seatMark(seat('A-1', 0, 0, { kind: 'wheelchair' }), false)).toBe('♿');
    expect(seatMark(seat('A-1', 0, 0, { kind: 'companion' }), false)).toBe('C');
    expect(seatMark(seat('A-1', 0, 0, { kind: 'wheelchair', state: 'sold' }), false)).toBe('×');
  });
  it('says what a seat is', () => {
    expect(seatAriaLabel(seat('F-12', 0, 0), false)).toBe('Seat F-12, free');
    expect(seatAriaLabel(seat('F-12', 0, 0), true)).toBe('Seat F-12, free, selected');
    expect(seatAriaLabel(seat('F-12', 0, 0, { state: 'leased' }), false)).toBe(
      'Seat F-12, leased to this terminal, sellable offline',
    );
    expect(seatAriaLabel(seat('A-1', 0, 0, { kind: 'wheelchair', area: 'vip', state: 'sold' }), false)).toBe(
      'Seat A-1, sold, wheelchair space, VIP',
    );
  });
  it('counts sellable seats: free and leased to this terminal', () => {
    expect(seatCounts([seat('A-1', 0, 0), seat('A-2', 1, 0, { state: 'held' })])).toEqual({ free: 1, total: 2, leased: 0 });
    expect(
      seatCounts([seat('A-1', 0, 0, { state: 'leased' }), seat('A-2', 1, 0), seat('A-3', 2, 0, { state: 'sold' })]),
    ).toEqual({ free: 2, total: 3, leased: 1 });
  });
  it('numbers a leased seat like a free one (it can be sold)', () => {
    expect(seatMark(seat('A-7', 0, 0, { state: 'leased' }), false)).toBe('7');
    expect(seatMark(seat('A-7', 0, 0, { state: 'held' }), false)).toBe('');
  });
});

describe('leased seats and live maps', () => {
  it('sells free and leased seats only', () => {
    expect(['free', 'leased', 'held', 'sold', 'blocked'].map((s) => isSellable(s as SeatView['state']))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
  it('puts the tab stop on a leased seat when nothing else is sellable', () => {
    const seats = [seat('A-1', 0, 0, { state: 'sold' }), seat('A-2', 1, 0, { state: 'leased' })];
    expect(initialFocus(seats, [])?.label).toBe('A-2');
  });
  it('sees when a poll changed nothing', () => {
    const a = mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0)]);
    expect(sameMap(a, mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0)]))).toBe(true);
    expect(sameMap(a, mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0, { state: 'sold' })]))).toBe(false);
    expect(sameMap(a, mapOf([seat('A-1', 0, 0)]))).toBe(false);
    expect(sameMap(a, mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0)], { showtime_id: 'st-2' }))).toBe(false);
    const cheaper = mapOf([seat('A-1', 0, 0), seat('A-2', 1, 0)]);
    cheaper.ticket_types = cheaper.ticket_types.map((tt) => ({ ...tt, price_minor: tt.price_minor - 1 }));
    expect(sameMap(a, cheaper)).toBe(false);
    expect(sameMap(null, null)).toBe(true);
    expect(sameMap(a, null)).toBe(false);
  });
  it('lists the seats an offline sale needs an override for', () => {
    const m = mapOf([seat('A-1', 0, 0, { state: 'leased' }), seat('A-2', 1, 0), seat('A-3', 2, 0, { state: 'leased' })]);
    expect(unleasedSeats(m, ['A-1', 'A-2', 'A-3'])).toEqual(['A-2']);
    expect(unleasedSeats(m, ['A-1', 'A-3'])).toEqual([]);
  });
});
