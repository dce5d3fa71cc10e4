// UI strings in English and Arabic. Components never hard-code user-facing
// text: they call `t(key, params)`, which reads the current language from
// lang.svelte.ts (a reactive setting), so a switch re-renders every string.
//
// Conventions (both languages; see also ui/README.md):
// - Arabic is Modern Standard Arabic as used by Gulf cinemas (e.g. "كامل العدد"
//   for sold out, "الباقي" for change due). Counts use "label: {n}" forms so
//   no sentence depends on Arabic number agreement.
// - Digits are Latin (0-9) in both languages, as on Gulf POS screens, tax
//   invoices and tickets: times "19:30" (24 h), dates "الأربعاء، 26 نوفمبر 2025"
//   (Gregorian, Gulf month names), money "AED 45.00".
// - Money is always "<ISO code> <amount>" with a "." decimal point
//   (money.ts formatMinor), in Arabic too: "AED 45.00", never "45.00 د.إ".
//   In right-to-left text an amount is an LTR isolate (<bdi>, or the FSI/PDI
//   marks `t()` puts around parameters) so it never reorders into "45.00 AED".
// - Data from the catalog is shown in the screen's language when it has one:
//   `film_title_ar` first in Arabic with the English title secondary (English
//   when the Arabic one is empty), `name_ar` for ticket types.
// - Data without a translation (site, screen, seat labels, server messages)
//   is shown as is, isolated (<bdi> / dir="auto") so Latin text keeps its order.
// - The seat map and the PIN pad are physical: they stay left to right.

import { DEFAULT_LOCALE, dirOf, lang, type Dir, type Locale } from './lang.svelte';

