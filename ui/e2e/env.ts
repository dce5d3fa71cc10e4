// What e2e/stack.ts started, as seen from inside a test worker.

import { expect, type APIRequestContext, type Page, type TestType } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays } from '../src/lib/showtimes';

export interface StackInfo {
  /** The site engine serving ui/dist and /api, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The central booking API, e.g. http://127.0.0.1:41233 */
  centralUrl: string;
  /** The temp dir holding databases and server logs. */
  dir: string;
  /** Central's ops address (/metrics, /fleet), e.g. http://127.0.0.1:41235 */
  opsUrl: string;
  /** The boxoffice-central binary the stack runs. */
  centralBin: string;
  /** The boxoffice-site binary the stack runs. */
  siteBin: string;
  /** The built UI it serves. */
  uiDist: string;
  /** Server log files (stdout + stderr), by server name. */
  logs: Record<string, string>;
}

export const ENV = {
  baseUrl: 'BOXOFFICE_E2E_BASE_URL',
  centralUrl: 'BOXOFFICE_E2E_CENTRAL_URL',
  dir: 'BOXOFFICE_E2E_DIR',
} as const;

export const STACK_FILE = 'stack.json';

/** The site door's key file in the stack's dir (`serve --key-file`). */
export const DOOR_KEY_FILE = 'door.key';

/** The header that carries the site door's key. */
export const DOOR_KEY_HEADER = 'x-boxoffice-key';

/** The site door's key header, once the stack has started (else none). */
export function doorHeaders(): Record<string, string> | undefined {
  const dir = process.env[ENV.dir];
  if (!dir) return undefined;
  try {
    return { [DOOR_KEY_HEADER]: readFileSync(path.join(dir, DOOR_KEY_FILE), 'utf8').trim() };
  } catch {
    return undefined;
  }
}

export function stackInfo(): StackInfo {
  const dir = process.env[ENV.dir];
  if (!dir) throw new Error(`${ENV.dir} is not set: run the tests through playwright.config.ts (global setup e2e/stack.ts)`);
  return JSON.parse(readFileSync(path.join(dir, STACK_FILE), 'utf8')) as StackInfo;
}

/**
 * Headers that make a request the demo web shop's: the demo central writes
 * its web channel's id and key beside its database (`central.sqlite.web-key`).
 */
export function webHeaders(dir: string = stackInfo().dir): Record<string, string> {
  const file = JSON.parse(readFileSync(path.join(dir, 'central.sqlite.web-key'), 'utf8')) as {
    channel: string;
    key: string;
  };
  return { 'x-boxoffice-web-channel': file.channel, authorization: `Bearer ${file.key}` };
}

/** The last `maxChars` of every server log, for a failing test's output. */
export function serverLogs(info: StackInfo, maxChars = 20_000): string {
  const out: string[] = [];
  for (const [name, file] of Object.entries(info.logs)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      text = `(cannot read ${file}: ${String(e)})`;
    }
    const tail = text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
    out.push(`----- ${name} (${file}) -----\n${tail}`);
  }
  return out.join('\n');
}

/** What the tests read of `/api/showtimes`. */
export interface BoardShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
}

/** Whether `show` starts at least `marginMs` from now. */
export function startsLater(show: { starts_at: string }, marginMs = 15 * 60_000): boolean {
  return Date.parse(show.starts_at) > Date.now() + marginMs;
}

/**
 * Whether the web shop still sells `show` for a while: it stops at the
 * start, while the counter sells on for some minutes after it (the site's
 * `sales_close_after_min`), so a test that buys on the web picks a show
 * that starts at least `marginMs` from now.
 */
export function webStillSells(show: { starts_at: string }, marginMs = 15 * 60_000): boolean {
  return startsLater(show, marginMs);
}

/**
 * Whether a supervisor can still refund or exchange tickets of `show` for a
 * while: once it has started (the counter still sells for some minutes),
 * only a manager can, and the supervisor's PIN counts as a wrong one towards
 * the approvals' lockout. A test that refunds picks a show that starts at
 * least 15 minutes from now.
 */
export function supervisorRefunds(show: { starts_at: string }): boolean {
  return startsLater(show);
}

