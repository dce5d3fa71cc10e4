// End-to-end: card and split payments, manual seat picks, the ID check, and
// live seat updates, against the real engine and central (e2e/stack.ts).

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { formatMajor, formatMinor } from '../src/lib/money';
import { addDays } from '../src/lib/showtimes';
import { failOnPageErrors, login, payExactCash, sellableShows, showTomorrow, stackInfo, webHeaders, webStillSells } from './env';

interface ApiShowtime {
  id: string;
  film_title_en: string;
  rating: string;
  id_check: boolean;
  screen: string;
  sales_state: 'selling' | 'almost_full' | 'sold_out' | 'closed';
  seats_free: number;
  starts_at: string;
}

// Uncaught errors in the page fail the test.
failOnPageErrors(test);

async function showtimes(request: APIRequestContext): Promise<ApiShowtime[]> {
  const res = await request.post(`${stackInfo().baseUrl}/api/showtimes`, { data: { day: null } });
  expect(res.ok()).toBe(true);
  return (await res.json()) as ApiShowtime[];
}

/**
 * A sellable showtime with room, matching `want`; the emptiest one, so
 * repeated runs keep finding seats. Today's, or tomorrow's once today's have
 * closed (`tomorrow`: open that board first).
 */
async function pickShowtime(
  request: APIRequestContext,
  want: (s: ApiShowtime) => boolean,
): Promise<ApiShowtime & { tomorrow: boolean }> {
  const { shows, tomorrow } = await sellableShows<ApiShowtime>(request, want);
  expect(shows.length, 'a sellable showtime for this test').toBeGreaterThan(0);
  return { ...shows.sort((a, b) => b.seats_free - a.seats_free)[0]!, tomorrow };
}

/** Opens a showtime's seat map, on tomorrow's board when it is tomorrow's. */
async function openShowtime(page: Page, show: string | { id: string; tomorrow?: boolean }): Promise<void> {
  const id = typeof show === 'string' ? show : show.id;
  if (typeof show !== 'string' && show.tomorrow) await showTomorrow(page);
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
  await openShowtime(page, show);
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
  await openShowtime(page, show);
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
  await openShowtime(page, show);
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
  await payExactCash(page);
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText(labels[0]!);
  await expect(done).toContainText(labels[2]!);
  await done.getByTestId('new-sale').click();
  await expect(page.locator(`[data-seat="${labels[0]}"]`)).toHaveAttribute('data-state', 'sold');
  await expect(page.locator(`[data-seat="${labels[1]}"]`)).not.toHaveAttribute('data-state', 'sold');
});

