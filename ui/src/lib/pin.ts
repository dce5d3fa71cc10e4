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

export function pinKeyFromKeyboard(key: string): PinKey | null {
  if (/^\d$/.test(key)) return { kind: 'digit', digit: key };
  if (key === 'Backspace') return { kind: 'back' };
  if (key === 'Escape' || key === 'Delete') return { kind: 'clear' };
  if (key === 'Enter') return { kind: 'enter' };
  return null;
}
