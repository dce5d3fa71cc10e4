// The counter's keys, as data: a key press is an action or nothing. Letters
// match by key position too (KeyP, KeyB), so they work on an Arabic layout;
// digits may be Arabic-Indic.

import { latinDigits } from './pin';

export type CounterAction =
  | { kind: 'pay' }
  | { kind: 'best' }
  | { kind: 'board' }
  | { kind: 'add' }
  | { kind: 'conflicts' }
  | { kind: 'collect' }
  | { kind: 'orders' }
  | { kind: 'party'; size: number }
  | { kind: 'escape' };

type LetterAction = Exclude<CounterAction, { kind: 'party' } | { kind: 'escape' }>['kind'];

/** Letter keys: the letter and the key position that both mean the action. */
export const LETTER_KEYS: readonly { letter: string; code: string; action: LetterAction }[] = [
  { letter: 'p', code: 'KeyP', action: 'pay' },
  { letter: 'b', code: 'KeyB', action: 'best' },
  { letter: 't', code: 'KeyT', action: 'board' },
  { letter: 'a', code: 'KeyA', action: 'add' },
  { letter: 'c', code: 'KeyC', action: 'conflicts' },
  { letter: 'w', code: 'KeyW', action: 'collect' },
  { letter: 'o', code: 'KeyO', action: 'orders' },
];

/** What the counter knows about a key press beyond the key itself. */
export interface KeyContext {
  /** A dialog is open: it has the keys. */
  overlay: boolean;
  /** The key goes to a text field. */
  typing: boolean;
  /** Nothing has the focus (Enter pays then). */
  onBody: boolean;
}

export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

/** The action a key press means at the counter, or null (the key goes on its way). */
export function keyAction(e: KeyPress, ctx: KeyContext): CounterAction | null {
  if (ctx.overlay || e.defaultPrevented) return null;
  if (e.ctrlKey || e.metaKey || e.altKey || ctx.typing) return null;
  const letter = LETTER_KEYS.find((k) => e.key === k.letter || e.key === k.letter.toUpperCase() || e.code === k.code);
  if (letter) return { kind: letter.action };
  const digit = latinDigits(e.key);
  if (/^[1-9]$/.test(digit)) return { kind: 'party', size: Number(digit) };
  if (e.key === 'Escape') return { kind: 'escape' };
  if (e.key === 'Enter' && ctx.onBody) return { kind: 'pay' };
  return null;
}