test('drag across a row selects the seats it passes, and a drag from a chosen seat unselects', async ({ page, request }) => {
  const show = await pickShowtime(request, (s) => !s.id_check);
  await login(page);
  await openShowtime(page, show);
  // Four free standard seats side by side in one row.
  const run = await page.locator('[data-seat]').evaluateAll((els) => {
    const seats = els.map((e) => ({
      label: e.getAttribute('data-seat') ?? '',
      state: e.getAttribute('data-state'),
      kind: e.getAttribute('data-kind'),
      row: (e.getAttribute('data-seat') ?? '').split('-')[0],
      n: Number((e.getAttribute('data-seat') ?? '').split('-')[1]),
    }));
    for (const s of seats) {
      const next = [1, 2, 3].map((d) => seats.find((o) => o.row === s.row && o.n === s.n + d));
      const all = [s, ...next];
      if (all.every((o) => o && o.state === 'free' && o.kind === 'standard')) return all.map((o) => o!.label);
    }
    return [];
  });
  expect(run.length).toBe(4);
  const centre = async (label: string) => {
    const box = (await page.locator(`[data-seat="${label}"]`).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const drag = async (from: string, to: string) => {
    const a = await centre(from);
    const b = await centre(to);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 12 });
    await page.mouse.up();
  };
  await drag(run[0]!, run[3]!);
  for (const l of run) await expect(page.locator(`[data-seat="${l}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(4);
  // Dragging back from a chosen seat takes seats out.
  await drag(run[3]!, run[2]!);
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);
  await expect(page.locator(`[data-seat="${run[0]}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`[data-seat="${run[3]}"]`)).toHaveAttribute('aria-pressed', 'false');
});

test('an 18+ film: no sale until the cashier confirms the ID check', async ({ page, request }) => {
  const all = await showtimes(request);
  const hasAdult = all.some((s) => s.rating === '18+' && (s.sales_state === 'selling' || s.sales_state === 'almost_full'));
  const show = await pickShowtime(request, (s) => (hasAdult ? s.rating === '18+' : s.id_check));
  await login(page);
  await openShowtime(page, show);
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

test('seats being chosen are held at central: the web cannot take them, and a seat it sold meanwhile is refused', async ({
  page,
  request,
}) => {
  const { centralUrl } = stackInfo();
  const show = await pickShowtime(request, (s) => !s.id_check && webStillSells(s));
  await login(page);
  await openShowtime(page, show);
  // Three free seats (not leased to this terminal: the web can buy those).
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  const [late, first, second] = (await free.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''))).slice(-3);
  expect(late && first && second).toBeTruthy();
  await page.locator(`[data-seat="${first}"]`).click();
  await page.locator(`[data-seat="${second}"]`).click();
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);

  // Central holds the chosen seats for this terminal within moments.
  const stateAtCentral = async (label: string): Promise<string> => {
    const r = await request.get(`${centralUrl}/v1/showtimes/${show.id}/seats`, { headers: webHeaders() });
    const body = (await r.json()) as { seats: { label: string; state: string }[] };
    return body.seats.find((x) => x.label === label)?.state ?? 'free';
  };
  await expect.poll(() => stateAtCentral(first!), { timeout: 5_000 }).toBe('held');
  await expect.poll(() => stateAtCentral(second!), { timeout: 5_000 }).toBe('held');
  // So the web cannot buy them from under the customer.
  const refused = await request.post(`${centralUrl}/v1/web/sales`, { data: { showtime_id: show.id, seats: [first] }, headers: webHeaders() });
  expect(refused.status()).toBe(409);

  // A seat the web sells meanwhile turns sold on the map at once and cannot be chosen.
  const res = await request.post(`${centralUrl}/v1/web/sales`, { data: { showtime_id: show.id, seats: [late] }, headers: webHeaders() });
  expect(res.ok(), `web sale: HTTP ${res.status()} ${await res.text()}`).toBe(true);
  const seat = page.locator(`[data-seat="${late}"]`);
  await expect(seat).toHaveAttribute('data-state', 'sold', { timeout: 5_000 });
  await seat.click({ force: true });
  await expect(seat).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);

  // The held seats sell; nothing stays held afterwards.
  await page.getByTestId('pay-button').click();
  await payExactCash(page);
  await expect(page.getByTestId('sale-done')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => stateAtCentral(first!), { timeout: 5_000 }).toBe('sold');
  await expect.poll(() => stateAtCentral(second!), { timeout: 5_000 }).toBe('sold');
});

test('advance sale: the board switches to tomorrow and sells on the 644-seat Grand screen', async ({ page, request }, testInfo) => {
  const { baseUrl } = stackInfo();
  const status = (await (await request.post(`${baseUrl}/api/status`, { data: {} })).json()) as { business_day: string };
  const tomorrow = addDays(status.business_day, 1);
  const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day: tomorrow } });
  expect(res.ok()).toBe(true);
  const shows = ((await res.json()) as ApiShowtime[]).filter(
    (s) => (s.sales_state === 'selling' || s.sales_state === 'almost_full') && !s.id_check && s.seats_free >= 6,
  );
  const show = shows.find((s) => s.screen === 'Screen 4 Grand');
  expect(show, `a Grand show tomorrow (${tomorrow}) without an ID check`).toBeTruthy();

  await login(page);
  const picker = page.getByTestId('day-picker');
  await expect(picker.getByTestId('day-today')).toHaveAttribute('aria-pressed', 'true');
  // Every day button is a 48 px target, and the picker is reachable by keyboard.
  for (const b of await picker.locator('button').all()) {
    const box = (await b.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(48);
    expect(box.width).toBeGreaterThanOrEqual(47.5);
  }
  await expect(picker.locator('button')).toHaveCount(7);
  await picker.getByTestId('day-today').focus();
  await page.keyboard.press('Tab');
  await expect(picker.getByTestId('day-tomorrow')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(picker.getByTestId('day-tomorrow')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#shows-title')).toContainText('Showtimes ·');
  await expect(page.locator(`[data-showtime="${show!.id}"]`)).toBeVisible();

  await openShowtime(page, show!.id);
  await expect(page.locator('[data-seat]')).toHaveCount(644);
  // The whole hall fits the 1280x800 window: no scrolling in the seat plan.
  const plan = page.getByTestId('seat-plan');
  const fits = await plan.evaluate((el) => ({
    x: el.scrollWidth - el.clientWidth,
    y: el.scrollHeight - el.clientHeight,
  }));
  expect(fits, 'the 644-seat map needs no scrolling').toEqual({ x: 0, y: 0 });
  await page.screenshot({ path: testInfo.outputPath('grand-644.png') });

  await page.keyboard.press('3');
  await page.getByTestId('best-button').click();
  const chosen = page.locator('[data-seat][data-selected="true"]');
  await expect(chosen).toHaveCount(3);
  const labels = await chosen.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''));
  await page.getByTestId('pay-button').click();
  await payExactCash(page);
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  for (const l of labels) await expect(done).toContainText(l);
  await expect(done.getByTestId('ticket-preview')).toHaveCount(3, { timeout: 30_000 });

  // Central has the seats sold for tomorrow's show.
  const after = (await (await request.post(`${baseUrl}/api/showtimes`, { data: { day: tomorrow } })).json()) as ApiShowtime[];
  expect(after.find((s) => s.id === show!.id)!.seats_free).toBe(show!.seats_free - 3);
});

