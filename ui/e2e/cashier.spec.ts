// The counter as a cashier tried it (issue 14): what went wrong, checked
// against the real engine and central, in English and Arabic, at 1280 × 800
// and 1024 × 768. Screenshots go to the test output, or to docs/img/cashier/
// with DOCS_SCREENSHOTS=1.

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMajor } from '../src/lib/money';
import { apiLogin, closeOpenShift, failOnPageErrors, login as signInAs, sellableShows, showTomorrow, stackInfo, scratchDir } from './env';

const imgDir =
  process.env.DOCS_SCREENSHOTS === '1'
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'cashier')
    : scratchDir('cashier');
mkdirSync(imgDir, { recursive: true });

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
  local_time: string;
}

type Lang = 'en' | 'ar';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

failOnPageErrors(test);

async function login(page: Page, lang: Lang = 'en', pin = '1111'): Promise<void> {
  await signInAs(page, pin, { lang });
}

/** The emptiest sellable showtime without an ID check, its board shown. */
async function openEmptiest(page: Page, request: APIRequestContext): Promise<void> {
  const { shows, tomorrow } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check);
  expect(shows.length, 'a sellable showtime').toBeGreaterThan(0);
  const show = shows.sort((a, b) => b.seats_free - a.seats_free)[0]!;
  if (tomorrow) await showTomorrow(page);
  const tile = page.locator(`[data-showtime="${show.id}"]`);
  await tile.scrollIntoViewIfNeeded();
  await tile.click();
  await expect(page.locator('[data-seat]').first()).toBeVisible();
}

async function shot(page: Page, name: string): Promise<void> {
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  await page.screenshot({ path: path.join(imgDir, `${name}-${width}x${height}.png`) });
}

