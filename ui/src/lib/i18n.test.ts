import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatBusinessDay, formatClock } from './format';
import { dictionaries, dir, engineText, filmTitles, isolate, locale, placeholders, t, ticketTypeName, translate, translateCount } from './i18n';
import { toBackendError } from './backend';
import { applyLang, dirOf, lang, LOCALES, setLang, STORAGE_KEY, toggleLang } from './lang.svelte';
import { latinDigits, pinKeyFromKeyboard } from './pin';

/** Arabic script, letters or punctuation (the Arabic comma in a list of placeholders). */
const ARABIC_SCRIPT = /[\u0600-\u06ff]/;
/** Keys whose Arabic text is rightly Latin: the brand, a key cap, a placeholder-only template, "VIP". */
const LATIN_IN_ARABIC = new Set(['app.name', 'order.payKey', 'shows.screen', 'seat.area.vip']);

afterEach(() => {
  setLang('en');
  vi.unstubAllGlobals();
});

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('dictionaries', () => {
  const en = dictionaries.en;
  const ar = dictionaries.ar;

  it('have exactly the same keys', () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
  });

  it('have the same placeholders for every key', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ar[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('have no empty strings, and the Arabic one is Arabic', () => {
    for (const l of LOCALES) {
      for (const [key, text] of Object.entries(dictionaries[l])) expect(text.trim(), `${l} ${key}`).not.toBe('');
    }
    for (const [key, text] of Object.entries(ar)) {
      if (!LATIN_IN_ARABIC.has(key)) expect(text, key).toMatch(ARABIC_SCRIPT);
    }
  });

  it('isolates Latin and letterless text left to right, Arabic by its first letter', () => {
    expect(isolate('F-12')).toBe('\u2066F-12\u2069');
    expect(isolate('21+')).toBe('\u206621+\u2069');
    expect(isolate('متاح')).toBe('\u2068متاح\u2069');
  });

  it('finds placeholders', () => {
    expect(placeholders('{b} of {a}, {a}')).toEqual(['a', 'a', 'b']);
    expect(placeholders('none')).toEqual([]);
  });
});

describe('language setting', () => {
  it('switches t(), the direction and the stored choice', () => {
    const storage = new MemoryStorage();
    vi.stubGlobal('localStorage', storage);
    expect(locale()).toBe('en');
    expect(t('order.total')).toBe('Total');
    setLang('ar');
    expect(lang.current).toBe('ar');
    expect(locale()).toBe('ar');
    expect(dir()).toBe('rtl');
    expect(lang.dir).toBe('rtl');
    expect(t('order.total')).toBe('الإجمالي');
    expect(storage.getItem(STORAGE_KEY)).toBe('ar');
    toggleLang();
    expect(lang.current).toBe('en');
    expect(dir()).toBe('ltr');
    expect(storage.getItem(STORAGE_KEY)).toBe('en');
  });

  it('starts with the remembered language, English when none or unknown', async () => {
    for (const [stored, expected] of [
      ['ar', 'ar'],
      ['en', 'en'],
      ['fr', 'en'],
      [null, 'en'],
    ] as const) {
      const storage = new MemoryStorage();
      if (stored !== null) storage.setItem(STORAGE_KEY, stored);
      vi.stubGlobal('localStorage', storage);
      vi.resetModules();
      const fresh = await import('./lang.svelte');
      expect(fresh.lang.current, `stored ${stored}`).toBe(expected);
    }
  });

  it('works without storage', () => {
    vi.stubGlobal('localStorage', undefined);
    setLang('ar');
    expect(t('order.title')).toBe('الطلب');
  });

  it('sets <html lang> and <html dir>', () => {
    const doc = { documentElement: { lang: '', dir: '' } } as unknown as Document;
    setLang('ar');
    applyLang(doc);
    expect(doc.documentElement.lang).toBe('ar');
    expect(doc.documentElement.dir).toBe('rtl');
    setLang('en');
    applyLang(doc);
    expect(doc.documentElement.lang).toBe('en');
    expect(doc.documentElement.dir).toBe('ltr');
    expect(dirOf('ar')).toBe('rtl');
    expect(dirOf('en')).toBe('ltr');
  });
});

describe('translate', () => {
  it('leaves English parameters as they are', () => {
    expect(translate('en', 'seat.aria', { label: 'F-12', state: 'free' })).toBe('Seat F-12, free');
  });

  it('isolates parameters inside Arabic text so Latin data keeps its order', () => {
    expect(translate('ar', 'seat.aria', { label: 'F-12', state: 'متاح' })).toBe(
      `المقعد ${isolate('F-12')}، ${isolate('متاح')}`,
    );
    expect(translate('ar', 'pay.error.short', { short: 'AED 5.00' })).toBe(
      `المبلغ أقل من الإجمالي: ينقص ${isolate('AED 5.00')}.`,
    );
    expect(translate('ar', 'order.title')).toBe('الطلب');
  });
});

describe('catalog names', () => {
  const film = { film_title_en: 'The Last Caravan', film_title_ar: 'القافلة الأخيرة' };

  it('puts the Arabic title first on Arabic screens, English underneath', () => {
    expect(filmTitles(film, 'ar')).toEqual({
      main: 'القافلة الأخيرة',
      mainLang: 'ar',
      other: 'The Last Caravan',
      otherLang: 'en',
    });
    expect(filmTitles(film, 'en')).toEqual({
      main: 'The Last Caravan',
      mainLang: 'en',
      other: 'القافلة الأخيرة',
      otherLang: 'ar',
    });
  });

  it('falls back to the English title when there is no Arabic one', () => {
    expect(filmTitles({ film_title_en: 'Dune Runners', film_title_ar: ' ' }, 'ar')).toEqual({
      main: 'Dune Runners',
      mainLang: 'en',
      other: null,
      otherLang: 'ar',
    });
  });

  it('follows the current language by default', () => {
    setLang('ar');
    expect(filmTitles(film).main).toBe('القافلة الأخيرة');
    setLang('en');
    expect(filmTitles(film).main).toBe('The Last Caravan');
  });

  it('names ticket types in the screen language', () => {
    const adult = { name_en: 'Adult', name_ar: 'بالغ' };
    expect(ticketTypeName(adult, 'ar')).toBe('بالغ');
    expect(ticketTypeName(adult, 'en')).toBe('Adult');
    expect(ticketTypeName({ name_en: 'Senior', name_ar: '' }, 'ar')).toBe('Senior');
  });
});

describe('dates, times and digits', () => {
  it('writes the business day in Arabic with Latin digits and Gregorian months', () => {
    expect(formatBusinessDay('2025-11-26', 'ar')).toBe('الأربعاء، 26 نوفمبر 2025');
    expect(formatBusinessDay('2026-01-02', 'ar')).toBe('الجمعة، 2 يناير 2026');
    expect(formatBusinessDay('2025-11-26', 'en')).toBe('Wed 26 Nov 2025');
  });

  it('keeps the clock 24 h with Latin digits', () => {
    expect(formatClock(new Date('2025-11-26T20:30:00Z'), 'Asia/Dubai')).toBe('00:30');
  });

  it('reads Arabic-Indic digits as Latin', () => {
    expect(latinDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(latinDigits('۱۲۳')).toBe('123');
    expect(latinDigits('A-12')).toBe('A-12');
    expect(pinKeyFromKeyboard('٧')).toEqual({ kind: 'digit', digit: '7' });
  });
});

describe('engine errors in the screen language', () => {
  it('says engine refusals in Arabic, not English (issue 14, item 10)', () => {
    const lines = engineText('ar', 'not_allowed', 'reprints need a supervisor or a manager');
    expect(lines).toEqual([dictionaries.ar['err.not_allowed']]);
    expect(lines.join(' ')).not.toMatch(/[a-z]{3}/);
  });
  it('says who may approve: a manager-only refusal does not send the cashier to a supervisor', () => {
    expect(engineText('ar', 'not_allowed', 'only a manager can approve an offline override', { needs: 'manager' })).toEqual([
      dictionaries.ar['err.not_allowed.manager'],
    ]);
    expect(engineText('ar', 'not_allowed', 'price overrides need a supervisor or a manager', { needs: 'supervisor' })).toEqual([
      dictionaries.ar['err.not_allowed'],
    ]);
  });
  it('keeps the rating the right way round inside Arabic text', () => {
    const [line = ''] = engineText('ar', 'age.child_ticket_refused', 'child tickets cannot be sold for films rated 21+', {
      rating: '21+',
    });
    expect(line).toContain('\u206621+\u2069');
    expect(line).not.toContain('+21');
  });
  it('keeps the engine sentence in English, except where the UI words it in lines', () => {
    expect(engineText('en', 'not_allowed', 'Demo Cashier is not a supervisor')).toEqual(['Demo Cashier is not a supervisor']);
    const lines = engineText('en', 'override_one_showtime', 'one long sentence', { seats: 'H-7, H-8' });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('Central is offline and H-7, H-8 are not leased to this terminal.');
  });
  it("falls back to the engine's words when it has no sentence or its parameters are missing", () => {
    expect(engineText('ar', 'some_new_code', 'Something new')).toEqual([dictionaries.ar['err.generic'], 'Something new']);
    expect(engineText('ar', 'seat_unavailable', 'seats no longer available: F-1')).toEqual([
      dictionaries.ar['err.generic'],
      'seats no longer available: F-1',
    ]);
    expect(engineText('en', 'override_one_showtime', 'the engine sentence')).toEqual(['the engine sentence']);
  });
  it('localises a backend error as it arrives', () => {
    setLang('ar');
    const err = toBackendError({ code: 'seat_unavailable', message: 'seats no longer available: F-1', params: { seats: 'F-1' } });
    expect(err.message).toContain('مقاعد لم تعد متاحة');
    expect(err.params).toEqual({ seats: 'F-1' });
  });
});

describe('translateCount', () => {
  const forms = { one: 'orders.refundOne', two: 'orders.refundTwo', few: 'orders.refundFew', other: 'orders.refundMany' } as const;

  it('words a count by the language\'s plural rules', () => {
    expect(translateCount('en', forms, 1)).toBe('Refund 1 ticket…');
    expect(translateCount('en', forms, 2)).toBe('Refund 2 tickets…');
    expect(translateCount('en', forms, 7)).toBe('Refund 7 tickets…');
    expect(translateCount('ar', forms, 1)).toBe('استرداد تذكرة واحدة…');
    // Arabic: the dual for two, a plural from 3 to 10, the singular from 11 to 99.
    expect(translateCount('ar', forms, 2)).toBe('استرداد تذكرتين…');
    expect(translateCount('ar', forms, 3)).toBe(`استرداد ${isolate('3')} تذاكر…`);
    expect(translateCount('ar', forms, 10)).toBe(`استرداد ${isolate('10')} تذاكر…`);
    expect(translateCount('ar', forms, 11)).toBe(`استرداد ${isolate('11')} تذكرة…`);
  });

  it('falls back to the other form for a form not given', () => {
    expect(translateCount('ar', { other: 'orders.refundMany' }, 2)).toBe(`استرداد ${isolate('2')} تذكرة…`);
  });
});