test('one order: adults and a child for one showtime and an adult for another, paid once', async ({ page, request }) => {
  const { baseUrl, centralUrl } = stackInfo();
  // Tomorrow's board (whatever the time of day, it has open showtimes): the two emptiest without an ID check.
  const status = (await (await request.post(`${baseUrl}/api/status`, { data: {} })).json()) as { business_day: string };
  const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day: addDays(status.business_day, 1) } });
  expect(res.ok()).toBe(true);
  const open = ((await res.json()) as ApiShowtime[])
    .filter((s) => (s.sales_state === 'selling' || s.sales_state === 'almost_full') && !s.id_check && s.seats_free >= 6)
    .sort((a, b) => b.seats_free - a.seats_free);
  const [first, second] = open;
  expect(first && second, 'two open showtimes tomorrow without an ID check').toBeTruthy();
  if (!first || !second) return;
  const stateAtCentral = async (show: string, label: string): Promise<string> => {
    const r = await request.get(`${centralUrl}/v1/showtimes/${show}/seats`, { headers: webHeaders() });
    const body = (await r.json()) as { seats: { label: string; state: string }[] };
    return body.seats.find((x) => x.label === label)?.state ?? 'free';
  };
  const freeLabels = async (): Promise<string[]> =>
    page.locator('[data-seat][data-state="free"][data-kind="standard"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''));
  await login(page);
  await page.getByTestId('day-picker').getByTestId('day-tomorrow').click();
  await expect(page.locator(`[data-showtime="${first.id}"]`)).toBeVisible();

  // Two adults for the first showtime, set aside with A.
  await openShowtime(page, first.id);
  const [a1, a2, c1] = (await freeLabels()).slice(0, 3);
  expect(a1 && a2 && c1).toBeTruthy();
  await page.locator(`[data-seat="${a1}"]`).click();
  await page.locator(`[data-seat="${a2}"]`).click();
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(2);
  await page.keyboard.press('a');
  const basket = page.getByTestId('basket');
  await expect(basket.locator('[data-part]')).toHaveCount(1);
  await expect(page.getByTestId('order-lines')).toHaveCount(0);
  await expect(page.locator(`[data-seat="${a1}"]`)).toHaveAttribute('data-set-aside', 'true');
  // The part keeps its hold at central while the cashier goes on.
  await expect.poll(() => stateAtCentral(first.id, a1!), { timeout: 5_000 }).toBe('held');
  // A seat set aside cannot be chosen again.
  await page.locator(`[data-seat="${a1}"]`).click();
  await expect(page.getByTestId('order-lines')).toHaveCount(0);

  // A child for the same showtime: another part.
  await page.locator(`[data-seat="${c1}"]`).click();
  await page.locator('[data-ticket-type="child"]').click();
  await expect(page.locator('[data-ticket-type="child"]')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('add-to-order').click();
  await expect(basket.locator('[data-part]')).toHaveCount(2);
  const setAside = Number(await page.getByTestId('order-total').getAttribute('data-minor'));
  const parts = await basket.locator('[data-part] [data-price-minor]').evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-price-minor'))),
  );
  expect(parts.reduce((a, b) => a + b, 0)).toBe(setAside);
  expect(parts[1]).toBeLessThan(parts[0]!); // one child costs less than two adults

  // One adult for the second showtime, not set aside: Pay takes it along.
  await openShowtime(page, second.id);
  await expect(basket.locator('[data-part]')).toHaveCount(2);
  const [b1] = await freeLabels();
  await page.locator(`[data-seat="${b1}"]`).click();
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  const grand = Number(await page.getByTestId('order-total').getAttribute('data-minor'));
  expect(grand).toBeGreaterThan(setAside);
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  const { total } = await payTotal(page);
  expect(total).toBe(grand);
  await payExactCash(page);

  // One sale: every seat, one reference, four tickets.
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  for (const l of [a1, a2, c1, b1]) await expect(done).toContainText(l!);
  // The panel names each showtime's seats.
  const byShow = done.getByTestId('seats-by-showtime');
  await expect(byShow.locator(`[data-showtime="${first.id}"]`)).toContainText(`${a1}, ${a2}, ${c1}`);
  await expect(byShow.locator(`[data-showtime="${second.id}"]`)).toContainText(b1!);
  await expect(done.getByTestId('ticket-preview')).toHaveCount(4, { timeout: 30_000 });
  for (const l of [a1, a2, c1]) await expect.poll(() => stateAtCentral(first.id, l!), { timeout: 10_000 }).toBe('sold');
  await expect.poll(() => stateAtCentral(second.id, b1!), { timeout: 10_000 }).toBe('sold');
  await done.getByTestId('new-sale').click();
  await expect(page.getByTestId('basket')).toHaveCount(0);
  await expect(page.getByTestId('order-total')).toHaveAttribute('data-minor', '0');
});

