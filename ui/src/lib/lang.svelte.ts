// The UI language: one reactive setting for the whole app.
//
// `t()` (i18n.ts) reads `lang.current`, so every string shown through it
// follows a switch without reloading. The choice is kept in localStorage
// (per terminal) and mirrored to <html lang> and <html dir>: Arabic is right
// to left, which mirrors every layout written with logical CSS properties.

export type Locale = 'en' | 'ar';
export type Dir = 'ltr' | 'rtl';

export const LOCALES: readonly Locale[] = ['en', 'ar'];
export const DEFAULT_LOCALE: Locale = 'en';
export const STORAGE_KEY = 'boxoffice.lang';

/** Each language's name in its own script (never translated). */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', ar: 'العربية' };
/** Short forms for the top bar's toggle, as on Gulf bilingual screens. */
export const LANGUAGE_SHORT: Readonly<Record<Locale, string>> = { en: 'EN', ar: 'عربي' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function dirOf(locale: Locale): Dir {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage can be disabled (privacy settings): the language is then per session.
    return null;
  }
}

function storedLocale(): Locale {
  try {
    const value = storage()?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

class Lang {
  current = $state<Locale>(storedLocale());

  get dir(): Dir {
    return dirOf(this.current);
  }
}

export const lang = new Lang();

/** Put <html lang/dir> in step with the current language. */
export function applyLang(doc: Document | undefined = globalThis.document): void {
  if (!doc) return;
  doc.documentElement.lang = lang.current;
  doc.documentElement.dir = lang.dir;
}

/** Switch the UI language, remember it on this terminal, and re-direct the page. */
export function setLang(locale: Locale): void {
  lang.current = locale;
  try {
    storage()?.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered; the switch still applies now.
  }
  applyLang();
}

export function toggleLang(): void {
  setLang(lang.current === 'ar' ? 'en' : 'ar');
}
