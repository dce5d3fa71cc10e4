// PIN entry state for the login pad.

export const PIN_MAX = 8;

export function pushDigit(pin: string, digit: string): string {
  if (!/^\d$/.test(digit) || pin.length >= PIN_MAX) return pin;
  return pin + digit;
}

export function popDigit(pin: string): string {
  return pin.slice(0, -1);
}

/** A keyboard key as a PIN-pad action. */
export type PinKey = { kind: 'digit'; digit: string } | { kind: 'back' } | { kind: 'clear' } | { kind: 'enter' };

/** Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits as Latin digits; other characters unchanged. */
export function latinDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

export function pinKeyFromKeyboard(key: string): PinKey | null {
  // An Arabic keyboard layout may type Arabic-Indic digits.
  const digit = latinDigits(key);
  if (/^\d$/.test(digit)) return { kind: 'digit', digit };
  if (key === 'Backspace') return { kind: 'back' };
  if (key === 'Escape' || key === 'Delete') return { kind: 'clear' };
  if (key === 'Enter') return { kind: 'enter' };
  return null;
}
