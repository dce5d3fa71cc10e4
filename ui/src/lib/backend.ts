// The only way the UI talks to the terminal engine.
//
// Two transports, chosen once at start:
//  - Tauri: `invoke('call', { cmd, args })` into the desktop shell;
//  - HTTP:  `POST /api/<cmd>` with JSON args, served by `boxoffice-site serve`.
// Both report failures as `{ code, message }`; both are surfaced as BackendError.

import { invoke } from '@tauri-apps/api/core';
import type { ApiError, Commands } from './types';
import { engineText, locale } from './i18n';

export interface Backend {
  call<C extends keyof Commands>(cmd: C, args: Commands[C]['args']): Promise<Commands[C]['result']>;
}

/** A failed command. `message` is meant for the person at the counter. */
export class BackendError extends Error {
  readonly code: string;
  /** The engine's parameters of the message (seats, rating, amounts). */
  readonly params: Readonly<Record<string, string>>;

  constructor(code: string, message: string, params: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.params = params;
  }
}

/** An engine error, worded for the screen's language (see `engineText`); extra lines are details. */
function fromApi(e: ApiError): BackendError {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.params ?? {})) if (typeof v === 'string') params[k] = v;
  return new BackendError(e.code, engineText(locale(), e.code, e.message, params).join('\n'), params);
}

/** Error codes produced by the UI itself (not by the engine). */
export const CLIENT_ERROR = {
  network: 'network',
  badResponse: 'bad_response',
  unknown: 'unknown',
} as const;

/** Engine codes that mean "the session is gone: log in again". */
export const SESSION_ERROR_CODES: readonly string[] = ['not_logged_in', 'session.expired'];

export function isSessionError(e: unknown): boolean {
  return e instanceof BackendError && SESSION_ERROR_CODES.includes(e.code);
}

/** The engine locked the session (idle): its owner's PIN unlocks it (the lock screen shows). */
export function isLockedError(e: unknown): boolean {
  return e instanceof BackendError && e.code === 'session.locked';
}

function isApiError(v: unknown): v is ApiError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApiError).code === 'string' &&
    typeof (v as ApiError).message === 'string'
  );
}

/** Turn whatever a transport rejected with into a BackendError. */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isApiError(e)) return fromApi(e);
  if (typeof e === 'string') {
    // Tauri rejects with a string when the error is serialised as one
    // (or a JSON string of {code, message}).
    try {
      const parsed: unknown = JSON.parse(e);
      if (isApiError(parsed)) return fromApi(parsed);
    } catch {
      /* not JSON: fall through */
    }
    return new BackendError(CLIENT_ERROR.unknown, e);
  }
  if (e instanceof Error) return new BackendError(CLIENT_ERROR.unknown, e.message);
  return new BackendError(CLIENT_ERROR.unknown, String(e));
}

/** Map a non-2xx HTTP answer (status + body text) to a BackendError. */
export function httpError(status: number, statusText: string, body: string): BackendError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isApiError(parsed)) return fromApi(parsed);
  } catch {
    /* not JSON */
  }
  const detail = body.trim().slice(0, 200) || statusText || 'no details';
  return new BackendError(`http_${status}`, `The terminal service answered ${status}: ${detail}`);
}

/** The header that carries the HTTP door's key (`boxoffice-site serve`). */
export const DOOR_KEY_HEADER = 'x-boxoffice-key';
const DOOR_KEY_STORE = 'boxoffice.doorKey';

/**
 * The HTTP door's key: given once in the page's address as `#key=KEY` (the
 * fragment never reaches a server or its logs), then kept for the tab's
 * life and taken out of the address bar.
 */
export function doorKey(loc: Pick<Location, 'hash' | 'pathname' | 'search'> | null, store: Storage | null): string | null {
  const m = loc?.hash.match(/(?:^#|&)key=([^&]+)/);
  if (m?.[1]) {
    const key = decodeURIComponent(m[1]);
    try {
      store?.setItem(DOOR_KEY_STORE, key);
    } catch {
      /* storage refused: the key still works for this page */
    }
    return key;
  }
  try {
    return store?.getItem(DOOR_KEY_STORE) ?? null;
  } catch {
    return null;
  }
}

export class HttpBackend implements Backend {
  private readonly base: string;
  private readonly key: string | null;

  /** `base` is prepended to "/api/<cmd>"; empty means the page's own origin. */
  constructor(base = '', key: string | null = null) {
    this.base = base;
    this.key = key;
  }

  async call<C extends keyof Commands>(cmd: C, args: Commands[C]['args']): Promise<Commands[C]['result']> {
    let res: Response;
    try {
      res = await fetch(this.base + '/api/' + cmd, {
        method: 'POST',
        headers: this.key ? { 'content-type': 'application/json', [DOOR_KEY_HEADER]: this.key } : { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BackendError(CLIENT_ERROR.network, `Cannot reach the terminal service (${why}).`);
    }
    const text = await res.text();
    if (!res.ok) throw httpError(res.status, res.statusText, text);
    if (text.trim() === '') return {} as Commands[C]['result'];
    try {
      return JSON.parse(text) as Commands[C]['result'];
    } catch {
      throw new BackendError(CLIENT_ERROR.badResponse, `The terminal service sent an unreadable answer to "${cmd}".`);
    }
  }
}

export class TauriBackend implements Backend {
  async call<C extends keyof Commands>(cmd: C, args: Commands[C]['args']): Promise<Commands[C]['result']> {
    try {
      return await invoke<Commands[C]['result']>('call', { cmd, args });
    } catch (e) {
      throw toBackendError(e);
    }
  }
}

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

export function isTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

export function createBackend(): Backend {
  if (isTauri()) return new TauriBackend();
  const hasWindow = typeof window !== 'undefined';
  const key = doorKey(hasWindow ? window.location : null, hasWindow ? window.sessionStorage : null);
  if (hasWindow && window.location.hash.includes('key=')) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return new HttpBackend('', key);
}

/** The desktop app's start-up screen: choose the demo (offered on a never-set-up counter only). */
export async function startDemo(): Promise<void> {
  try {
    await invoke('call', { cmd: 'start_demo', args: {} });
  } catch (e) {
    throw toBackendError(e);
  }
}

/** The desktop app's start-up screen: set this counter up from its provisioning file. */
export async function provisionFromFile(file: string): Promise<void> {
  try {
    await invoke('call', { cmd: 'provision', args: { file } });
  } catch (e) {
    throw toBackendError(e);
  }
}

/** Error codes of a terminal that cannot sell (the start-up screen shows them). */
export function isStartupProblem(e: BackendError | null): boolean {
  return e !== null && e.code.startsWith('terminal.');
}