export type { Dir, Locale } from './lang.svelte';

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
  'top.degraded': 'Unstable link',
  'top.oldest': 'oldest {age}',
  'top.linkLabel': 'Link to central: {state}',
  'top.conflicts': 'Conflicts {n}',
  'top.conflictsLabel': 'Open conflicts: {n}. Open the conflicts panel (C)',
  'top.leased': 'Seats leased to this terminal for offline selling: {n}',
  'age.s': '{n} s',
  'age.min': '{n} min',
  'age.h': '{h} h {min} min',
  'pay.idCheck': 'ID checked: every customer is old enough for this {rating} film',
  'best.party': 'Party size',
  'best.fewer': 'One fewer',
  'best.more': 'One more',
  'best.button': 'Best {n} together',
  'best.area': 'Area for best available',
  'best.anyArea': 'Any area',
  'best.split': 'No row has them all together; split as {groups}.',
  'best.leasedOnly': 'Central is offline: picked among the seats leased here, which sell without a manager.',
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
  'shows.almostFull': 'Almost full · {n} left',
  'shows.closed': 'Sales closed',
  'shows.cancelled': 'Cancelled',
  'shows.offline': '{n} offline',
  'shows.offlineLabel': '{n} seats leased to this terminal, sellable offline',
  'shows.keys': 'T board · ↑ ↓ showtime · Enter opens',
  'shows.runtime': '{n} min',
  'shows.screen': '{screen}',
  'shows.tileLabel': '{time}, {film}, {screen}, {format}, {seats}',
  'shows.titleDay': 'Showtimes · {day}',
  'shows.nextDay': 'Next day, {day}',
  'days.label': 'Business day to sell for',
  'days.today': 'Today',
  'days.tomorrow': 'Tomorrow',
  'days.advance': 'Advance sale: {day}',

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
  'seat.state.leased': 'leased to this terminal, sellable offline',
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
  'legend.leased': 'Leased here: sells offline without a manager',
  'legend.blocked': 'Blocked',
  'wheelchair.title': 'Wheelchair place {seat}',
  'wheelchair.text': 'Sell it as a wheelchair place? It is kept for customers who need one.',
  'wheelchair.companionFree': 'The companion seat beside it, {seat}, is free.',
  'wheelchair.noCompanion': 'No companion seat beside it is free.',
  'wheelchair.withCompanion': 'With companion seat {seat}',
  'wheelchair.alone': 'Wheelchair place only',
  'wheelchair.cancel': 'Not needed',
  'legend.wheelchair': 'Wheelchair',
  'legend.companion': 'Companion',
  'live.seatsTaken': 'Taken elsewhere just now, removed from the order: {seats}.',

  'order.title': 'Order',
  'order.ticketType': 'Ticket type',
  'basket.title': 'In this order',
  'basket.add': 'Add to order',
  'basket.alreadyIn': 'Seat {seat} is already in this order.',
  'basket.abandoned': 'Nobody touched the order for {min} minutes: it was cleared and its seats went back on sale.',
  'basket.tickets': '{n} × {type}',
  'basket.remove': 'Remove {what} from the order',
  'order.noTypes': 'This showtime has no ticket types on sale.',
  'order.empty': 'Tap free seats on the map to add them to the order.',
  'order.noShowtime': 'Choose a showtime, then seats.',
  'order.seats': 'Seats ({n})',
  'order.remove': 'Remove seat {label}',
  'order.total': 'Total',
  'order.vatIncluded': 'VAT included',
  'order.pay': 'Pay',
  'order.payKey': 'P',
  'order.clear': 'Clear order',
  'override.button': 'Price override',
  'override.title': 'Price override (supervisor)',
  'override.price': 'New price per ticket',
  'override.reason': 'Reason',
  'override.pin': 'Supervisor PIN',
  'override.apply': 'Apply',
  'override.remove': 'Remove override',
  'override.active': 'Price override: {price} each',
  'override.list': 'List {price}',
  'override.complimentary': 'Complimentary ticket (free)',
  'override.changed': 'The order changed while the PIN was checked: apply the override again.',
  'override.activeComp': 'Complimentary tickets',
  'override.problem.price': 'Enter the new price per ticket, e.g. 40.',
  'override.problem.above_list': 'An override cannot raise the price: at most {list}.',
  'override.problem.below_floor': 'The lowest override price is {floor} (half the highest list price); below it, make it a complimentary ticket.',
  'override.problem.reason': 'Say why, in up to {n} characters.',
  'override.problem.pin': 'Enter the supervisor PIN.',

  'pay.title': 'Payment',
  'pay.total': 'Total to pay',
  'pay.tendered': 'Cash received ({code})',
  'pay.quick': 'Quick amounts',
  'pay.exact': 'Exact, sell',
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
  'pay.error.too_much': 'That would give {note} or more in change: check the amount received.',
  'pay.mode': 'Payment method',
  'pay.mode.cash': 'Cash',
  'pay.mode.card': 'Card',
  'pay.mode.split': 'Card + cash',
  'pay.cardAmount': 'Charged to card ({code})',
  'pay.cardFull': 'Charge the full total on the card terminal, then type its approval code.',
  'pay.reference': 'Approval code from the card terminal',
  'pay.referenceHint': 'Never the card number.',
  'pay.cashDue': 'Cash due',
  'pay.error.cardEmpty': 'Enter the amount charged to the card.',
  'pay.error.card_zero': 'The card amount must be more than zero.',
  'pay.error.card_total': 'The card amount cannot be more than the total, {total}.',
  'pay.error.ref.empty': 'Enter the approval code from the card terminal.',
  'pay.error.ref.card_number': 'That looks like a card number: type the approval code instead.',
  'pay.error.ref.too_long': 'The approval code has at most {n} characters.',
  'pay.error.ref.invalid': 'The approval code has only letters, digits, spaces and dashes.',
  'pay.refused': 'The sale was not made',
  'pay.keys': 'C cash · K card · S card + cash · E exact · I ID checked · Enter confirms · Esc cancels',
  'pay.override.title': 'Central is offline',
  'pay.override.text': 'Not leased to this terminal: {seats}. A manager can approve selling them anyway; central confirms them when the link is back.',
  'pay.override.pin': 'Manager PIN',
  'pay.override.go': 'Sell with override',
  'pay.override.needPin': 'Enter a manager PIN.',

  'done.title': 'Sale complete',
  'done.change': 'Change due',
  'done.noChange': 'No change due',
  'done.paid': 'Paid {tendered} · Total {total}',
  'done.card': 'Card {amount}',
  'done.cash': 'Cash received {amount}',
  'done.totalOnly': 'Total {total}',
  'done.securedLease': 'Sold offline (leased seat): central confirms it when the link is back.',
  'done.securedOverride': 'Manager override: sold offline on seats not leased here; central confirms them later.',
  'done.vat': 'incl. VAT {rate}: {amount}',
  'done.override': 'Price set by {name}',
  'done.order': 'Order reference',
  'done.seats': 'Seats',
  'done.synced': 'Synced to central',
  'done.queued': 'Queued: will sync when online',
  'done.tickets': 'Tickets',
  'done.noTickets': 'No tickets were printed.',
  'done.ticketAlt': 'Ticket {n} of {count}',
  'done.reprintAlt': 'Reprint {n}',
  'done.changeSlipAlt': 'Change slip',
  'done.previewLoading': 'Rendering ticket…',
  'done.previewFailed': 'Preview unavailable: {message}',
  'done.newSale': 'New sale',
  'done.reprint': 'Reprint tickets',
  'done.reprintPin': 'Supervisor PIN',
  'done.reprintGo': 'Reprint',
  'done.reprinted': 'Reprinted: {n}, each marked REPRINT',
  'done.newSaleKeys': 'Enter or N',

  'error.dismiss': 'Dismiss',
  'error.seatsGone': 'No longer available, removed from the order: {seats}.',
  'error.sessionEnded': 'Your session ended. Please sign in again.',

  // Engine errors (code -> sentence, with the engine's parameters). English
  // screens show the engine's own sentence except for the codes in
  // REPHRASED (engineText); Arabic screens show these.
  'err.generic': 'The terminal refused this:',
  'err.wrong_pin': 'Wrong PIN.',
  'err.locked_out': 'Too many wrong PINs: try again in {seconds} s.',
  'err.not_logged_in': 'Please sign in again.',
  'err.not_allowed': 'Not allowed: this needs a supervisor or a manager.',
  'err.not_allowed.manager': 'Not allowed: only a manager can approve this.',
  'err.age.id_check_required': 'Film rated {rating}: confirm that you checked the customer\'s ID.',
  'err.age.child_ticket_refused': 'Child tickets cannot be sold for films rated {rating}.',
  'err.seat_unavailable': 'Seats no longer available: {seats}.',
  'err.seat.wheelchair_unconfirmed': '{seats} is a wheelchair place: confirm that the customer needs it.',
  'err.unknown_seats': 'No such seats in this screen: {seats}.',
  'err.offline_not_leased': 'Central is offline and {seats} are not leased to this terminal.\nPick leased seats, or ask a manager to override.',
  'err.override_one_showtime': 'Central is offline and {seats} are not leased to this terminal.\nA manager\'s override covers one showtime: pay for each showtime as its own order.\nOr pick leased seats.',
  'err.sales_closed': 'Sales for this showtime have closed.',
  'err.showtime_cancelled': 'This showtime was cancelled: nothing more can be sold for it.',
  'err.central_unreachable': 'Central cannot be reached: nothing was sold.',
  'err.money.short_tender': 'Cash received {tendered} is less than the total {total}.',
  'err.money.tender_too_large': '{tendered} on {total} would give {change} in change, more than the largest note ({largest_note}): check the amount received.',
  'err.override.above_list': 'An override cannot raise the price: {price} is above the list price {list}.',
  'err.override.below_floor': '{price} is below the lowest override price {floor} (half the highest list price): make it a complimentary ticket instead.',
  'err.override.complimentary_not_free': 'A complimentary ticket is free: its price must be 0.',
  'err.payment.card_number_refused': 'That looks like a card number: enter the card terminal\'s approval code instead.',
  'err.payment.card_amount': 'The card amount must be more than zero and at most the total.',
  'err.payment.missing_reference': 'Enter the card terminal\'s approval code.',
  'err.payment.bad_reference': 'The approval code has only letters, digits and dashes.',
  'err.print_failed': 'Printing failed: the sale is kept; reprint when the printer is back.',
  'err.unknown_booking': 'No such booking at this cinema.',
  'err.central_too_old': 'Central does not take orders for several showtimes yet: pay for each showtime as its own order.',
  'audit.open': 'Audit',
  'audit.title': 'Audit trail',
  'audit.intact': 'The trail is whole: {n} entries, none edited or deleted.',
  'audit.broken': 'The trail was tampered with: {problem}',
  'audit.loading': 'Loading…',
  'audit.empty': 'Nothing recorded yet.',
  'audit.when': 'When',
  'audit.what': 'What',
  'audit.who': 'Staff',
  'audit.approvedBy': 'Approved by',
  'audit.detail': 'Details',
  'audit.action.price_override': 'Price override',
  'audit.action.complimentary': 'Complimentary tickets',
  'audit.action.offline_override': 'Offline override',
  'audit.action.reprint': 'Reprint',
  'audit.action.reseat': 'Reseat',
  'audit.action.conflict_refund': 'Conflict refunded',
  'audit.action.conflict_reseat': 'Conflict reseated',
  'audit.action.shift_open': 'Shift opened',
  'audit.action.shift_close': 'Shift closed',
  'conf.title': 'Conflicts',
  'conf.intro': 'Sales made offline with a manager override on seats someone else bought. Reseat the customer on the best seats available, or refund.',
  'conf.loading': 'Loading conflicts…',
  'conf.none': 'No conflicts.',
  'conf.pin': 'Supervisor PIN',
  'conf.needPin': 'Enter a supervisor PIN first.',
  'conf.reseat': 'Reseat (best available)',
  'conf.refund': 'Refund',
  'conf.seats': 'Seats: {seats}',
  'conf.taken': 'Bought by someone else: {seats}',
  'conf.state.open': 'Open',
  'conf.state.reseating': 'Reseating',
  'conf.state.reseated': 'Reseated',
  'conf.state.refunded': 'Refunded',
  'conf.resolved': 'Order {ref}: {state}',
  'conf.close': 'Close',
  'conf.keys': 'Type the PIN · ↑ ↓ choose · R reseat · F refund · Esc closes',

  'collect.open': 'Web booking',
  'collect.openLabel': 'Collect a web booking (W)',
  'collect.title': 'Collect web booking',
  'collect.reference': 'Booking reference',
  'collect.referenceHint': 'As on the customer\'s e-mail or phone, e.g. W1A2B3C4D.',
  'collect.find': 'Look up',
  'collect.finding': 'Looking up…',
  'collect.film': 'Film',
  'collect.screen': 'Screen',
  'collect.time': 'Time',
  'collect.seats': 'Seats ({n})',
  'collect.paid': 'Paid online',
  'collect.print': 'Print tickets',
  'collect.printing': 'Printing…',
  'collect.printed': 'Collected: {n} tickets printed',
  'collect.collectedHere': 'Already collected at this terminal ({terminal}, {time}): its tickets were printed then.',
  'collect.collectedAt': 'Already collected at {terminal} ({time}).',
  'collect.collectedAtNoTime': 'Already collected at {terminal}.',
  'collect.refunded': 'This booking was refunded online: it cannot be collected.',
  'collect.another': 'Another booking',
  'collect.close': 'Close',
  'collect.keys': 'Enter looks up, then prints · Esc closes',
  'collect.error.empty': 'Type the booking reference.',
  'collect.error.too_long': 'A booking reference has at most {n} characters.',
  'collect.error.invalid': 'A booking reference has only letters and digits, e.g. W1A2B3C4D.',
  'collect.error.unknown': 'No web booking {ref} at this cinema. Check the reference with the customer.',
  'collect.error.unreachable': 'Central cannot be reached: web bookings can only be collected while online. Try again shortly.',
  'collect.error.other': 'Could not collect the booking: {message}',

  'lang.label': 'Language',
  'lang.switchTo': 'Switch the screen to {language}',
} as const satisfies Record<string, string>;
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