/** `el` shows all of its text (nothing cut by an ellipsis or the box). */
async function expectWhole(page: Page, testId: string): Promise<void> {
  const el = page.getByTestId(testId);
  const cut = await el.evaluate((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
  expect(cut, `${testId} is cut`).toBe(false);
}

/** `el` lies wholly inside the window. */
async function expectInView(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  const view = page.viewportSize();
  expect(box, `${testId} is on screen`).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${testId} fits the width`).toBeLessThanOrEqual(view!.width + 0.5);
  expect(box!.y + box!.height, `${testId} fits the height`).toBeLessThanOrEqual(view!.height + 0.5);
}

for (const lang of ['en', 'ar'] as const) {
  for (const size of SIZES) {
    test(`${lang} ${size.width}x${size.height}: the top bar, the amounts and the pay dialog fit`, async ({ page, request }) => {
      await page.setViewportSize(size);
      await login(page, lang);
      // The top bar: the site name whole, Log out whole and on screen.
      await expect(page.getByTestId('top-bar')).toBeVisible();
      await expectInView(page, 'logout');
      const site = page.getByTestId('top-bar').locator('.site');
      expect(await site.evaluate((e) => e.scrollWidth <= e.clientWidth + 1), 'the site name is whole').toBe(true);
      await shot(page, `board-${lang}`);

      await openEmptiest(page, request);
      await page.getByTestId('best-button').click();
      await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
      // An amount never wraps between its code and its number.
      const total = page.getByTestId('order-total');
      const lines = await total.evaluate((e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '20')));
      expect(lines, 'the order total is on one line').toBeLessThanOrEqual(1);
      await shot(page, `order-${lang}`);

      // A large change fits its box; an absurd tender is refused before anything is sold.
      await page.getByTestId('pay-button').click();
      const pay = page.getByTestId('pay-dialog');
      await expect(pay).toBeVisible();
      const exponent = Number(await pay.getByTestId('pay-total').getAttribute('data-exponent'));
      const due = Number(await pay.getByTestId('pay-total').getAttribute('data-minor'));
      const input = pay.getByTestId('tender-input');
      await input.fill(formatMajor(due + 999 * 10 ** exponent, exponent));
      await expect(pay.getByTestId('pay-change')).toHaveAttribute('data-minor', String(999 * 10 ** exponent));
      await expectWhole(page, 'pay-change');
      await expectInView(page, 'pay-confirm');
      await shot(page, `pay-change-${lang}`);
      await input.fill('99999999999');
      await expect(pay.getByTestId('tender-error')).not.toBeEmpty();
      await pay.getByTestId('pay-confirm').click();
      await expect(pay).toBeVisible();
      await expect(page.getByTestId('sale-done')).toHaveCount(0);
      await shot(page, `pay-absurd-${lang}`);
      await pay.getByTestId('pay-cancel').click();
    });
  }
}

test('a price override: bounded by the list price, the approver checked when it is applied, a comp stated', async ({ page, request }) => {
  await login(page);
  await openEmptiest(page, request);
  const best = page.getByTestId('best-button');
  await best.click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  const total = page.getByTestId('order-total');
  const before = await total.getAttribute('data-minor');

  await page.getByTestId('override-open').click();
  const error = page.getByTestId('override-error');
  // Above the list price: refused.
  await page.getByTestId('override-price').fill('99999999999');
  await page.getByTestId('override-reason').fill('Broken armrest');
  await page.getByTestId('override-pin').fill('222222');
  await page.getByTestId('override-apply').click();
  await expect(error).toBeVisible();
  await expect(page.getByTestId('override-remove')).toHaveCount(0);
  // Zero without a comp: below the floor.
  await page.getByTestId('override-price').fill('0');
  await page.getByTestId('override-apply').click();
  await expect(error).toContainText('complimentary');

  // A cashier's PIN: refused at once, nothing struck out, the total unchanged.
  const list = Number(before) / 2; // two seats
  const exponent = Number(await total.getAttribute('data-exponent'));
  const price = formatMajor(Math.ceil(list * 0.8), exponent);
  await page.getByTestId('override-price').fill(price);
  await page.getByTestId('override-pin').fill('1111');
  await page.getByTestId('override-apply').click();
  // (Only approvers' PINs are tried: a cashier's is a wrong PIN.)
  await expect(error).toContainText(/wrong PIN/i);
  await expect(page.getByTestId('override-remove')).toHaveCount(0);
  await expect(page.locator('.list-price')).toHaveCount(0);
  await expect(total).toHaveAttribute('data-minor', before!);
  await page.screenshot({ path: path.join(imgDir, 'override-cashier-refused-1280x800.png') });

  // A supervisor's PIN: applied.
  await page.getByTestId('override-pin').fill('222222');
  await page.getByTestId('override-apply').click();
  await expect(page.getByTestId('override-remove')).toBeVisible();
  await expect(total).toHaveAttribute('data-minor', String(2 * Math.ceil(list * 0.8)));
  await page.getByTestId('override-remove').click();
  await expect(total).toHaveAttribute('data-minor', before!);

  // A complimentary ticket: price 0, its own stated reason; exact (0) sells.
  await page.getByTestId('override-open').click();
  await page.getByTestId('override-comp').check();
  await page.getByTestId('override-reason').fill('Guest of the manager');
  await page.getByTestId('override-pin').fill('333333');
  await page.getByTestId('override-apply').click();
  await expect(total).toHaveAttribute('data-minor', '0');
  await page.getByTestId('pay-button').click();
  await page.getByTestId('tender-exact').click();
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText('Complimentary: Guest of the manager');
});

test('in Arabic, engine refusals are Arabic and ratings read the right way round', async ({ page, request }) => {
  // The supervisor at the counter, who asks a colleague's PIN (their own approves by their session): a
  // wrong one counts against the supervisor's approvals, not the cashier's.
  await login(page, 'ar', '222222');
  await openEmptiest(page, request);
  await page.getByTestId('best-button').click();
  await page.getByTestId('override-open').click();
  const total = Number(await page.getByTestId('order-total').getAttribute('data-minor'));
  const exponent = Number(await page.getByTestId('order-total').getAttribute('data-exponent'));
  await page.getByTestId('override-price').fill(formatMajor(Math.ceil(total / 2), exponent));
  await page.getByTestId('override-reason').fill('سبب');
  await page.getByTestId('override-pin').fill('999999');
  await page.getByTestId('override-apply').click();
  const error = page.getByTestId('override-error');
  // The engine's refusal (a wrong PIN), said in Arabic: no English word on screen.
  await expect(error).toContainText('رمز خاطئ');
  expect(await error.textContent()).not.toMatch(/[A-Za-z]{3}/);
  await page.screenshot({ path: path.join(imgDir, 'override-refused-ar-1280x800.png') });
});

test('the counter tells the terminal while a sale is under way (updates wait for it)', async ({ page, request }) => {
  const activity = (busy: boolean) =>
    page.waitForRequest((r) => r.url().endsWith('/api/counter_activity') && r.postDataJSON()?.busy === busy);
  const idleAtStart = activity(false);
  await login(page);
  await idleAtStart;
  await openEmptiest(page, request);
  const busy = activity(true);
  await page.getByTestId('best-button').click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await busy;
  const idle = activity(false);
  await page.getByTestId('clear-order').click();
  await idle;
});

test('best available by area: the cashier picks the area, with its price', async ({ page, request }) => {
  await login(page);
  await openEmptiest(page, request);
  const areas = page.getByTestId('best-area');
  await expect(areas).toBeVisible();
  const standard = areas.locator('[data-area="standard"]');
  await expect(standard).toContainText(/\d/); // its price
  await standard.click();
  await expect(standard).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('best-button').click();
  const chosen = page.locator('[data-seat][data-selected="true"]');
  await expect(chosen).toHaveCount(2);
  for (const area of await chosen.evaluateAll((els) => els.map((e) => e.getAttribute('data-area')))) expect(area).toBe('standard');
  await page.screenshot({ path: path.join(imgDir, 'best-area-1280x800.png') });
  // A new sale starts from any area again.
  await page.getByTestId('clear-order').click();
});

test('a show after midnight is marked as the next day on the board and the map', async ({ page, request }) => {
  const { shows, tomorrow } = await sellableShows<ApiShowtime>(request, (s) => s.local_time < '04:00');
  // The demo has a 00:30 show every day: today's, or tomorrow's once today's closed.
  expect(shows.length, 'a show after midnight on sale').toBeGreaterThan(0);
  await login(page);
  if (tomorrow) await showTomorrow(page);
  const tile = page.locator(`[data-showtime="${shows[0]!.id}"]`);
  await expect(tile.getByTestId('next-day')).toHaveText('+1');
  await tile.click();
  await expect(page.getByTestId('map-next-day')).toBeVisible();
  await page.screenshot({ path: path.join(imgDir, 'next-day-1280x800.png') });
});

test('a wheelchair place asks about its companion seat and is never sold as a plain seat', async ({ page, request }) => {
  await login(page);
  await openEmptiest(page, request);
  const place = page.locator('[data-seat][data-kind="wheelchair"][data-state="free"]').first();
  // Every demo screen has wheelchair places in row A.
  expect(await place.count(), 'a free wheelchair place').toBeGreaterThan(0);
  const label = (await place.getAttribute('data-seat'))!;
  // Tapping asks; "Not needed" leaves the order as it was.
  await place.click();
  const dialog = page.getByTestId('wheelchair-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(label);
  await page.screenshot({ path: path.join(imgDir, 'wheelchair-1280x800.png') });
  await dialog.getByTestId('wheelchair-cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(place).toHaveAttribute('aria-pressed', 'false');
  // With the companion seat: both in the order, and they sell.
  await place.click();
  await expect(dialog).toBeVisible();
  const withCompanion = dialog.getByTestId('wheelchair-with-companion');
  await expect(withCompanion).toBeVisible();
  await withCompanion.click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await expect(place).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('pay-button').click();
  await page.getByTestId('tender-exact').click();
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText(label);
});

test("a manager reads the audit trail; a cashier has no such button", async ({ page, request }) => {
  const api = (cmd: string, data: object) => request.post(`${stackInfo().baseUrl}/api/${cmd}`, { data });
  // A manager opens and closes a shift: two sensitive actions on the trail (the cashier's shift, open
  // since the tests above, is closed first: one shift per terminal).
  const token = await apiLogin(request, '333333');
  await closeOpenShift(request, token);
  expect((await api('shift_open', { token, float_minor: 10_000 })).ok()).toBe(true);
  expect((await api('shift_close', { token, counted_minor: 10_000 })).ok()).toBe(true);

  await login(page, 'en');
  await expect(page.getByTestId('audit-open')).toHaveCount(0);
  await page.getByTestId('logout').click();

  await login(page, 'en', '333333');
  await page.getByTestId('audit-open').click();
  const panel = page.getByTestId('audit-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('audit-check')).toHaveAttribute('data-intact', 'true');
  const rows = panel.getByTestId('audit-rows').locator('tbody tr');
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await expect(panel.locator('tr[data-action="shift_close"]').first()).toContainText('dxb-marina-manager');
  await page.screenshot({ path: path.join(imgDir, 'audit-1280x800.png') });
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});
