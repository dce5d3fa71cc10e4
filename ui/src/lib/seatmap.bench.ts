// Benchmarks of the seat map's view model on the demo's largest layout (644
// seats, `grandHall`), as the counter builds it in a 1280x800 window (about
// 672 px for the drawing). Run with `npm run bench` (vitest bench); the
// numbers are in docs/PERFORMANCE.md. No timing is asserted anywhere.

import { bench, describe } from 'vitest';
import { SeatMapModel, chooseCell, layoutSeats, metricsFor, seatAriaLabel, seatCounts, seatMark } from './seatmap';
import { grandHall } from './testdata/maps';
import type { SeatView } from './types';

const WIDTH = 672;
/** About 40 % sold, 10 % held, a few leased to this counter: a busy evening show. */
const busy = (i: number): SeatView['state'] => (i % 5 < 2 ? 'sold' : i % 10 === 2 ? 'held' : i % 25 === 3 ? 'leased' : 'free');
const hall = grandHall(busy);
const none = new Set<string>();
const order = new Set(['M-13', 'M-14', 'M-15', 'M-16']);

describe('seat map view model, 644 seats', () => {
  bench('geometry alone: chooseCell + layoutSeats', () => {
    layoutSeats(hall, metricsFor(chooseCell(hall, WIDTH)));
  });

  bench('every seat rebuilt (what each changed poll cost before SeatMapModel)', () => {
    const l = layoutSeats(hall, metricsFor(chooseCell(hall, WIDTH)));
    seatCounts(hall);
    for (const p of l.seats) {
      const sel = order.has(p.seat.label);
      seatAriaLabel(p.seat, sel);
      seatAriaLabel(p.seat, sel);
      seatMark(p.seat, sel);
    }
  });

  bench('first draw: SeatMapModel.build from nothing', () => {
    new SeatMapModel().build(hall, WIDTH, order, 'en');
  });

  const steady = new SeatMapModel();
  steady.build(hall, WIDTH, order, 'en');
  bench('live poll, nothing changed (fresh objects, same states)', () => {
    steady.build(grandHall(busy), WIDTH, order, 'en');
  });

  const moving = new SeatMapModel();
  moving.build(hall, WIDTH, none, 'en');
  let k = 0;
  bench('live poll, one seat sold elsewhere and one picked', () => {
    k = (k + 1) % 600;
    moving.build(grandHall((i) => (i === k ? 'sold' : busy(i))), WIDTH, new Set([hall[(k + 7) % 644]!.label]), 'en');
  });

  bench('fresh poll data alone (grandHall, for subtraction)', () => {
    grandHall(busy);
  });
});