const ar: Record<MessageKey, string> = {
  'app.name': 'Boxoffice',
  'app.connecting': 'جارٍ الاتصال بخدمة الجهاز…',
  'app.unreachable': 'خدمة الجهاز لا تستجيب.',
  'app.retry': 'إعادة المحاولة',

  'login.title': 'تسجيل الدخول',
  'login.prompt': 'أدخل الرمز السري للموظف',
  'login.pinDigits': 'الأرقام المدخلة: {n}',
  'login.pinEmpty': 'لم يُدخل أي رقم',
  'login.clear': 'مسح',
  'login.backspaceLabel': 'حذف آخر رقم',
  'login.enter': 'دخول',
  'login.signingIn': 'جارٍ تسجيل الدخول…',
  'login.terminal': 'الجهاز {id}',
  'login.hint': 'اضغط على الأزرار أو اكتب الرمز بلوحة المفاتيح، ثم Enter للدخول.',
  'login.demo': 'رموز تجريبية: أمين الصندوق 1111 · المشرف 2222 · المدير 3333',
  'login.needPin': 'أدخل الرمز السري أولًا.',

  'role.cashier': 'أمين الصندوق',
  'role.supervisor': 'المشرف',
  'role.manager': 'المدير',

  'top.terminal': 'الجهاز',
  'top.online': 'متصل',
  'top.offline': 'غير متصل',
  'top.queued': 'بانتظار المزامنة: {n}',
  'top.synced': 'تمت المزامنة',
  'top.businessDay': 'يوم العمل',
  'top.logout': 'خروج',
  'top.demo': 'تجريبي',
  'top.time': 'الوقت المحلي',
  'top.printer': 'الطابعة',
  'top.degraded': 'اتصال غير مستقر',
  'top.oldest': 'الأقدم منذ {age}',
  'top.linkLabel': 'الاتصال بالنظام المركزي: {state}',
  'top.conflicts': 'تعارضات {n}',
  'top.conflictsLabel': 'تعارضات مفتوحة: {n}. افتح لوحة التعارضات (C)',
  'top.leased': 'مقاعد مخصصة لهذا الجهاز للبيع دون اتصال: {n}',
  'age.s': '{n} ث',
  'age.min': '{n} د',
  'age.h': '{h} س {min} د',
  'pay.idCheck': 'تم التحقق من الهوية: جميع العملاء بلغوا السن المطلوبة لهذا الفيلم المصنّف {rating}',
  'best.party': 'عدد الأشخاص',
  'best.fewer': 'شخص أقل',
  'best.more': 'شخص إضافي',
  'best.button': 'أفضل مقاعد متجاورة: {n}',
  'best.area': 'المنطقة لأفضل المقاعد',
  'best.anyArea': 'أي منطقة',
  'best.split': 'لا يوجد صف يتسع لهم متجاورين؛ التوزيع المقترح: {groups}.',
  'best.leasedOnly': 'النظام المركزي غير متصل: اختيرت من المقاعد المخصصة لهذا الجهاز، وتُباع بلا موافقة المدير.',
  'printer.ready': 'جاهزة',
  'printer.paperLow': 'الورق منخفض',
  'printer.target': 'الطابعة',
  'printer.queue': 'في الانتظار: {queued} · لم تكتمل: {interrupted}',
  'printer.testPage': 'طباعة صفحة اختبار',

  'shows.title': 'عروض اليوم',
  'shows.loading': 'جارٍ تحميل العروض…',
  'shows.none': 'لا توجد عروض في يوم العمل هذا.',
  'shows.seatsLeft': 'المتبقي: {n}',
  'shows.soldOut': 'كامل العدد',
  'shows.started': 'بدأ العرض',
  'shows.almostFull': 'شبه ممتلئ · المتبقي: {n}',
  'shows.closed': 'انتهى البيع',
  'shows.cancelled': 'ملغى',
  'shows.offline': 'دون اتصال: {n}',
  'shows.offlineLabel': 'مقاعد مخصصة لهذا الجهاز وقابلة للبيع دون اتصال: {n}',
  'shows.keys': 'T للعروض · ↑ ↓ لاختيار العرض · Enter للفتح',
  'shows.runtime': '{n} دقيقة',
  'shows.screen': '{screen}',
  'shows.tileLabel': '{time}، {film}، {screen}، {format}، {seats}',
  'shows.titleDay': 'العروض · {day}',
  'shows.nextDay': 'اليوم التالي، {day}',
  'days.label': 'يوم العمل المراد البيع له',
  'days.today': 'اليوم',
  'days.tomorrow': 'غدًا',
  'days.advance': 'بيع مسبق: {day}',

  'map.pick': 'اختر عرضًا لتظهر مقاعده.',
  'map.loading': 'جارٍ تحميل المقاعد…',
  'map.screen': 'الشاشة',
  'map.free': 'المتاح {free} من {total}',
  'map.legend': 'دليل الرموز',
  'map.label': 'خريطة المقاعد، {screen}',
  'map.keys': 'الأسهم للتنقل · المسافة للاختيار · P للدفع · Esc للمسح',

  'seat.aria': 'المقعد {label}، {state}',
  'seat.state.free': 'متاح',
  'seat.state.held': 'محجوز',
  'seat.state.sold': 'مُباع',
  'seat.state.leased': 'مخصص لهذا الجهاز، قابل للبيع دون اتصال',
  'seat.state.blocked': 'مغلق',
  'seat.selected': 'محدد',
  'seat.kind.wheelchair': 'مكان لكرسي متحرك',
  'seat.kind.companion': 'مقعد مرافق',
  'seat.area.standard': 'عادي',
  'seat.area.premium': 'مميز',
  'seat.area.vip': 'VIP',

  'legend.free': 'متاح',
  'legend.selected': 'محدد',
  'legend.sold': 'مُباع',
  'legend.held': 'محجوز',
  'legend.leased': 'مخصص لهذا الجهاز: يُباع دون اتصال بلا موافقة المدير',
  'legend.blocked': 'مغلق',
  'wheelchair.title': 'مكان لكرسي متحرك {seat}',
  'wheelchair.text': 'هل يُباع كمكان لكرسي متحرك؟ هذا المكان مخصص لمن يحتاجه.',
  'wheelchair.companionFree': 'مقعد المرافق بجانبه {seat} متاح.',
  'wheelchair.noCompanion': 'لا يوجد مقعد مرافق متاح بجانبه.',
  'wheelchair.withCompanion': 'مع مقعد المرافق {seat}',
  'wheelchair.alone': 'مكان الكرسي المتحرك فقط',
  'wheelchair.cancel': 'غير مطلوب',
  'legend.wheelchair': 'كرسي متحرك',
  'legend.companion': 'مرافق',
  'live.seatsTaken': 'بيعت أو حُجزت للتو من جهة أخرى وأُزيلت من الطلب: {seats}.',

  'order.title': 'الطلب',
  'order.ticketType': 'نوع التذكرة',
  'basket.title': 'في هذا الطلب',
  'basket.add': 'أضف إلى الطلب',
  'basket.alreadyIn': 'المقعد {seat} موجود في هذا الطلب.',
  'basket.abandoned': 'لم يُستخدم الطلب منذ {min} دقائق: أُلغي وعادت مقاعده إلى البيع.',
  'basket.tickets': '{n} تذاكر × {type}',
  'basket.remove': 'أزل {what} من الطلب',
  'order.noTypes': 'لا توجد أنواع تذاكر معروضة للبيع في هذا العرض.',
  'order.empty': 'اضغط على المقاعد المتاحة في الخريطة لإضافتها إلى الطلب.',
  'order.noShowtime': 'اختر عرضًا، ثم المقاعد.',
  'order.seats': 'المقاعد ({n})',
  'order.remove': 'إزالة المقعد {label}',
  'order.total': 'الإجمالي',
  'order.vatIncluded': 'شامل ضريبة القيمة المضافة',
  'order.pay': 'الدفع',
  'order.payKey': 'P',
  'order.clear': 'مسح الطلب',
  'override.button': 'تعديل السعر',
  'override.title': 'تعديل السعر (مشرف)',
  'override.price': 'السعر الجديد للتذكرة',
  'override.reason': 'السبب',
  'override.pin': 'رمز المشرف',
  'override.apply': 'تطبيق',
  'override.remove': 'إلغاء تعديل السعر',
  'override.active': 'سعر معدّل: {price} للتذكرة',
  'override.list': 'السعر الأصلي {price}',
  'override.complimentary': 'تذكرة مجانية',
  'override.changed': 'تغيّر الطلب أثناء التحقق من الرمز: طبّق تعديل السعر مرة أخرى.',
  'override.activeComp': 'تذاكر مجانية',
  'override.problem.price': 'أدخل السعر الجديد للتذكرة، مثل 40.',
  'override.problem.above_list': 'لا يرفع تعديل السعر السعر: الحد الأقصى {list}.',
  'override.problem.below_floor': 'أدنى سعر معدّل هو {floor} (نصف أعلى سعر أصلي)؛ وما دونه تذكرة مجانية.',
  'override.problem.reason': 'اذكر السبب في {n} حرفًا على الأكثر.',
  'override.problem.pin': 'أدخل رمز المشرف.',

  'pay.title': 'الدفع',
  'pay.total': 'المبلغ المطلوب',
  'pay.tendered': 'المبلغ المستلم ({code})',
  'pay.quick': 'مبالغ سريعة',
  'pay.exact': 'بالضبط وبيع',
  'pay.change': 'الباقي',
  'pay.confirm': 'تأكيد',
  'pay.cancel': 'إلغاء',
  'pay.processing': 'جارٍ التنفيذ…',
  'pay.error.empty': 'أدخل المبلغ النقدي المستلم.',
  'pay.error.invalid': 'اكتب أرقامًا مع فاصلة عشرية واحدة على الأكثر، مثل {example}.',
  'pay.error.negative': 'لا يمكن أن يكون المبلغ سالبًا.',
  'pay.error.too_many_decimals': 'أقصى عدد من الخانات العشرية لمبالغ {code}: {n}.',
  'pay.error.too_many_decimals_none': 'مبالغ {code} لا تقبل خانات عشرية.',
  'pay.error.too_large': 'المبلغ كبير جدًا.',
  'pay.error.short': 'المبلغ أقل من الإجمالي: ينقص {short}.',
  'pay.error.too_much': 'سيكون الباقي {note} أو أكثر: تحقق من المبلغ المستلم.',
  'pay.mode': 'طريقة الدفع',
  'pay.mode.cash': 'نقدًا',
  'pay.mode.card': 'بطاقة',
  'pay.mode.split': 'بطاقة + نقدًا',
  'pay.cardAmount': 'المبلغ على البطاقة ({code})',
  'pay.cardFull': 'اخصم الإجمالي كاملًا على جهاز البطاقات، ثم اكتب رمز الموافقة.',
  'pay.reference': 'رمز الموافقة من جهاز البطاقات',
  'pay.referenceHint': 'لا تكتب رقم البطاقة أبدًا.',
  'pay.cashDue': 'المستحق نقدًا',
  'pay.error.cardEmpty': 'أدخل المبلغ المخصوم من البطاقة.',
  'pay.error.card_zero': 'يجب أن يكون مبلغ البطاقة أكبر من صفر.',
  'pay.error.card_total': 'لا يمكن أن يتجاوز مبلغ البطاقة الإجمالي {total}.',
  'pay.error.ref.empty': 'أدخل رمز الموافقة من جهاز البطاقات.',
  'pay.error.ref.card_number': 'يبدو هذا رقم بطاقة: اكتب رمز الموافقة بدلًا منه.',
  'pay.error.ref.too_long': 'أقصى طول لرمز الموافقة: {n}.',
  'pay.error.ref.invalid': 'رمز الموافقة يتكون من حروف وأرقام ومسافات وشرطات فقط.',
  'pay.refused': 'لم تتم عملية البيع',
  'pay.keys': 'C نقدًا · K بطاقة · S بطاقة + نقدًا · E المبلغ بالضبط · I تم التحقق من الهوية · Enter للتأكيد · Esc للإلغاء',
  'pay.override.title': 'النظام المركزي غير متصل',
  'pay.override.text': 'غير مخصصة لهذا الجهاز: {seats}. يمكن للمدير الموافقة على بيعها، ويؤكدها النظام المركزي عند عودة الاتصال.',
  'pay.override.pin': 'رمز المدير',
  'pay.override.go': 'البيع بموافقة المدير',
  'pay.override.needPin': 'أدخل رمز المدير.',

  'done.title': 'تمت عملية البيع',
  'done.change': 'الباقي',
  'done.noChange': 'لا يوجد باقٍ',
  'done.paid': 'المدفوع {tendered} · الإجمالي {total}',
  'done.card': 'بطاقة {amount}',
  'done.cash': 'النقد المستلم {amount}',
  'done.totalOnly': 'الإجمالي {total}',
  'done.securedLease': 'بيع دون اتصال (مقعد مخصص لهذا الجهاز): يؤكده النظام المركزي عند عودة الاتصال.',
  'done.securedOverride': 'بموافقة المدير: بيع دون اتصال على مقاعد غير مخصصة لهذا الجهاز، ويؤكدها النظام المركزي لاحقًا.',
  'done.vat': 'شامل ضريبة القيمة المضافة {rate}: {amount}',
  'done.override': 'سعر حدده {name}',
  'done.order': 'رقم الطلب',
  'done.seats': 'المقاعد',
  'done.synced': 'تمت المزامنة مع النظام المركزي',
  'done.queued': 'في قائمة الانتظار: ستُزامن عند عودة الاتصال',
  'done.tickets': 'التذاكر',
  'done.noTickets': 'لم تُطبع أي تذاكر.',
  'done.ticketAlt': 'التذكرة {n} من {count}',
  'done.reprintAlt': 'إعادة طباعة {n}',
  'done.changeSlipAlt': 'إشعار تغيير المقعد',
  'done.previewLoading': 'جارٍ تجهيز معاينة التذكرة…',
  'done.previewFailed': 'المعاينة غير متاحة: {message}',
  'done.newSale': 'عملية بيع جديدة',
  'done.reprint': 'إعادة طباعة التذاكر',
  'done.reprintPin': 'رمز المشرف',
  'done.reprintGo': 'إعادة الطباعة',
  'done.reprinted': 'أُعيدت طباعة: {n}، وكل منها موسوم بإعادة طباعة',
  'done.newSaleKeys': 'Enter أو N',

  'error.dismiss': 'إغلاق',
  'error.seatsGone': 'لم تعد متاحة وأُزيلت من الطلب: {seats}.',
  'error.sessionEnded': 'انتهت جلستك. يُرجى تسجيل الدخول مرة أخرى.',

  'err.generic': 'رفض الجهاز هذه العملية:',
  'err.wrong_pin': 'رمز خاطئ.',
  'err.locked_out': 'محاولات خاطئة كثيرة: حاول مرة أخرى بعد {seconds} ثانية.',
  'err.not_logged_in': 'يُرجى تسجيل الدخول مرة أخرى.',
  'err.not_allowed': 'غير مسموح: يحتاج هذا إلى مشرف أو مدير.',
  'err.not_allowed.manager': 'غير مسموح: لا يوافق على هذا إلا المدير.',
  'err.age.id_check_required': 'فيلم مصنف {rating}: أكّد أنك تحققت من هوية العميل.',
  'err.age.child_ticket_refused': 'لا تُباع تذاكر الأطفال لأفلام مصنفة {rating}.',
  'err.seat_unavailable': 'مقاعد لم تعد متاحة: {seats}.',
  'err.seat.wheelchair_unconfirmed': '{seats} مكان لكرسي متحرك: أكّد أن العميل يحتاجه.',
  'err.unknown_seats': 'لا توجد هذه المقاعد في القاعة: {seats}.',
  'err.offline_not_leased': 'النظام المركزي غير متصل والمقاعد {seats} غير مخصصة لهذا الجهاز.\nاختر مقاعد مخصصة، أو اطلب موافقة المدير.',
  'err.override_one_showtime': 'النظام المركزي غير متصل والمقاعد {seats} غير مخصصة لهذا الجهاز.\nموافقة المدير تشمل عرضًا واحدًا: ادفع لكل عرض في طلب مستقل.\nأو اختر مقاعد مخصصة.',
  'err.sales_closed': 'أُغلق البيع لهذا العرض.',
  'err.showtime_cancelled': 'أُلغي هذا العرض: لا يمكن بيع المزيد له.',
  'err.central_unreachable': 'تعذر الاتصال بالنظام المركزي: لم يُبع شيء.',
  'err.money.short_tender': 'المبلغ المستلم {tendered} أقل من الإجمالي {total}.',
  'err.money.tender_too_large': 'المبلغ {tendered} على إجمالي {total} يعطي باقيًا قدره {change}، أكثر من أكبر ورقة نقدية ({largest_note}): تحقق من المبلغ المستلم.',
  'err.override.above_list': 'لا يرفع تعديل السعر السعر: {price} أعلى من السعر الأصلي {list}.',
  'err.override.below_floor': '{price} أقل من أدنى سعر معدّل {floor} (نصف أعلى سعر أصلي): اجعلها تذكرة مجانية بدلًا من ذلك.',
  'err.override.complimentary_not_free': 'التذكرة المجانية بلا ثمن: يجب أن يكون سعرها 0.',
  'err.payment.card_number_refused': 'يبدو هذا رقم بطاقة: أدخل رمز الموافقة من جهاز البطاقات بدلًا منه.',
  'err.payment.card_amount': 'يجب أن يكون مبلغ البطاقة أكبر من صفر وألا يتجاوز الإجمالي.',
  'err.payment.missing_reference': 'أدخل رمز الموافقة من جهاز البطاقات.',
  'err.payment.bad_reference': 'رمز الموافقة يتكون من حروف وأرقام وشرطات فقط.',
  'err.print_failed': 'تعذرت الطباعة: البيع محفوظ، أعد الطباعة عند عودة الطابعة.',
  'err.unknown_booking': 'لا يوجد هذا الحجز في هذه السينما.',
  'err.central_too_old': 'النظام المركزي لا يقبل بعد طلبات لعدة عروض: ادفع لكل عرض في طلب مستقل.',
  'audit.open': 'سجل التدقيق',
  'audit.title': 'سجل التدقيق',
  'audit.intact': 'السجل سليم: {n} قيدًا، لم يُعدَّل أو يُحذف شيء.',
  'audit.broken': 'تم العبث بالسجل: {problem}',
  'audit.loading': 'جارٍ التحميل…',
  'audit.empty': 'لم يُسجَّل شيء بعد.',
  'audit.when': 'الوقت',
  'audit.what': 'الإجراء',
  'audit.who': 'الموظف',
  'audit.approvedBy': 'الموافقة من',
  'audit.detail': 'التفاصيل',
  'audit.action.price_override': 'تعديل السعر',
  'audit.action.complimentary': 'تذاكر مجانية',
  'audit.action.offline_override': 'موافقة دون اتصال',
  'audit.action.reprint': 'إعادة طباعة',
  'audit.action.reseat': 'تغيير المقعد',
  'audit.action.conflict_refund': 'استرداد تعارض',
  'audit.action.conflict_reseat': 'تغيير مقاعد تعارض',
  'audit.action.shift_open': 'فتح الوردية',
  'audit.action.shift_close': 'إغلاق الوردية',
  'conf.title': 'التعارضات',
  'conf.intro': 'مبيعات تمت دون اتصال بموافقة المدير على مقاعد اشتراها شخص آخر. انقل العميل إلى أفضل المقاعد المتاحة أو أعد له المبلغ.',
  'conf.loading': 'جارٍ تحميل التعارضات…',
  'conf.none': 'لا توجد تعارضات.',
  'conf.pin': 'رمز المشرف',
  'conf.needPin': 'أدخل رمز المشرف أولًا.',
  'conf.reseat': 'نقل إلى أفضل المقاعد المتاحة',
  'conf.refund': 'استرداد المبلغ',
  'conf.seats': 'المقاعد: {seats}',
  'conf.taken': 'اشتراها شخص آخر: {seats}',
  'conf.state.open': 'مفتوح',
  'conf.state.reseating': 'جارٍ النقل',
  'conf.state.reseated': 'تم النقل',
  'conf.state.refunded': 'تم الاسترداد',
  'conf.resolved': 'الطلب {ref}: {state}',
  'conf.close': 'إغلاق',
  'conf.keys': 'اكتب الرمز · ↑ ↓ للاختيار · R للنقل · F للاسترداد · Esc للإغلاق',

  'collect.open': 'حجز إلكتروني',
  'collect.openLabel': 'استلام حجز إلكتروني (W)',
  'collect.title': 'استلام حجز إلكتروني',
  'collect.reference': 'رقم الحجز',
  'collect.referenceHint': 'كما يظهر في بريد العميل أو هاتفه، مثل W1A2B3C4D.',
  'collect.find': 'بحث',
  'collect.finding': 'جارٍ البحث…',
  'collect.film': 'الفيلم',
  'collect.screen': 'الشاشة',
  'collect.time': 'الوقت',
  'collect.seats': 'المقاعد ({n})',
  'collect.paid': 'المدفوع إلكترونيًا',
  'collect.print': 'طباعة التذاكر',
  'collect.printing': 'جارٍ الطباعة…',
  'collect.printed': 'تم الاستلام: طُبعت التذاكر ({n})',
  'collect.collectedHere': 'تم استلامه من قبل على هذا الجهاز ({terminal}، {time})، وطُبعت تذاكره حينها.',
  'collect.collectedAt': 'تم استلامه من قبل على الجهاز {terminal} ({time}).',
  'collect.collectedAtNoTime': 'تم استلامه من قبل على الجهاز {terminal}.',
  'collect.refunded': 'استُرد مبلغ هذا الحجز إلكترونيًا، ولا يمكن استلامه.',
  'collect.another': 'حجز آخر',
  'collect.close': 'إغلاق',
  'collect.keys': 'Enter للبحث ثم للطباعة · Esc للإغلاق',
  'collect.error.empty': 'اكتب رقم الحجز.',
  'collect.error.too_long': 'أقصى طول لرقم الحجز: {n}.',
  'collect.error.invalid': 'رقم الحجز يتكون من حروف لاتينية وأرقام فقط، مثل W1A2B3C4D.',
  'collect.error.unknown': 'لا يوجد حجز إلكتروني برقم {ref} في هذه السينما. تحقق من الرقم مع العميل.',
  'collect.error.unreachable': 'تعذر الاتصال بالنظام المركزي: لا يمكن استلام الحجوزات الإلكترونية إلا عند الاتصال. حاول مرة أخرى بعد قليل.',
  'collect.error.other': 'تعذر استلام الحجز: {message}',

  'lang.label': 'اللغة',
  'lang.switchTo': 'تغيير لغة الشاشة إلى {language}',
};

