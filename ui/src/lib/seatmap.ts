// Seat map geometry and navigation, independent of the DOM.
//
// Seats come with grid positions (x, y). The screen is at the top (y = 0 side).
// A column (x) or row (y) without any seat is an aisle and is drawn narrower
// than a seat; a hole inside one row (x skips there but not in other rows)
// keeps a full seat width so that columns stay aligned.

import { t } from './i18n';
import type { SeatMap, SeatView } from './types';

export interface Metrics {
  /** Seat button size, px. */
  cell: number;
  /** Space between neighbouring seats, px. */
  gap: number;
  /** Width of an empty column / height of an empty row, px. */
  aisle: number;
  /** Width reserved for a row label on each side, px. */
  label: number;
}

export interface PlacedSeat {
  seat: SeatView;
  left: number;
  top: number;
}

export interface RowLabel {
  row: string;
  y: number;
  top: number;
}

export interface SeatLayout {
  metrics: Metrics;
  /** Drawing size, labels included, px. */
  width: number;
  height: number;
  /** Left edge and width of the seat block (for the screen bar), px. */
  seatsLeft: number;
  seatsWidth: number;
  /** Left edge of the right-hand row labels, px. */
  rightLabelLeft: number;
  seats: PlacedSeat[];
  rowLabels: RowLabel[];
  /** Grid columns / rows inside the seat block that hold no seat. */
  aisleColumns: number[];
  aisleRows: number[];
}

export const MIN_CELL = 18;
export const MAX_CELL = 44;

export function metricsFor(cell: number): Metrics {
  return {
    cell,
    gap: Math.max(3, Math.round(cell * 0.14)),
    aisle: Math.round(cell * 0.6),
    label: Math.max(20, Math.round(cell * 0.8)),
  };
}

/** Offsets of each index in [min, max]: occupied indices take `full`, empty ones `empty`. */
function offsets(occupied: Set<number>, min: number, max: number, full: number, empty: number) {
  const at = new Map<number, number>();
  const gaps: number[] = [];
  let acc = 0;
  for (let i = min; i <= max; i++) {
    at.set(i, acc);
    if (occupied.has(i)) acc += full;
    else {
      acc += empty;
      gaps.push(i);
    }
  }
  return { at, size: acc, gaps };
}