/**
 * Showtimes on sale with room (6 seats or more) matching `want`: today's if
 * there are any, else tomorrow's. Late at night every show of the day may
 * have closed; tomorrow's are on sale whatever the time, so a test never
 * depends on when it runs. `tomorrow` says which board to open.
 */
export async function sellableShows<T extends BoardShowtime>(
  request: APIRequestContext,
  want: (s: T) => boolean,
): Promise<{ shows: T[]; tomorrow: boolean }> {
  const { baseUrl } = stackInfo();
  const list = async (day: string | null): Promise<T[]> => {
    const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day } });
    if (!res.ok()) throw new Error(`showtimes: HTTP ${res.status()}`);
    return (await res.json()) as T[];
  };
  const ok = (s: T): boolean => (s.sales_state === 'selling' || s.sales_state === 'almost_full') && s.seats_free >= 6 && want(s);
  const today = (await list(null)).filter(ok);
  if (today.length > 0) return { shows: today, tomorrow: false };
  const status = (await (await request.post(`${baseUrl}/api/status`, { data: {} })).json()) as { business_day: string };
  return { shows: (await list(addDays(status.business_day, 1))).filter(ok), tomorrow: true };
}

/**
 * After login: switches the board to tomorrow when today's has no tile
 * matching `selector` (by default any showtime still on sale).
 */
export async function boardWithOpenShows(page: Page, selector = '[data-showtime]:not([disabled])'): Promise<void> {
  await page.locator('[data-showtime]').first().waitFor();
  if ((await page.locator(selector).count()) > 0) return;
  await page.getByTestId('day-tomorrow').click();
  await page.locator(selector).first().waitFor();
}

/** Switches the board to tomorrow (once the counter shows). */
export async function showTomorrow(page: Page): Promise<void> {
  const button = page.getByTestId('day-tomorrow');
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
}

/**
 * Makes every test of the calling spec fail on an uncaught error in the page,
 * and print the servers' output (`logs`) when it fails.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function failOnPageErrors(test: TestType<any, any>, logs: () => string = () => serverLogs(stackInfo())): void {
  const pageErrors = new WeakMap<Page, Error[]>();
  test.beforeEach(async ({ page }: { page: Page }) => {
    const errors: Error[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (e) => errors.push(e));
  });
  test.afterEach(async ({ page }: { page: Page }, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) {
      console.log(`[e2e] ${testInfo.title} failed; server output:\n${logs()}`);
    }
    expect(pageErrors.get(page)?.map((e) => e.stack ?? e.message) ?? [], 'uncaught errors in the page').toEqual([]);
  });
}

/** The site the stack runs (e2e/stack.ts). */
export const DEMO_SITE = 'dxb-marina';

const DEMO_ROLES: Readonly<Record<string, 'cashier' | 'supervisor' | 'manager'>> = {
  '1111': 'cashier',
  '222222': 'supervisor',
  '333333': 'manager',
};

/** The demo person whose PIN `pin` is (central's demo staff: `<site>-cashier`, `-supervisor`, `-manager`). */
export function demoStaffId(pin: string, site = DEMO_SITE): string {
  const role = DEMO_ROLES[pin];
  if (!role) throw new Error(`no demo person has the PIN ${pin}`);
  return `${site}-${role}`;
}

/** On the sign-in screen: taps the person whose PIN `pin` is, then types it on the keypad. */
export async function signIn(page: Page, pin: string, staffId = demoStaffId(pin)): Promise<void> {
  await page.getByTestId(`staff-${staffId}`).click();
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-enter').click();
}

export interface LoginOptions {
  /** The site engine (another stack's, e.g. offline.spec's). */
  baseUrl?: string;
  /** The screen's language, chosen on the sign-in screen. */
  lang?: 'en' | 'ar';
  /**
   * With no shift open on the terminal: `open` opens one with a float of 0
   * (the default for a cashier), `skip` carries on without one (the default
   * for a supervisor or manager, who may; then no later spec finds their
   * shift in its way), `none` leaves the open-shift screen up.
   */
  shift?: 'open' | 'skip' | 'none';
}

