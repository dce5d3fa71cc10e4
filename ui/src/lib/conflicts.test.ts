import { describe, expect, it } from 'vitest';
import { conflictActionFromKey, isOpen, nextSelection, sortConflicts, stepSelection } from './conflicts';
import type { ConflictView } from './types';

function task(order_id: string, state: string, local_time = '19:00'): ConflictView {
  return {
    order_id,
    order_ref: `T${order_id.toUpperCase()}`,
    showtime_id: 'st',
    film_title_en: 'Film',
    local_time,
    seats: ['F-1'],
    taken: ['F-1'],
    total_minor: 4500,
    state,
    printouts: [],
  };
}

const list = sortConflicts([
  task('d', 'refunded', '10:00'),
  task('b', 'open', '21:00'),
  task('c', 'reseating', '09:00'),
  task('a', 'open', '18:00'),
]);

describe('conflicts', () => {
  it('lists open tasks first, by show time', () => {
    expect(list.map((c) => c.order_id)).toEqual(['a', 'b', 'c', 'd']);
    expect(list.map(isOpen)).toEqual([true, true, false, false]);
  });
  it('keeps the selection on an open task, else the first open one', () => {
    expect(nextSelection(list, 'b')).toBe('b');
    expect(nextSelection(list, 'd')).toBe('a');
    expect(nextSelection(list, null)).toBe('a');
    expect(nextSelection([task('x', 'refunded')], 'x')).toBeNull();
  });
  it('steps among open tasks, wrapping', () => {
    expect(stepSelection(list, 'a', 1)).toBe('b');
    expect(stepSelection(list, 'b', 1)).toBe('a');
    expect(stepSelection(list, 'a', -1)).toBe('b');
    expect(stepSelection(list, null, 1)).toBe('a');
    expect(stepSelection([], null, 1)).toBeNull();
  });
  it('maps R and F to actions', () => {
    expect(conflictActionFromKey({ key: 'r', code: 'KeyR' })).toBe('reseat');
    expect(conflictActionFromKey({ key: 'ب', code: 'KeyF' })).toBe('refund');
    expect(conflictActionFromKey({ key: '1', code: 'Digit1' })).toBeNull();
  });
});
