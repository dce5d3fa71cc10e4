// End-to-end: card and split payments, manual seat picks, the ID check, and
// live seat updates, against the real engine and central (e2e/stack.ts).

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { formatMajor, formatMinor } from '../src/lib/money';
import { serverLogs, stackInfo } from './env';

interface ApiShowtime {
  id: string;
  film_title_en: string;
  rating: string;
  id_check: boolean;
  screen: string;
  sales_state: 'selling' | 'almost_full' | 'sold_out' | 'closed';
  seats_free: number;
}

const pageErrors = new WeakMap<Page, Error[]>();

test.beforeEach(async ({ page }) => {
  const errors: Error[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(e));
});

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    console.log(`[e2e] ${testInfo.title} failed; server output:\n${serverLogs(stackInfo())}`);
  }
  expect(pageErrors.get(page)?.map((e) => e.stack ?? e.message) ?? [], 'uncaught errors in the page').toEqual([]);
});

async function login(page: Page, pin = '1111'): Promise<void> {
  await page.goto(`${stackInfo().baseUrl}/`);
  await expect(page.getByTestId('login')).toBeVisible();
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-enter').click();
  await expect(page.getByTestId('counter')).toBeVisible();
}

async function showtimes(request: APIRequestContext): Promise<ApiShowtime[]> {
  const res = await request.post(`${stackInfo().baseUrl}/api/showtimes`, { data: { day: null } });
  expect(res.ok()).toBe(true);
  return (await res.json()) as ApiShowtime[];
}

/** A sellable showtime with room, matching `want`; the emptiest one, so repeated runs keep finding seats. */
async function pickShowtime(request: APIRequestContext, want: (s: ApiShowtime) => boolean): Promise<ApiShowtime> {
  const open = (await showtimes(request)).filter(
    (s) => (s.sales_state === 'selling' || s.sales_state === 'almost_full') && s.seats_free >= 6 && want(s),
  );
  expect(open.length, 'a sellable showtime for this test').toBeGreaterThan(0);
  return open.sort((a, b) => b.seats_free - a.seats_free)[0]!;
}

async function openShowtime(page: Page, id: string): Promise<void> {
  const tile = page.locator(`[data-showtime="${id}"]`);
  await tile.scrollIntoViewIfNeeded();
  await tile.click();
  await expect(tile).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-seat]').first()).toBeVisible();
}

/** Total, currency and exponent as the pay dialog shows them. */
async function payTotal(page: Page): Promise<{ total: number; currency: { code: string; exponent: number } }> {
  const el = page.getByTestId('pay-total');
  const total = Number(await el.getAttribute('data-minor'));
  const exponent = Number(await el.getAttribute('data-exponent'));
  const code = ((await el.textContent()) ?? '').trim().split(/\s+/)[0] ?? '';
  return { total, currency: { code, exponent } };
}

test('the board marks closed and sold-out showtimes and will not open them', async ({ page, request }) => {
  await login(page);
  const all = await showtimes(request);
  for (const s of all) {
    const tile = page.locator(`[data-showtime="${s.id}"]`);
    await expect(tile).toHaveAttribute('data-sales-state', s.sales_state);
    if (s.sales_state === 'closed' || s.sales_state === 'sold_out') await expect(tile).toBeDisabled();
    else await expect(tile).toBeEnabled();
  }
  const closed = all.find((s) => s.sales_state === 'closed');
  if (closed) await expect(page.locator(`[data-showtime="${closed.id}"]`)).toContainText('Sales closed');
});

test('split tender: part on the card terminal, the rest in cash with change', async ({ page, request }) => {
  const show = await pickShowtime(request, (s) => !s.id_check);
  await login(page);
  await openShowtime(page, show.id);
  await page.getByTestId('best-button').click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await page.getByTestId('pay-button').click();
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  const { total, currency } = await payTotal(page);
  const unit = 10 ** currency.exponent;
  expect(total).toBeGreaterThan(unit);

  // S: card + cash. The card takes all but one major unit, the cash the rest.
  await page.keyboard.press('s');
  await expect(pay).toHaveAttribute('data-mode', 'split');
  const cardPart = total - unit;
  await expect(pay.getByTestId('card-amount')).toBeFocused();
  await pay.getByTestId('card-amount').fill(formatMajor(cardPart, currency.exponent));
  // A card number is refused before anything is sent.
  await pay.getByTestId('card-reference').fill('4111 1111 1111 1111');
  await expect(pay.getByTestId('reference-error')).toContainText('card number');
  await pay.getByTestId('card-reference').fill('AP-778899');
  await expect(pay.getByTestId('reference-error')).toBeEmpty();
  await expect(pay.getByTestId('cash-due')).toHaveAttribute('data-minor', String(unit));
  await expect(pay.getByTestId('cash-due')).toHaveText(formatMinor(unit, currency));
  const cash = 5 * unit;
  await pay.getByTestId('tender-input').fill(formatMajor(cash, currency.exponent));
  await expect(pay.getByTestId('pay-change')).toHaveAttribute('data-minor', String(cash - unit));
  await pay.getByTestId('tender-input').press('Enter');

  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByTestId('change-due')).toHaveAttribute('data-minor', String(cash - unit));
  await expect(done.getByTestId('paid')).toHaveAttribute('data-card', String(cardPart));
  await expect(done.getByTestId('paid')).toHaveAttribute('data-cash', String(cash));
  await expect(done.getByTestId('paid')).toContainText(formatMinor(cardPart, currency));
  await expect(done.getByTestId('secured-by')).toHaveCount(0);
  await expect(done.getByTestId('ticket-preview')).toHaveCount(2, { timeout: 30_000 });
});