export const dictionaries: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, ar };

/** The current UI language (reactive: reading it inside a component tracks it). */
export function locale(): Locale {
  return lang.current;
}

/** Text direction of the current language (for <html dir>). */
export function dir(): Dir {
  return dirOf(lang.current);
}

/** Interpolate "{name}" placeholders; unknown placeholders are left as they are. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/**
 * Wrap text in a Unicode isolate so it keeps its own order and never
 * reorders its neighbours: left-to-right (LRI) unless it holds Hebrew or
 * Arabic letters, then first-strong (FSI). LRI, not FSI, for text without
 * letters: "21+" must not turn into "+21".
 */
export function isolate(text: string): string {
  return `${RTL_LETTER.test(text) ? '\u2068' : '\u2066'}${text}\u2069`;
}

/** The "{name}" placeholders of a template, sorted. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/**
 * `key` in `locale`. In right-to-left languages each parameter is isolated
 * (FSI…PDI), so Latin data such as "F-12", "Screen 1" or "AED 45.00" keeps
 * its order inside Arabic text.
 */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = dictionaries[locale][key] ?? dictionaries[DEFAULT_LOCALE][key];
  if (!params || dirOf(locale) === 'ltr') return format(template, params);
  const isolated: Params = {};
  for (const [name, value] of Object.entries(params)) isolated[name] = isolate(String(value));
  return format(template, isolated);
}

