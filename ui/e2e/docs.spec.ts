// The counter's common sales, tap by tap, as docs/COUNTER.md describes them.
// Each test counts the taps from the showtimes board to the printed ticket
// (the sale-done panel shows the tickets the printer got) and captures
// screenshots (PNG, 1280 x 800, the viewport of playwright.config.ts).
// Run with the other e2e tests: `npm run e2e`. Screenshots go to a temporary
// directory unless DOCS_SCREENSHOTS=1, which refreshes docs/img/ (then
// commit them): `DOCS_SCREENSHOTS=1 npm run e2e -- docs.spec.ts`.

import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMajor } from '../src/lib/money';
import { addDays } from '../src/lib/showtimes';
import { login as signInAs, sellableShows, serverLogs, showTomorrow, stackInfo, scratchDir } from './env';

const imgDir =
  process.env.DOCS_SCREENSHOTS === '1'
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img')
    : scratchDir('docs');

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
}

test.use({ viewport: { width: 1280, height: 800 } });

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    console.log(`[e2e] ${testInfo.title} failed; server output:\n${serverLogs(stackInfo())}`);
  }
});

/** Counts the cashier's taps. */
class Taps {
  n = 0;
  async tap(target: Locator): Promise<void> {
    this.n++;
    await target.click();
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(imgDir, `${name}.png`) });
}

async function login(page: Page, lang: 'en' | 'ar' = 'en'): Promise<void> {
  await signInAs(page, '1111', { lang });
}

/** The emptiest showtime for a sequence: today's, or tomorrow's once today's have closed. */
async function pick(request: APIRequestContext, want: (s: ApiShowtime) => boolean): Promise<{ id: string; tomorrow: boolean }> {
  const { shows, tomorrow } = await sellableShows<ApiShowtime>(request, want);
  if (shows.length === 0) throw new Error('no sellable showtime for this sequence');
  return { id: shows.sort((a, b) => b.seats_free - a.seats_free)[0]!.id, tomorrow };
}

/** Shows the board the picked showtime is on (switching days is not a tap of the sequence). */
async function board(page: Page, show: { tomorrow: boolean }): Promise<void> {
  if (show.tomorrow) await showTomorrow(page);
}

async function saleDone(page: Page, tickets: number): Promise<void> {
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByTestId('ticket-preview')).toHaveCount(tickets, { timeout: 30_000 });
}

test('standard sale: 2 adults, best available, exact cash in 4 taps', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page);
  await board(page, show);
  await shot(page, '01-board');
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${show.id}"]`)); // 1 showtime
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button')); // 2 best 2 together (party 2, adult are the defaults)
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await shot(page, '02-best-available');
  await t.tap(page.getByTestId('pay-button')); // 3 pay
  await shot(page, '03-pay-cash');
  await t.tap(page.getByTestId('tender-exact')); // 4 exact cash: sold
  await saleDone(page, 2);
  await shot(page, '04-sale-done');
  expect(t.n).toBe(4);
});

test('standard sale by keyboard: T Enter B P E', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page);
  await board(page, show);
  await expect(page.locator('[data-showtime]:not([disabled])').first()).toBeVisible();
  await page.keyboard.press('t');
  const first = page.locator('[data-showtime]:not([disabled])').first();
  await expect(first).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(first).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await page.keyboard.press('b');
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await page.keyboard.press('p');
  await expect(page.getByTestId('pay-dialog')).toBeVisible();
  // The first show of the day may be rated for an ID check: I confirms it.
  if ((await page.getByTestId('id-check').count()) > 0) await page.keyboard.press('i');
  await page.keyboard.press('e');
  await saleDone(page, 2);
});

test('card sale: 5 taps and the approval code', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page);
  await board(page, show);
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${show.id}"]`));
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button'));
  await t.tap(page.getByTestId('pay-button'));
  await t.tap(page.getByTestId('pay-mode-card'));
  await expect(page.getByTestId('card-reference')).toBeFocused();
  await page.keyboard.type('AP-482913');
  await shot(page, '05-pay-card');
  await t.tap(page.getByTestId('pay-confirm'));
  await saleDone(page, 2);
  expect(t.n).toBe(5);
});

test('split sale: card part, approval code, the rest in cash: 7 taps', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page);
  await board(page, show);
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${show.id}"]`));
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button'));
  await t.tap(page.getByTestId('pay-button'));
  await t.tap(page.getByTestId('pay-mode-split'));
  const total = Number(await page.getByTestId('pay-total').getAttribute('data-minor'));
  const exponent = Number(await page.getByTestId('pay-total').getAttribute('data-exponent'));
  await expect(page.getByTestId('card-amount')).toBeFocused();
  await page.keyboard.type(formatMajor(Math.floor(total / 2 / 10 ** exponent) * 10 ** exponent, exponent));
  await t.tap(page.getByTestId('card-reference'));
  await page.keyboard.type('AP-551207');
  await t.tap(page.getByTestId('tender-note').first()); // the first note above the cash due
  await shot(page, '06-pay-split');
  await t.tap(page.getByTestId('pay-confirm'));
  await saleDone(page, 2);
  await shot(page, '07-sale-done-split');
  expect(t.n).toBe(7);
});

test('manual pick: two seats tapped on the map: 5 taps', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page);
  await board(page, show);
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${show.id}"]`));
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  await expect(free.first()).toBeVisible();
  const labels = (await free.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''))).slice(0, 2);
  for (const l of labels) await t.tap(page.locator(`[data-seat="${l}"]`));
  await shot(page, '08-manual-pick');
  await t.tap(page.getByTestId('pay-button'));
  await t.tap(page.getByTestId('tender-exact'));
  await saleDone(page, 2);
  expect(t.n).toBe(5);
});