/**
 * Opens the counter and signs in as the demo person of `pin` (by name, then
 * the PIN on the on-screen keypad); opens a shift if none is open (see
 * `LoginOptions.shift`) and waits for the counter.
 */
export async function login(page: Page, pin = '1111', options: LoginOptions = {}): Promise<void> {
  await page.goto(`${options.baseUrl ?? stackInfo().baseUrl}/`);
  await expect(page.getByTestId('login')).toBeVisible();
  if (options.lang) await page.getByTestId(`lang-${options.lang}`).click();
  await signIn(page, pin);
  await pastShift(page, options.shift ?? (DEMO_ROLES[pin] === 'cashier' ? 'open' : 'skip'));
}

/** After signing in: the open-shift screen, if it shows, is dealt with as `shift` says; then the counter. */
export async function pastShift(page: Page, shift: 'open' | 'skip' | 'none' = 'open'): Promise<void> {
  await expect(page.getByTestId('counter')).toBeVisible();
  const notYours = page.getByTestId('shift-not-yours');
  if (await notYours.isVisible()) throw new Error(`another cashier's shift is open: ${await notYours.innerText()}`);
  const gate = page.getByTestId('open-shift');
  if (shift === 'none' || !(await gate.isVisible())) return;
  if (shift === 'open') {
    await gate.getByTestId('open-shift-submit').click();
  } else {
    await gate.getByTestId('open-shift-skip').click();
  }
  await expect(gate).toHaveCount(0);
}

/** Signs the demo person of `pin` in through the engine's API (by name and PIN); the session token. */
export async function apiLogin(request: APIRequestContext, pin: string, baseUrl = stackInfo().baseUrl): Promise<string> {
  const res = await request.post(`${baseUrl}/api/login`, { data: { staff_id: demoStaffId(pin), pin } });
  expect(res.ok(), `login: ${await res.text()}`).toBe(true);
  return ((await res.json()) as { token: string }).token;
}

/** Makes sure a shift the session `token` may sell into is open on the terminal (opens one with a float of 0). */
export async function ensureShift(request: APIRequestContext, token: string, baseUrl = stackInfo().baseUrl): Promise<void> {
  const res = await request.post(`${baseUrl}/api/shift_state`, { data: { token } });
  expect(res.ok(), `shift_state: ${await res.text()}`).toBe(true);
  const state = (await res.json()) as { open: { staff_name: string } | null; may_sell: boolean };
  if (state.open !== null) {
    expect(state.may_sell, `the open shift is ${state.open.staff_name}'s`).toBe(true);
    return;
  }
  const opened = await request.post(`${baseUrl}/api/shift_open`, { data: { token, float_minor: 0 } });
  // Opened meanwhile: fine.
  if (!opened.ok()) expect(((await opened.json()) as { code: string }).code).toBe('shift.already_open');
}

/** Closes the terminal's open shift, if any, as the session `token` (a supervisor's or manager's: anyone's shift), counted as `counted_minor`. */
export async function closeOpenShift(request: APIRequestContext, token: string, counted_minor = 0): Promise<void> {
  const res = await request.post(`${stackInfo().baseUrl}/api/shift_state`, { data: { token } });
  expect(res.ok(), `shift_state: ${await res.text()}`).toBe(true);
  if (((await res.json()) as { open: unknown }).open === null) return;
  const closed = await request.post(`${stackInfo().baseUrl}/api/shift_close`, { data: { token, counted_minor } });
  expect(closed.ok(), `shift_close: ${await closed.text()}`).toBe(true);
}

/**
 * Exact cash in the open pay dialog: one tap completes the sale (the ID
 * check, when the film needs one, is ticked first).
 */
export async function payExactCash(page: Page): Promise<void> {
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  const id = pay.getByTestId('id-check');
  if ((await id.count()) > 0 && !(await id.isChecked())) await id.check();
  await pay.getByTestId('tender-exact').click();
}

/** A directory for one spec's screenshots and scratch files inside Playwright's
 * output directory (`ui/test-results/`, emptied at the start of every run), so
 * that a run leaves nothing behind in the system's temporary directory. */
export function scratchDir(name: string): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'scratch', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