/** The row letter shown for grid row y: the most frequent `row` among its seats. */
function rowNameAt(seats: SeatView[]): string {
  const counts = new Map<string, number>();
  for (const s of seats) counts.set(s.row, (counts.get(s.row) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [row, c] of counts) {
    if (c > bestCount) {
      best = row;
      bestCount = c;
    }
  }
  return best;
}

const MARGIN = 8;

export function layoutSeats(seats: SeatView[], metrics: Metrics): SeatLayout {
  const { cell, gap, aisle, label } = metrics;
  if (seats.length === 0) {
    return {
      metrics,
      width: 2 * label + 2 * MARGIN,
      height: 0,
      seatsLeft: label + MARGIN,
      seatsWidth: 0,
      rightLabelLeft: label + 2 * MARGIN,
      seats: [],
      rowLabels: [],
      aisleColumns: [],
      aisleRows: [],
    };
  }
  const xs = new Set(seats.map((s) => s.x));
  const ys = new Set(seats.map((s) => s.y));
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  const cols = offsets(xs, minX, maxX, cell + gap, aisle);
  const rows = offsets(ys, minY, maxY, cell + gap, aisle);
  const seatsLeft = label + MARGIN;
  // The last seat has no gap after it.
  const seatsWidth = cols.size - gap;
  const seatsHeight = rows.size - gap;

  const placed: PlacedSeat[] = seats.map((seat) => ({
    seat,
    left: seatsLeft + (cols.at.get(seat.x) ?? 0),
    top: rows.at.get(seat.y) ?? 0,
  }));

  const byY = new Map<number, SeatView[]>();
  for (const s of seats) {
    const list = byY.get(s.y);
    if (list) list.push(s);
    else byY.set(s.y, [s]);
  }
  const rowLabels: RowLabel[] = [...byY.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([y, list]) => ({ row: rowNameAt(list), y, top: rows.at.get(y) ?? 0 }));

  return {
    metrics,
    width: seatsLeft + seatsWidth + MARGIN + label,
    height: seatsHeight,
    seatsLeft,
    seatsWidth,
    rightLabelLeft: seatsLeft + seatsWidth + MARGIN,
    seats: placed,
    rowLabels,
    aisleColumns: cols.gaps,
    aisleRows: rows.gaps,
  };
}

/** The largest seat size in [MIN_CELL, MAX_CELL] whose drawing fits `available` px (MIN_CELL if none fits). */
export function chooseCell(seats: SeatView[], available: number): number {
  for (let cell = MAX_CELL; cell > MIN_CELL; cell -= 2) {
    if (layoutSeats(seats, metricsFor(cell)).width <= available) return cell;
  }
  return MIN_CELL;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

export function directionFromKey(key: string): Direction | null {
  switch (key) {
    case 'ArrowLeft':
      return 'left';
    case 'ArrowRight':
      return 'right';
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    default:
      return null;
  }
}

/**
 * The seat reached from `from` by one arrow press: left/right stay in the
 * grid row (jumping over aisles), up/down go to the nearest row in that
 * direction (up = towards the screen) and the closest column there.
 */
export function neighbour(seats: SeatView[], from: SeatView, dir: Direction): SeatView | null {
  let best: SeatView | null = null;
  let bestScore = Infinity;
  for (const s of seats) {
    if (s === from || s.label === from.label) continue;
    const dx = s.x - from.x;
    const dy = s.y - from.y;
    let score: number;
    if (dir === 'left' || dir === 'right') {
      if (dy !== 0) continue;
      if (dir === 'left' ? dx >= 0 : dx <= 0) continue;
      score = Math.abs(dx);
    } else {
      if (dir === 'up' ? dy >= 0 : dy <= 0) continue;
      // Nearest row first, then nearest column; ties go to the left.
      score = Math.abs(dy) * 100000 + Math.abs(dx) * 2 + (dx > 0 ? 1 : 0);
    }
    if (score < bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return best;
}

/** Seats in reading order: nearest the screen first, then left to right. */
export function sortSeats<T extends Pick<SeatView, 'x' | 'y'>>(seats: readonly T[]): T[] {
  return [...seats].sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * Whether this terminal may sell the seat: free, or leased to this terminal
 * (set aside for it by central; the only seats it can sell while offline).
 */
export function isSellable(state: SeatView['state']): boolean {
  return state === 'free' || state === 'leased';
}

/** Which seat holds the map's single tab stop. */
export function initialFocus(seats: SeatView[], selected: readonly string[]): SeatView | null {
  const ordered = sortSeats(seats);
  return (
    ordered.find((s) => selected.includes(s.label)) ??
    ordered.find((s) => isSellable(s.state)) ??
    ordered[0] ??
    null
  );
}

/** The short mark drawn inside a seat; state marks win over kind marks. */
export function seatMark(seat: SeatView, selected: boolean): string {
  if (selected) return '✓';
  switch (seat.state) {
    case 'sold':
      return '×';
    case 'blocked':
    case 'held':
      return '';
    case 'free':
    case 'leased':
      break;
  }
  if (seat.kind === 'wheelchair') return '♿';
  if (seat.kind === 'companion') return 'C';
  return String(seat.number);
}

export function seatAriaLabel(seat: SeatView, selected: boolean): string {
  const parts = [t('seat.aria', { label: seat.label, state: t(`seat.state.${seat.state}`) })];
  if (selected) parts.push(t('seat.selected'));
  if (seat.kind === 'wheelchair') parts.push(t('seat.kind.wheelchair'));
  if (seat.kind === 'companion') parts.push(t('seat.kind.companion'));
  if (seat.area !== 'standard') parts.push(t(`seat.area.${seat.area}`));
  return parts.join(', ');
}

/** Seats this terminal can sell (free or leased to it), of how many, and how many of them are leased. */
export function seatCounts(seats: SeatView[]): { free: number; total: number; leased: number } {
  let free = 0;
  let leased = 0;
  for (const s of seats) {
    if (isSellable(s.state)) free++;
    if (s.state === 'leased') leased++;
  }
  return { free, total: seats.length, leased };
}

/** Whether two maps of the same showtime draw the same (same seats in the same states, same prices): a live poll that changes nothing is not re-rendered. */
export function sameMap(a: SeatMap | null, b: SeatMap | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.showtime_id !== b.showtime_id || a.seats.length !== b.seats.length) return false;
  for (let i = 0; i < a.seats.length; i++) {
    const x = a.seats[i]!;
    const y = b.seats[i]!;
    if (x.label !== y.label || x.state !== y.state) return false;
  }
  if (a.ticket_types.length !== b.ticket_types.length) return false;
  return a.ticket_types.every((tt, i) => {
    const o = b.ticket_types[i]!;
    return tt.code === o.code && tt.price_minor === o.price_minor;
  });
}

/**
 * The companion seat offered with a wheelchair place: the nearest companion
 * seat beside it in its row (at most one aisle away) that can be sold and is
 * not `taken`; null when there is none.
 */
export function companionFor(map: SeatMap, seat: SeatView, taken: readonly string[] = []): SeatView | null {
  let best: SeatView | null = null;
  for (const s of map.seats) {
    if (s.kind !== 'companion' || s.y !== seat.y || !isSellable(s.state) || taken.includes(s.label)) continue;
    const d = Math.abs(s.x - seat.x);
    if (d > 2) continue;
    if (!best || d < Math.abs(best.x - seat.x)) best = s;
  }
  return best;
}

/** Seats of the order that are not leased to this terminal (what an offline sale needs a manager's override for). */
export function unleasedSeats(map: SeatMap, labels: readonly string[]): string[] {
  const byLabel = new Map(map.seats.map((s) => [s.label, s.state]));
  return labels.filter((l) => byLabel.get(l) !== 'leased');
}

/** One seat button as drawn: position, marks and labels worked out once. */
export interface SeatCell {
  seat: SeatView;
  left: number;
  top: number;
  selected: boolean;
  /** Neither sellable nor in the order: shown disabled. */
  unavailable: boolean;
  mark: string;
  aria: string;
}

/** Everything the seat map draws, derived from the seats, the room it has and the order. */
export interface SeatMapView {
  layout: SeatLayout;
  cells: SeatCell[];
  counts: { free: number; total: number; leased: number };
  areas: SeatView['area'][];
  /** Kinds other than standard, for the legend. */
  kinds: SeatView['kind'][];
}

function sameShape(a: readonly SeatView[], b: readonly SeatView[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.label !== y.label || x.x !== y.x || x.y !== y.y) return false;
  }
  return true;
}

/**
 * Builds the seat map's view model and keeps it cheap to rebuild: the
 * geometry (seat size, positions) is worked out again only when the seats'
 * places or the available width change, and a seat whose state, selection
 * and language are unchanged keeps its `SeatCell` object, so a keyed
 * `{#each}` leaves its button alone. A live poll that changes three seats of
 * 640 updates three buttons.
 */
export class SeatMapModel {
  private shapeSeats: readonly SeatView[] = [];
  private shapeWidth = -1;
  private layout: SeatLayout | null = null;
  private positions = new Map<string, PlacedSeat>();
  private cells = new Map<string, SeatCell>();
  private locale = '';

  /** `available`: width for the drawing, px; `locale`: the language the labels are in (a switch relabels every seat). */
  build(seats: readonly SeatView[], available: number, selected: ReadonlySet<string>, locale: string): SeatMapView {
    if (this.layout === null || available !== this.shapeWidth || !sameShape(this.shapeSeats, seats)) {
      const list = [...seats];
      this.layout = layoutSeats(list, metricsFor(chooseCell(list, available)));
      this.positions = new Map(this.layout.seats.map((p) => [p.seat.label, p]));
      this.shapeSeats = seats;
      this.shapeWidth = available;
      this.cells.clear();
    }
    if (locale !== this.locale) {
      this.cells.clear();
      this.locale = locale;
    }
    const cells: SeatCell[] = [];
    const next = new Map<string, SeatCell>();
    const areas = new Set<SeatView['area']>();
    const kinds = new Set<SeatView['kind']>();
    let free = 0;
    let leased = 0;
    for (const seat of seats) {
      areas.add(seat.area);
      if (seat.kind !== 'standard') kinds.add(seat.kind);
      if (isSellable(seat.state)) free++;
      if (seat.state === 'leased') leased++;
      const isSel = selected.has(seat.label);
      const old = this.cells.get(seat.label);
      let cell: SeatCell;
      if (
        old !== undefined &&
        old.selected === isSel &&
        old.seat.state === seat.state &&
        old.seat.kind === seat.kind &&
        old.seat.area === seat.area &&
        old.seat.number === seat.number
      ) {
        cell = old;
      } else {
        const p = this.positions.get(seat.label);
        cell = {
          seat,
          left: p?.left ?? 0,
          top: p?.top ?? 0,
          selected: isSel,
          unavailable: !isSellable(seat.state) && !isSel,
          mark: seatMark(seat, isSel),
          aria: seatAriaLabel(seat, isSel),
        };
      }
      next.set(seat.label, cell);
      cells.push(cell);
    }
    this.cells = next;
    return {
      layout: this.layout,
      cells,
      counts: { free, total: seats.length, leased },
      areas: [...areas],
      kinds: [...kinds],
    };
  }
}
