import { describe, expect, it } from 'vitest';
import { keyAction, LETTER_KEYS, type KeyContext, type KeyPress } from './keymap';

const idle: KeyContext = { overlay: false, typing: false, onBody: true };

function press(key: string, more: Partial<KeyPress> = {}): KeyPress {
  return { key, code: '', ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, ...more };
}

describe('keyAction', () => {
  it('maps each letter, upper or lower case, to its action', () => {
    expect(keyAction(press('p'), idle)).toEqual({ kind: 'pay' });
    expect(keyAction(press('P'), idle)).toEqual({ kind: 'pay' });
    expect(keyAction(press('b'), idle)).toEqual({ kind: 'best' });
    expect(keyAction(press('t'), idle)).toEqual({ kind: 'board' });
    expect(keyAction(press('A'), idle)).toEqual({ kind: 'add' });
    expect(keyAction(press('c'), idle)).toEqual({ kind: 'conflicts' });
    expect(keyAction(press('w'), idle)).toEqual({ kind: 'collect' });
    expect(keyAction(press('o'), idle)).toEqual({ kind: 'orders' });
    expect(keyAction(press('x'), idle)).toBeNull();
  });

  it('maps letters by key position on an Arabic layout', () => {
    expect(keyAction(press('ح', { code: 'KeyP' }), idle)).toEqual({ kind: 'pay' });
    expect(keyAction(press('لا', { code: 'KeyB' }), idle)).toEqual({ kind: 'best' });
    for (const k of LETTER_KEYS) expect(keyAction(press('؟', { code: k.code }), idle)).toEqual({ kind: k.action });
  });

  it('sets the party size from Latin and Arabic-Indic digits 1 to 9', () => {
    expect(keyAction(press('4'), idle)).toEqual({ kind: 'party', size: 4 });
    expect(keyAction(press('٣'), idle)).toEqual({ kind: 'party', size: 3 });
    expect(keyAction(press('۷'), idle)).toEqual({ kind: 'party', size: 7 });
    expect(keyAction(press('0'), idle)).toBeNull();
  });

  it('Escape clears; Enter pays only when nothing has the focus', () => {
    expect(keyAction(press('Escape'), idle)).toEqual({ kind: 'escape' });
    expect(keyAction(press('Enter'), idle)).toEqual({ kind: 'pay' });
    expect(keyAction(press('Enter'), { ...idle, onBody: false })).toBeNull();
  });

  it('leaves keys alone in a dialog, in a text field, with a modifier or already handled', () => {
    expect(keyAction(press('p'), { ...idle, overlay: true })).toBeNull();
    expect(keyAction(press('p'), { ...idle, typing: true })).toBeNull();
    expect(keyAction(press('Escape'), { ...idle, typing: true })).toBeNull();
    expect(keyAction(press('p', { ctrlKey: true }), idle)).toBeNull();
    expect(keyAction(press('p', { metaKey: true }), idle)).toBeNull();
    expect(keyAction(press('2', { altKey: true }), idle)).toBeNull();
    expect(keyAction(press('Escape', { defaultPrevented: true }), idle)).toBeNull();
  });
});
