// Every command the screen sends goes through here: an answer saying the
// session locked (idle at the engine) shows the lock screen, one saying it
// expired or is gone sends the counter back to the sign-in, whichever panel
// asked. The caller still gets its error (and may show it in place).

import { BackendError, type Backend } from './backend';
import type { Commands } from './types';

/** What a failed command says about the session. */
export type SessionEvent = { kind: 'locked' } | { kind: 'ended'; error: BackendError };

/** Codes that end the session (sign in again). */
export const ENDED_CODES: readonly string[] = ['not_logged_in', 'session.expired'];
export const LOCKED_CODE = 'session.locked';

/** Commands whose failure says nothing about the session on screen. */
const IGNORED: ReadonlySet<string> = new Set(['login', 'logout', 'status', 'staff_list']);

/** The session news in command `cmd`'s failure `e`, if any. */
export function sessionEvent(cmd: string, e: unknown): SessionEvent | null {
  if (!(e instanceof BackendError) || IGNORED.has(cmd)) return null;
  if (e.code === LOCKED_CODE) return { kind: 'locked' };
  if (ENDED_CODES.includes(e.code)) return { kind: 'ended', error: e };
  return null;
}

/** The token a command was sent with, if it carries one. */
export function tokenOf(args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const token = (args as { token?: unknown }).token;
  return typeof token === 'string' ? token : null;
}

export interface SessionHooks {
  /** A command for the session `token` failed with news about it. */
  onEvent: (event: SessionEvent, token: string | null) => void;
  /** A command for the session `token` went through (the engine counts it as a use). */
  onUsed?: (token: string) => void;
}

/** `backend`, watched: session news from any command reaches `hooks`. */
export function watchSession(backend: Backend, hooks: SessionHooks): Backend {
  return {
    async call<C extends keyof Commands>(cmd: C, args: Commands[C]['args']): Promise<Commands[C]['result']> {
      const token = tokenOf(args);
      try {
        const result = await backend.call(cmd, args);
        if (token !== null && !IGNORED.has(cmd) && cmd !== 'lock' && cmd !== 'unlock') hooks.onUsed?.(token);
        return result;
      } catch (e) {
        const event = sessionEvent(cmd, e);
        if (event) hooks.onEvent(event, token);
        throw e;
      }
    },
  };
}