export function t(key: MessageKey, params?: Params): string {
  return translate(lang.current, key, params);
}

/** Engine codes whose English sentence the UI words better (shorter lines). */
const REPHRASED: ReadonlySet<string> = new Set(['offline_not_leased', 'override_one_showtime']);

/**
 * An engine error as the cashier reads it, in `locale`: lines, the first the
 * message and any others details. Arabic screens get the UI's own sentence
 * for the code, filled with the engine's parameters (seats, rating, amounts,
 * isolated so "21+" stays "21+"); English screens get the engine's sentence
 * (it names people and seats) unless the UI words it better. A code without
 * a sentence, or a sentence whose parameters the engine did not send, falls
 * back to the engine's words (under a line in the screen's language).
 */
export function engineText(
  locale: Locale,
  code: string,
  message: string,
  params: Readonly<Record<string, string | undefined>> = {},
): string[] {
  // A refusal that says who may approve has its own sentence per role.
  const byNeeds = `err.${code}.${params.needs ?? ''}`;
  const key = params.needs && Object.prototype.hasOwnProperty.call(en, byNeeds) ? byNeeds : `err.${code}`;
  const known = Object.prototype.hasOwnProperty.call(en, key);
  const template = known ? en[key as MessageKey] : '';
  const complete = known && placeholders(template).every((p) => typeof params[p] === 'string');
  if (locale === 'en' && !REPHRASED.has(code)) return [message];
  if (!complete) return locale === 'en' ? [message] : [translate(locale, 'err.generic'), message];
  const filled: Params = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) filled[k] = v;
  return translate(locale, key as MessageKey, filled).split('\n');
}

export interface FilmTitles {
  /** The title to show first, and its language. */
  main: string;
  mainLang: Locale;
  /** The other language's title underneath, or null. */
  other: string | null;
  otherLang: Locale;
}

/** Arabic screens show the Arabic title first (English when there is none), English screens the reverse. */
export function filmTitles(
  film: { film_title_en: string; film_title_ar: string },
  locale: Locale = lang.current,
): FilmTitles {
  const en = film.film_title_en.trim();
  const arTitle = film.film_title_ar.trim();
  if (locale === 'ar' && arTitle !== '') {
    return { main: arTitle, mainLang: 'ar', other: en !== '' && en !== arTitle ? en : null, otherLang: 'en' };
  }
  return {
    main: en !== '' ? en : arTitle,
    mainLang: en !== '' ? 'en' : 'ar',
    other: en !== '' && arTitle !== '' && arTitle !== en ? arTitle : null,
    otherLang: 'ar',
  };
}

/** A ticket type's name in the screen's language (English when the Arabic name is empty). */
export function ticketTypeName(tt: { name_en: string; name_ar: string }, locale: Locale = lang.current): string {
  return locale === 'ar' && tt.name_ar.trim() !== '' ? tt.name_ar : tt.name_en;
}
