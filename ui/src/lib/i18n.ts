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
  'done.reprint': 'Reprint tickets',
  'done.reprintPin': 'Supervisor PIN',
  'done.reprintGo': 'Reprint',
  'done.reprinted': 'Reprinted: {n}, each marked REPRINT',
  'done.newSaleKeys': 'Enter or N',

  'error.dismiss': 'Dismiss',
  'error.seatsGone': 'No longer available, removed from the order: {seats}.',
  'error.sessionEnded': 'Your session ended. Please sign in again.',

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
  'pay.idCheck': 'تم التحقق من الهوية: جميع العملاء بلغوا السن المطلوبة لهذا الفيلم المصنّف {rating}',
  'best.party': 'عدد الأشخاص',
  'best.fewer': 'شخص أقل',
  'best.more': 'شخص إضافي',
  'best.button': 'أفضل مقاعد متجاورة: {n}',
  'best.split': 'لا يوجد صف يتسع لهم متجاورين؛ التوزيع المقترح: {groups}.',
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
  'shows.runtime': '{n} دقيقة',
  'shows.screen': '{screen}',
  'shows.tileLabel': '{time}، {film}، {screen}، {format}، {seats}',

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
  'seat.state.leased': 'في عملية بيع أخرى',
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
  'legend.leased': 'في عملية بيع أخرى',
  'legend.blocked': 'مغلق',
  'legend.wheelchair': 'كرسي متحرك',
  'legend.companion': 'مرافق',

  'order.title': 'الطلب',
  'order.ticketType': 'نوع التذكرة',
  'order.noTypes': 'لا توجد أنواع تذاكر معروضة للبيع في هذا العرض.',
  'order.empty': 'اضغط على المقاعد المتاحة في الخريطة لإضافتها إلى الطلب.',
  'order.noShowtime': 'اختر عرضًا، ثم المقاعد.',
  'order.seats': 'المقاعد ({n})',
  'order.remove': 'إزالة المقعد {label}',
  'order.total': 'الإجمالي',
  'order.vatIncluded': 'شامل ضريبة القيمة المضافة',
  'order.pay': 'الدفع نقدًا',
  'order.payKey': 'P',
  'order.clear': 'مسح الطلب',

  'pay.title': 'الدفع النقدي',
  'pay.total': 'المبلغ المطلوب',
  'pay.tendered': 'المبلغ المستلم ({code})',
  'pay.quick': 'مبالغ سريعة',
  'pay.exact': 'بالضبط',
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

  'done.title': 'تمت عملية البيع',
  'done.change': 'الباقي',
  'done.noChange': 'لا يوجد باقٍ',
  'done.paid': 'المدفوع {tendered} · الإجمالي {total}',
  'done.vat': 'شامل ضريبة القيمة المضافة {rate}: {amount}',
  'done.order': 'رقم الطلب',
  'done.seats': 'المقاعد',
  'done.synced': 'تمت المزامنة مع النظام المركزي',
  'done.queued': 'في قائمة الانتظار: ستُزامن عند عودة الاتصال',
  'done.tickets': 'التذاكر',
  'done.noTickets': 'لم تُطبع أي تذاكر.',
  'done.ticketAlt': 'التذكرة {n} من {count}',
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