test('card: the full total on the card terminal, by keyboard', async ({ page, request }) => {
  const show = await pickShowtime(request, (s) => !s.id_check);
  await login(page);
  await openShowtime(page, show.id);
  await page.keyboard.press('1');
  await page.keyboard.press('b');
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(1);
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  await page.keyboard.press('k');
  await expect(pay).toHaveAttribute('data-mode', 'card');
  await expect(pay.getByTestId('card-reference')).toBeFocused();
  // Enter without a reference is refused in place.
  await page.keyboard.press('Enter');
  await expect(pay.getByTestId('reference-error')).not.toBeEmpty();
  await page.keyboard.type('K123456');
  await page.keyboard.press('Enter');
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByTestId('change-due')).toHaveAttribute('data-minor', '0');
  await expect(done.getByTestId('paid')).toHaveAttribute('data-cash', '0');
});

test('manual pick: tap seats on the map, untap one, pay exact', async ({ page, request }) => {
  const show = await pickShowtime(request, (s) => !s.id_check);
  await login(page);
  await openShowtime(page, show.id);
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  const labels = (await free.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''))).slice(0, 3);
  expect(labels.length).toBe(3);
  for (const l of labels) await page.locator(`[data-seat="${l}"]`).click();
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(3);
  // Tapping a selected seat again takes it out.
  await page.locator(`[data-seat="${labels[1]}"]`).click();
  await expect(page.locator(`[data-seat="${labels[1]}"]`)).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);
  // A sold seat cannot be picked.
  const sold = page.locator('[data-seat][data-state="sold"]').first();
  if ((await sold.count()) > 0) {
    await sold.click({ force: true }); // aria-disabled: Playwright would wait for it to be enabled
    await expect(sold).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);
  }
  await page.getByTestId('pay-button').click();
  const pay = page.getByTestId('pay-dialog');
  await pay.getByTestId('tender-exact').click();
  await pay.getByTestId('pay-confirm').click();
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText(labels[0]!);
  await expect(done).toContainText(labels[2]!);
  await done.getByTestId('new-sale').click();
  await expect(page.locator(`[data-seat="${labels[0]}"]`)).toHaveAttribute('data-state', 'sold');
  await expect(page.locator(`[data-seat="${labels[1]}"]`)).not.toHaveAttribute('data-state', 'sold');
});

test('an 18+ film: no sale until the cashier confirms the ID check', async ({ page, request }) => {
  const all = await showtimes(request);
  const hasAdult = all.some((s) => s.rating === '18+' && (s.sales_state === 'selling' || s.sales_state === 'almost_full'));
  const show = await pickShowtime(request, (s) => (hasAdult ? s.rating === '18+' : s.id_check));
  await login(page);
  await openShowtime(page, show.id);
  await page.getByTestId('best-button').click();
  await expect(page.locator('[data-seat][data-selected="true"]')).toHaveCount(2);
  await page.locator('[data-ticket-type="adult"]').click();
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  await expect(pay.getByTestId('id-check')).toBeVisible();
  await expect(pay).toContainText(show.rating);
  await page.keyboard.press('e');
  const { total } = await payTotal(page);
  await expect(pay.getByTestId('pay-change')).toHaveAttribute('data-minor', '0');
  expect(total).toBeGreaterThan(0);
  await page.keyboard.press('Enter');
  // Not confirmed: the dialog stays and the checkbox takes the focus.
  await expect(pay).toBeVisible();
  await expect(pay.getByTestId('id-check')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(pay.getByTestId('id-check')).toBeChecked();
  await pay.getByTestId('pay-confirm').click();
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByTestId('ticket-preview')).toHaveCount(2, { timeout: 30_000 });
});

test('a seat sold on the web while the cashier is choosing leaves the order at once, with a notice', async ({
  page,
  request,
}) => {
  const { centralUrl } = stackInfo();
  const show = await pickShowtime(request, (s) => !s.id_check);
  await login(page);
  await openShowtime(page, show.id);
  // Two free seats (not leased to this terminal: the web can buy those).
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  const [taken, kept] = (await free.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''))).slice(-2);
  expect(taken && kept).toBeTruthy();
  await page.locator(`[data-seat="${taken}"]`).click();
  await page.locator(`[data-seat="${kept}"]`).click();
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);

  const res = await request.post(`${centralUrl}/v1/web/sales`, { data: { showtime_id: show.id, seats: [taken] } });
  expect(res.ok(), `web sale: HTTP ${res.status()} ${await res.text()}`).toBe(true);

  // The live map drops it within a few seconds and says which seat it was.
  const seat = page.locator(`[data-seat="${taken}"]`);
  await expect(seat).toHaveAttribute('data-state', 'sold', { timeout: 5_000 });
  await expect(seat).toHaveAttribute('aria-pressed', 'false');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toHaveAttribute('data-code', 'seats_taken');
  await expect(banner).toContainText(taken!);
  // The rest of the order stays.
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('order-lines')).toContainText(kept!);
  // Tapping it again is refused: it stays out of the order.
  await seat.click({ force: true });
  await expect(seat).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  // The kept seat still sells.
  await page.keyboard.press('Escape'); // dismisses the notice, the order stays
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  await page.getByTestId('pay-button').click();
  await page.getByTestId('tender-exact').click();
  await page.getByTestId('pay-confirm').click();
  await expect(page.getByTestId('sale-done')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('sale-done')).toContainText(kept!);
});