test('18+ film: the ID check adds one tap: 5 taps', async ({ page, request }) => {
  const show = await pick(request, (s) => s.rating === '18+').catch(() => pick(request, (s) => s.id_check));
  await login(page);
  await board(page, show);
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${show.id}"]`));
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button'));
  await t.tap(page.getByTestId('pay-button'));
  await t.tap(page.getByTestId('id-check'));
  await shot(page, '09-id-check');
  await t.tap(page.getByTestId('tender-exact'));
  await saleDone(page, 2);
  expect(t.n).toBe(5);
});

/** Tomorrow's open showtimes without an ID check, emptiest first (on sale whatever the time of day). */
async function tomorrowShows(request: APIRequestContext): Promise<string[]> {
  const { baseUrl } = stackInfo();
  const status = (await (await request.post(`${baseUrl}/api/status`, { data: {} })).json()) as { business_day: string };
  const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day: addDays(status.business_day, 1) } });
  const all = (await res.json()) as ApiShowtime[];
  return all
    .filter((s) => ['selling', 'almost_full'].includes(s.sales_state) && s.seats_free >= 6 && !s.id_check)
    .sort((a, b) => b.seats_free - a.seats_free)
    .map((s) => s.id);
}

test('two showtimes in one order: 2 adults each, best available, exact cash: 6 taps', async ({ page, request }) => {
  const [a, b] = await tomorrowShows(request);
  expect(a && b, 'two open showtimes tomorrow').toBeTruthy();
  await login(page);
  // Tomorrow's board (the sequence is the same on today's).
  await page.getByTestId('day-tomorrow').click();
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${a}"]`)); // 1 first showtime
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button')); // 2 best 2 together
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await t.tap(page.locator(`[data-showtime="${b}"]`)); // 3 second showtime: the first one's seats stay in the order
  await expect(page.getByTestId('basket').locator('[data-part]')).toHaveCount(1);
  await t.tap(page.getByTestId('best-button')); // 4 best 2 together
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await shot(page, '12-two-showtimes');
  await t.tap(page.getByTestId('pay-button')); // 5 pay, once
  await t.tap(page.getByTestId('tender-exact')); // 6 exact cash: sold
  await saleDone(page, 4);
  expect(t.n).toBe(6);
});

test('two showtimes by keyboard: T Enter B T ↓ Enter B P E', async ({ page, request }) => {
  const shows = await tomorrowShows(request);
  expect(shows.length, 'two open showtimes tomorrow').toBeGreaterThanOrEqual(2);
  await login(page);
  await page.getByTestId('day-tomorrow').click();
  const tiles = page.locator('[data-showtime]:not([disabled])');
  await expect(tiles.nth(1)).toBeVisible();
  for (const key of ['t', 'Enter']) await page.keyboard.press(key);
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await page.keyboard.press('b');
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await page.keyboard.press('t');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('basket').locator('[data-part]')).toHaveCount(1);
  // The second showtime's map is shown before B (with no map, B does nothing).
  const second = await page.locator('[data-showtime][aria-pressed="true"]').getAttribute('data-showtime');
  expect(second, 'a showtime chosen').toBeTruthy();
  await expect(page.getByTestId('seat-map')).toHaveAttribute('data-map-showtime', second ?? '');
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(0);
  await page.keyboard.press('b');
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await page.keyboard.press('p');
  await expect(page.getByTestId('pay-dialog')).toBeVisible();
  if ((await page.getByTestId('id-check').count()) > 0) await page.keyboard.press('i');
  await page.keyboard.press('e');
  await saleDone(page, 4);
});

test('a family: 2 adults and a child for one showtime: 7 taps', async ({ page, request }) => {
  const [id] = await tomorrowShows(request);
  expect(id, 'an open showtime tomorrow').toBeTruthy();
  await login(page);
  await page.getByTestId('day-tomorrow').click();
  const t = new Taps();
  await t.tap(page.locator(`[data-showtime="${id}"]`)); // 1 showtime
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await t.tap(page.getByTestId('best-button')); // 2 best 2 together (adults)
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await t.tap(page.getByTestId('add-to-order')); // 3 set the adults aside
  await t.tap(page.locator('[data-ticket-type="child"]')); // 4 child
  // 5 the seat beside the adults (any free seat works the same).
  const beside = await page.locator('[data-seat][data-set-aside="true"]').evaluateAll((els) => {
    const labels = els.map((e) => e.getAttribute('data-seat') ?? '');
    const [row, n] = (labels[labels.length - 1] ?? '').split('-');
    return `${row}-${Number(n) + 1}`;
  });
  const next = page.locator(`[data-seat="${beside}"][data-state="free"]`);
  await t.tap((await next.count()) > 0 ? next : page.locator('[data-seat][data-state="free"][data-kind="standard"]').last());
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  await shot(page, '13-family');
  await t.tap(page.getByTestId('pay-button')); // 6 pay
  await t.tap(page.getByTestId('tender-exact')); // 7 exact cash: sold
  await saleDone(page, 3);
  expect(t.n).toBe(7);
});

test('the counter in Arabic, for the docs', async ({ page, request }) => {
  const show = await pick(request, (s) => !s.id_check);
  await login(page, 'ar');
  await board(page, show);
  await page.locator(`[data-showtime="${show.id}"]`).click();
  await page.getByTestId('best-button').click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await shot(page, '10-counter-ar');
  await page.getByTestId('pay-button').click();
  await page.keyboard.press('s');
  await shot(page, '11-pay-split-ar');
  await page.keyboard.press('Escape');
  await page.evaluate(() => localStorage.setItem('boxoffice.lang', 'en'));
});
