// What e2e/stack.ts started, as seen from inside a test worker.

import { expect, type APIRequestContext, type Page, type TestType } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addDays } from '../src/lib/showtimes';

export interface StackInfo {
  /** The site engine serving ui/dist and /api, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The central booking API, e.g. http://127.0.0.1:41233 */
  centralUrl: string;
  /** The temp dir holding databases and server logs. */
  dir: string;
  /** Server log files (stdout + stderr), by server name. */
  logs: Record<string, string>;
}

export const ENV = {
  baseUrl: 'BOXOFFICE_E2E_BASE_URL',
  centralUrl: 'BOXOFFICE_E2E_CENTRAL_URL',
  dir: 'BOXOFFICE_E2E_DIR',
} as const;

export const STACK_FILE = 'stack.json';

export function stackInfo(): StackInfo {
  const dir = process.env[ENV.dir];
  if (!dir) throw new Error(`${ENV.dir} is not set: run the tests through playwright.config.ts (global setup e2e/stack.ts)`);
  return JSON.parse(readFileSync(path.join(dir, STACK_FILE), 'utf8')) as StackInfo;
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

/** Opens the counter and logs in with `pin` on the on-screen keypad. */
export async function login(page: Page, pin = '1111'): Promise<void> {
  await page.goto(`${stackInfo().baseUrl}/`);
  await expect(page.getByTestId('login')).toBeVisible();
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-enter').click();
  await expect(page.getByTestId('counter')).toBeVisible();
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
