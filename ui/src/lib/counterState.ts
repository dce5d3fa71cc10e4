// What the counter shows over its three columns, as one value: nothing, the
// pay dialog (with the engine's last refusal and the seats a manager's PIN
// would override), the sale just made, the conflicts panel, or the web
// booking dialog. Only one at a time; every change is a function here.
// Also what the order adds up to, and a sale's `sell` arguments.

import { basketSeats, basketTotal, idCheckRating, partFromOrder, partsToSell, toSellPart, type BasketPart } from './basket';
import { canPay as orderCanPay, orderTotal, type Order } from './order';
import type { SellFailure, Settlement } from './payment';
import { unleasedSeats } from './seatmap';
import type { SaleResult, SeatMap } from './types';
import type { ExchangeArgs } from './bindings/ExchangeArgs';
import type { SellArgs } from './bindings/SellArgs';

/** Why the engine refused a payment, shown in the pay dialog. */
export interface Refusal {
  code: string;
  message: string;
}

export type Overlay =
  | { kind: 'none' }
  | {
      kind: 'pay';
      /** Why the engine refused the last attempt (the payment can be corrected). */
      refused: Refusal | null;
      /** Central is offline and these seats are not leased here: a manager's PIN may sell them. */
      overrideSeats: string[] | null;
    }
  | { kind: 'sale'; sale: SaleResult; back?: MoneyBack }
  | { kind: 'conflicts' }
  | { kind: 'audit' }
  | { kind: 'collect' }
  | { kind: 'orders' }
  | { kind: 'day' }
  | { kind: 'shift' }
  | { kind: 'diagnostics' }
  | { kind: 'void' };

/** The panels that open over the counter. */
export type PanelKind = 'conflicts' | 'collect' | 'audit' | 'orders' | 'day' | 'shift' | 'diagnostics';

export const NO_OVERLAY: Overlay = { kind: 'none' };

/** The sale on screen, if any. */
export function saleOf(o: Overlay): SaleResult | null {
  return o.kind === 'sale' ? o.sale : null;
}

/** The pay dialog opens over nothing else, when the order can be paid and no sale is under way. */
export function openPay(o: Overlay, canPay: boolean, selling: boolean): Overlay {
  if (!canPay || selling || o.kind !== 'none') return o;
  return { kind: 'pay', refused: null, overrideSeats: null };
}

/** The void dialog opens over the counter only, never while a sale is under way. */
export function openVoid(o: Overlay, selling: boolean): Overlay {
  return o.kind === 'none' && !selling ? { kind: 'void' } : o;
}

/** Closes the pay dialog (and forgets its refusal); any other overlay stays. */
export function closePay(o: Overlay): Overlay {
  return o.kind === 'pay' ? NO_OVERLAY : o;
}

/** A panel (conflicts, web bookings) opens over nothing else, and not while a sale is under way. */
export function openPanel(o: Overlay, kind: PanelKind, selling: boolean): Overlay {
  return o.kind === 'none' && !selling ? { kind } : o;
}

/** Closes the panel of that kind. */
export function closePanel(o: Overlay, kind: PanelKind): Overlay {
  return o.kind === kind ? NO_OVERLAY : o;
}

/** A new attempt to pay: the last refusal goes. */
export function payAttempt(o: Overlay): Overlay {
  return o.kind === 'pay' ? { ...o, refused: null } : o;
}

/** The sale went through: it is shown instead of the pay dialog. */
/** What an exchange paid back: cash out of the drawer, and to the card. */
export interface MoneyBack {
  cash_minor: number;
  card_minor: number;
}

export function saleMade(sale: SaleResult, back?: MoneyBack): Overlay {
  return back ? { kind: 'sale', sale, back } : { kind: 'sale', sale };
}

/**
 * The engine refused the sale: `failure` (see `sellFailure`) says what the
 * dialog does. `override` asks for a manager's PIN for `seats` (and shows the
 * refusal when a PIN was given); `in_dialog` shows the refusal; anything else
 * closes the dialog (the counter shows the error in the banner).
 */
