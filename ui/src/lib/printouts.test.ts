import { describe, expect, it } from 'vitest';
import { printoutLabels } from './printouts';
import type { Printout } from './types';

const p = (kind: string, reprint = 0): Printout => ({ bin_path: 'x.bin', png_path: `${kind}-${reprint}.png`, kind, reprint });

describe('printoutLabels', () => {
  it("numbers a sale's tickets among themselves", () => {
    expect(printoutLabels([p('ticket'), p('ticket')])).toEqual([
      { key: 'done.ticketAlt', params: { n: 1, count: 2 } },
      { key: 'done.ticketAlt', params: { n: 2, count: 2 } },
    ]);
  });

  it('calls a reprint a reprint: one ticket and its reprint are not "1 of 2" and "2 of 2"', () => {
    expect(printoutLabels([p('ticket'), p('ticket', 1)])).toEqual([
      { key: 'done.ticketAlt', params: { n: 1, count: 1 } },
      { key: 'done.reprintAlt', params: { n: 1 } },
    ]);
  });

  it('calls a change slip a change slip, and the new ticket a ticket', () => {
    expect(printoutLabels([p('change_slip'), p('ticket')])).toEqual([
      { key: 'done.changeSlipAlt', params: {} },
      { key: 'done.ticketAlt', params: { n: 1, count: 1 } },
    ]);
  });

  it('calls a refund slip a refund slip', () => {
    expect(printoutLabels([p('refund_slip')])).toEqual([{ key: 'done.refundSlipAlt', params: {} }]);
  });

  it("calls the drawer's reports and slips drawer printouts", () => {
    expect(printoutLabels([p('shift_report')])).toEqual([{ key: 'done.drawerAlt', params: {} }]);
  });
});
