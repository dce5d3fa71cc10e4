// UI strings. English only for now; Arabic (RTL) will add a second dictionary
// with the same keys. Components never hard-code user-facing text.

const en = {
  'app.name': 'Boxoffice',
  'app.connecting': 'Connecting to the terminal service…',
  'app.unreachable': 'The terminal service is not answering.',
  'app.retry': 'Try again',

  'login.title': 'Sign in',
  'login.prompt': 'Enter your staff PIN',
  'login.pinDigits': '{n} digits entered',
  'login.pinEmpty': 'No digits entered',
  'login.clear': 'Clear',
  'login.backspaceLabel': 'Delete last digit',
  'login.enter': 'Enter',
  'login.signingIn': 'Signing in…',
  'login.terminal': 'Terminal {id}',
  'login.hint': 'Tap the keys or type on the keyboard. Enter signs in.',
  'login.demo': 'Demo PINs: cashier 1111 · supervisor 2222 · manager 3333',
  'login.needPin': 'Enter your PIN first.',

  'role.cashier': 'Cashier',
  'role.supervisor': 'Supervisor',
  'role.manager': 'Manager',

  'top.terminal': 'Terminal',
  'top.online': 'Online',
  'top.offline': 'Offline',
  'top.queued': '{n} queued',
  'top.synced': 'All synced',
  'top.businessDay': 'Business day',
  'top.logout': 'Log out',
  'top.demo': 'Demo',
  'top.time': 'Local time',
  'top.printer': 'Printer',
  'pay.idCheck': 'ID checked: every customer is old enough for this {rating} film',
  'best.party': 'Party size',
  'best.fewer': 'One fewer',
  'best.more': 'One more',
  'best.button': 'Best {n} together',
  'best.split': 'No row has them all together; split as {groups}.',
  'printer.ready': 'Ready',
  'printer.paperLow': 'Paper low',
  'printer.target': 'Printer',
  'printer.queue': '{queued} waiting · {interrupted} cut off',
  'printer.testPage': 'Print test page',

  'shows.title': "Today's showtimes",
  'shows.loading': 'Loading showtimes…',
  'shows.none': 'No showtimes on this business day.',
  'shows.seatsLeft': '{n} left',
  'shows.soldOut': 'Sold out',
  'shows.started': 'Started',
  'shows.runtime': '{n} min',
  'shows.screen': '{screen}',
  'shows.tileLabel': '{time}, {film}, {screen}, {format}, {seats}',

  'map.pick': 'Choose a showtime to see its seats.',
  'map.loading': 'Loading seats…',
  'map.screen': 'Screen',
  'map.free': '{free} of {total} free',
  'map.legend': 'Legend',
  'map.label': 'Seat map, {screen}',
  'map.keys': 'Arrows move · Space selects · P pays · Esc clears',

  'seat.aria': 'Seat {label}, {state}',
  'seat.state.free': 'free',
  'seat.state.held': 'held',
  'seat.state.sold': 'sold',
  'seat.state.leased': 'in another sale',
  'seat.state.blocked': 'blocked',
  'seat.selected': 'selected',
  'seat.kind.wheelchair': 'wheelchair space',
  'seat.kind.companion': 'companion seat',
  'seat.area.standard': 'Standard',
  'seat.area.premium': 'Premium',
  'seat.area.vip': 'VIP',

  'legend.free': 'Free',
  'legend.selected': 'Selected',
  'legend.sold': 'Sold',
  'legend.held': 'Held',
  'legend.leased': 'In another sale',
  'legend.blocked': 'Blocked',
  'legend.wheelchair': 'Wheelchair',
  'legend.companion': 'Companion',

  'order.title': 'Order',
  'order.ticketType': 'Ticket type',
  'order.noTypes': 'This showtime has no ticket types on sale.',
  'order.empty': 'Tap free seats on the map to add them to the order.',
  'order.noShowtime': 'Choose a showtime, then seats.',
  'order.seats': 'Seats ({n})',
  'order.remove': 'Remove seat {label}',
  'order.total': 'Total',
  'order.vatIncluded': 'VAT included',
  'order.pay': 'Pay cash',
  'order.payKey': 'P',
  'order.clear': 'Clear order',

  'pay.title': 'Cash payment',
  'pay.total': 'Total to pay',
  'pay.tendered': 'Cash received ({code})',
  'pay.quick': 'Quick amounts',
  'pay.exact': 'Exact',
  'pay.change': 'Change due',
  'pay.confirm': 'Confirm',
  'pay.cancel': 'Cancel',
  'pay.processing': 'Processing…',
  'pay.error.empty': 'Enter the cash received.',
  'pay.error.invalid': 'Type digits with at most one decimal point, e.g. {example}.',
  'pay.error.negative': 'The amount cannot be negative.',
  'pay.error.too_many_decimals': '{code} amounts have at most {n} decimals.',
  'pay.error.too_many_decimals_none': '{code} amounts have no decimals.',
  'pay.error.too_large': 'That amount is too large.',
  'pay.error.short': 'Less than the total: {short} missing.',

  'done.title': 'Sale complete',
  'done.change': 'Change due',
  'done.noChange': 'No change due',
  'done.paid': 'Paid {tendered} · Total {total}',
  'done.vat': 'incl. VAT {rate}: {amount}',
  'done.order': 'Order reference',
  'done.seats': 'Seats',
  'done.synced': 'Synced to central',
  'done.queued': 'Queued: will sync when online',
  'done.tickets': 'Tickets',
  'done.noTickets': 'No tickets were printed.',
  'done.ticketAlt': 'Ticket {n} of {count}',
  'done.previewLoading': 'Rendering ticket…',
  'done.previewFailed': 'Preview unavailable: {message}',
  'done.newSale': 'New sale',
  'done.newSaleKeys': 'Enter or N',

  'error.dismiss': 'Dismiss',
  'error.seatsGone': 'No longer available, removed from the order: {seats}.',
  'error.sessionEnded': 'Your session ended. Please sign in again.',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
export type Locale = 'en';
export type Params = Record<string, string | number>;

const dictionaries: Record<Locale, Partial<Record<MessageKey, string>>> = { en };
let current: Locale = 'en';

export function setLocale(locale: Locale): void {
  current = locale;
}

export function locale(): Locale {
  return current;
}

/** Text direction of the current locale (for <html dir>). */
export function dir(): 'ltr' | 'rtl' {
  return 'ltr';
}

/** Interpolate "{name}" placeholders; unknown placeholders are left as they are. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Params): string {
  const template = dictionaries[current][key] ?? en[key];
  return format(template, params);
}