export function saleRefused(
  o: Overlay,
  failure: SellFailure,
  err: Refusal,
  withPin: boolean,
  seats: () => string[],
): Overlay {
  if (o.kind !== 'pay') return o;
  if (failure === 'override') {
    return { ...o, overrideSeats: seats(), refused: withPin ? { code: err.code, message: err.message } : o.refused };
  }
  if (failure === 'in_dialog') return { ...o, refused: { code: err.code, message: err.message } };
  return NO_OVERLAY;
}

/**
 * The seats a manager's PIN must override: of an order for the open map's
 * showtime, those not leased here; otherwise (or if the map says all are
 * leased) every seat of the order.
 */
export function overrideSeatsFor(parts: readonly BasketPart[], map: SeatMap | null): string[] {
  const mine = parts.flatMap((p) => p.seats);
  const onMap = map !== null && parts.every((p) => p.showtime_id === map.showtime_id);
  const unleased = onMap ? unleasedSeats(map, mine) : [];
  return unleased.length > 0 ? unleased : mine;
}

/** What the order on screen adds up to. */
export interface OrderView {
  /** The current selection as a part of the order (null with no seats or no ticket type). */
  current: BasketPart | null;
  /** Seats of the open showtime already set aside: not to be chosen again. */
  setAside: string[];
  canPay: boolean;
  canAdd: boolean;
  total: number;
  /** The rating to check ID for before payment, if any. */
  payRating: string | null;
}

export function orderView(order: Order, map: SeatMap | null, basket: readonly BasketPart[]): OrderView {
  const current = partFromOrder(order, map, null);
  const chosen = current ? current.total_minor : map ? (orderTotal(order, map.ticket_types, map.seats) ?? 0) : 0;
  return {
    current,
    setAside: basketSeats(basket, map?.showtime_id ?? null),
    canPay: basket.length > 0 ? order.seats.length === 0 || current !== null : orderCanPay(order, map),
    canAdd: current !== null,
    total: basketTotal(basket) + chosen,
    payRating: idCheckRating(partsToSell(basket, current)),
  };
}

/** `sell`'s arguments for the parts of an order, paid once. */
/**
 * An exchange under way: tickets of an earlier order given back, their value
 * credited to the order being built; approved (reason and PIN) when it began.
 */
export interface ExchangeCredit {
  order_id: string;
  order_ref: string;
  /** The tickets given back (empty: every ticket left). */
  seats: string[];
  value_minor: number;
  reason: string;
  /** The approver's PIN, when the one at the counter may not approve alone. */
  pin: string | null;
  /** The card terminal's refund reference, for a difference going back to a card. */
  card_refund_reference: string | null;
}

/** What is left to pay once an exchange's credit is taken off. */
export function dueAfterCredit(total: number, exchange: ExchangeCredit | null): number {
  return exchange ? Math.max(0, total - exchange.value_minor) : total;
}

/** The `exchange` command's arguments for the order being paid. */
export function exchangeArgs(
  token: string,
  x: ExchangeCredit,
  parts: readonly BasketPart[],
  payment: Settlement,
  idChecked: boolean,
  overridePin: string | null = null,
): ExchangeArgs | null {
  if (parts.length === 0) return null;
  return {
    token,
    order: x.order_id,
    seats: x.seats,
    parts: parts.map(toSellPart),
    tendered_minor: payment.tendered_minor,
    id_checked: idChecked,
    reason: x.reason,
    ...(payment.card ? { card: payment.card } : {}),
    ...(x.pin ? { approval: { pin: x.pin } } : {}),
    ...(x.card_refund_reference ? { card_refund_reference: x.card_refund_reference } : {}),
    ...(overridePin ? { override_approval: { pin: overridePin } } : {}),
  };
}

export function sellArgs(
  token: string,
  parts: readonly BasketPart[],
  payment: Settlement,
  idChecked: boolean,
  overridePin: string | null,
): SellArgs | null {
  if (parts.length === 0) return null;
  return {
    token,
    parts: parts.map(toSellPart),
    tendered_minor: payment.tendered_minor,
    id_checked: idChecked,
    ...(payment.card ? { card: payment.card } : {}),
    ...(overridePin ? { override_approval: { pin: overridePin } } : {}),
  };
}
