// Dates and times for display, in the site's time zone.
//
// Latin digits in every language (Gulf POS practice; see i18n.ts). Arabic
// dates use the Gregorian calendar and the Gulf month names (نوفمبر).

import type { Locale } from './lang.svelte';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', ar: 'ar-AE' };

/**
 * "2025-11-26" -> "Wed 26 Nov 2025" / "الأربعاء، 26 نوفمبر 2025"
 * (the day itself, no time-zone shift).
 */
export function formatBusinessDay(day: string, locale: Locale = 'en'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(date.getTime())) return day;
  // Compose from parts: ICU versions disagree on the punctuation between them.
  const parts = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    weekday: locale === 'ar' ? 'long' : 'short',
    day: 'numeric',
    month: locale === 'ar' ? 'long' : 'short',
    year: 'numeric',
    timeZone: 'UTC',
    calendar: 'gregory',
    numberingSystem: 'latn',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  if (locale === 'ar') return `${part('weekday')}، ${part('day')} ${part('month')} ${part('year')}`;
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** Wall-clock "HH:MM" (24 h, Latin digits, every language) in `timeZone`; falls back to the machine's zone if the name is unknown. */
export function formatClock(date: Date, timeZone: string): string {
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en-GB', opts).format(date);
  }
}

/** How long ago, coarse, for the status bar: seconds under a minute, minutes under an hour, then hours and minutes. */
export type Age = { unit: 's'; n: number } | { unit: 'min'; n: number } | { unit: 'h'; h: number; min: number };

export function ageOf(secs: number): Age {
  const s = Math.max(0, Math.floor(secs));
  if (s < 60) return { unit: 's', n: s };
  if (s < 3600) return { unit: 'min', n: Math.floor(s / 60) };
  return { unit: 'h', h: Math.floor(s / 3600), min: Math.floor((s % 3600) / 60) };
}

/**
 * A business day on a compact day button: "2025-11-28" -> weekday "Fri" /
 * "الجمعة" and date "28 Nov" / "28 نوفمبر" (Latin digits, no time-zone shift).
 */
export function formatDayButton(day: string, locale: Locale = 'en'): { weekday: string; date: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) return { weekday: '', date: day };
  const parts = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
    calendar: 'gregory',
    numberingSystem: 'latn',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), date: `${part('day')} ${part('month')}` };
}