test('an order nobody touches for 10 minutes is cleared and its seats go back on sale', async ({ page, request }) => {
  const { baseUrl, centralUrl } = stackInfo();
  const status = (await (await request.post(`${baseUrl}/api/status`, { data: {} })).json()) as { business_day: string };
  const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day: addDays(status.business_day, 1) } });
  const show = ((await res.json()) as ApiShowtime[])
    .filter((s) => (s.sales_state === 'selling' || s.sales_state === 'almost_full') && !s.id_check && s.seats_free >= 6)
    .sort((a, b) => b.seats_free - a.seats_free)[0];
  expect(show, 'an open showtime tomorrow').toBeTruthy();
  if (!show) return;
  const stateAtCentral = async (label: string): Promise<string> => {
    const r = await request.get(`${centralUrl}/v1/showtimes/${show.id}/seats`, { headers: webHeaders() });
    const body = (await r.json()) as { seats: { label: string; state: string }[] };
    return body.seats.find((x) => x.label === label)?.state ?? 'free';
  };
  // The page's clock runs normally until the test jumps it forward.
  await page.clock.install();
  await login(page);
  await page.getByTestId('day-picker').getByTestId('day-tomorrow').click();
  await openShowtime(page, show.id);
  const labels = await page
    .locator('[data-seat][data-state="free"][data-kind="standard"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''));
  const [kept, chosen] = labels.slice(-2);
  await page.locator(`[data-seat="${kept}"]`).click();
  await page.getByTestId('add-to-order').click();
  await page.locator(`[data-seat="${chosen}"]`).click();
  await expect(page.getByTestId('basket').locator('[data-part]')).toHaveCount(1);
  await expect.poll(() => stateAtCentral(kept!), { timeout: 5_000 }).toBe('held');
  await expect.poll(() => stateAtCentral(chosen!), { timeout: 5_000 }).toBe('held');

  // Nine minutes of nothing: still held (renewed). The counter locked meanwhile (after 3 minutes);
  // unlocking it is not a touch of the order.
  await page.clock.fastForward('09:00');
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toHaveAttribute('data-reason', 'idle');
  for (const digit of '1111') await lock.getByTestId(`pin-key-${digit}`).click();
  await lock.getByTestId('pin-enter').click();
  await expect(lock).toHaveCount(0);
  await expect(page.getByTestId('basket')).toBeVisible();
  expect(await stateAtCentral(kept!)).toBe('held');
  // Past ten: the order is cleared, the cashier told, the seats free again.
  await page.clock.fastForward('02:30');
  await expect(page.getByTestId('basket')).toHaveCount(0);
  await expect(page.getByTestId('order-total')).toHaveAttribute('data-minor', '0');
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'order_abandoned');
  await expect(page.getByTestId('error-banner')).toContainText('10 minutes');
  await expect.poll(() => stateAtCentral(kept!), { timeout: 5_000 }).toBe('free');
  await expect.poll(() => stateAtCentral(chosen!), { timeout: 5_000 }).toBe('free');
});
