// What each printout preview is called under its picture: a sale's tickets
// are numbered among themselves; reprints, change and refund slips say what they are.

import type { Printout } from './types';

/** A preview's caption, as an i18n key and its parameters. */
export type PrintoutLabel =
  | { key: 'done.ticketAlt'; params: { n: number; count: number } }
  | { key: 'done.reprintAlt'; params: { n: number } }
  | { key: 'done.changeSlipAlt'; params: Record<string, never> }
  | { key: 'done.refundSlipAlt'; params: Record<string, never> }
  | { key: 'done.drawerAlt'; params: Record<string, never> };

/** The captions of `printouts`, in order. */
export function printoutLabels(printouts: readonly Printout[]): PrintoutLabel[] {
  const isOriginalTicket = (p: Printout) =>
    p.kind !== 'change_slip' && p.kind !== 'refund_slip' && p.kind !== 'shift_report' && !(p.reprint > 0);
  const count = printouts.filter(isOriginalTicket).length;
  let n = 0;
  return printouts.map((p): PrintoutLabel => {
    if (p.kind === 'change_slip') return { key: 'done.changeSlipAlt', params: {} };
    if (p.kind === 'refund_slip') return { key: 'done.refundSlipAlt', params: {} };
    // Shift reports (X, close) and the drawer's pay-in, pay-out and drop slips.
    if (p.kind === 'shift_report') return { key: 'done.drawerAlt', params: {} };
    if (p.reprint > 0) return { key: 'done.reprintAlt', params: { n: p.reprint } };
    n += 1;
    return { key: 'done.ticketAlt', params: { n, count } };
  });
}
