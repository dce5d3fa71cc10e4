// Earlier orders at the counter (issue 11): a cashier finds a sale by its
// reference, picks one of its tickets and refunds it with a supervisor's PIN
// and a reason; the slip prints, the seat is free again, the order shows the
// ticket refunded. Against the real engine and central.

import { expect, test, type APIRequestContext } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMajor } from '../src/lib/money';
import { apiLogin, ensureShift, failOnPageErrors, pastShift, sellableShows, signIn, stackInfo, scratchDir, supervisorRefunds } from './env';

const imgDir =
  process.env.DOCS_SCREENSHOTS === '1'
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'manager')
    : scratchDir('orders');
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
  local_time: string;
  starts_at: string;
}

async function api<T>(request: APIRequestContext, cmd: string, data: object): Promise<T> {
  const res = await request.post(`${stackInfo().baseUrl}/api/${cmd}`, { data });
  expect(res.ok(), `${cmd}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

test('a cashier refunds one ticket of an earlier cash sale with a supervisor’s PIN', async ({ page, request }) => {
  // A cash sale of two seats, made through the engine.
  const token = await apiLogin(request, '1111');
  await ensureShift(request, token);
  const { shows } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check && supervisorRefunds(s));
  const show = shows.sort((a, b) => b.seats_free - a.seats_free)[0]!;
  const map = await api<{
    seats: { label: string; kind: string; state: string }[];
    ticket_types: { code: string; price_minor: number }[];
  }>(request, 'seat_map', { showtime_id: show.id });
  const seats = map.seats.filter((s) => s.kind === 'standard' && s.state === 'free').slice(-2).map((s) => s.label);
  expect(seats).toHaveLength(2);
  const type = map.ticket_types[0]!;
  const sale = await api<{ order_ref: string; total_minor: number }>(request, 'sell', {
    token,
    parts: [{ showtime_id: show.id, seats, ticket_type: type.code }],
    tendered_minor: 50_000,
    id_checked: false,
  });

  await page.goto(`${stackInfo().baseUrl}/`);
  await page.getByTestId('lang-en').click();
  await signIn(page, '1111');
  await pastShift(page);
  await page.getByTestId('orders-open').click();
  const panel = page.getByTestId('orders-panel');
  await expect(panel).toBeVisible();
  await panel.getByTestId('orders-text').fill(sale.order_ref);
  await panel.getByTestId('orders-search').click();
  const detail = panel.getByTestId('order-detail');
  await expect(detail).toHaveAttribute('data-ref', sale.order_ref);

  // A reprint needs a supervisor's PIN too; it comes marked as a reprint.
  await detail.getByTestId('reprint-pin').fill('222222');
  await detail.getByTestId('reprint').click();
  await expect(detail.getByTestId('reprint-done').locator('img')).toHaveCount(2);

  // Keep the first seat; refund the second.
  await detail.getByTestId(`refund-seat-${seats[0]}`).uncheck();
  await expect(detail.getByTestId('refund-quote')).toHaveText('Refund 1 ticket…');
  await detail.getByTestId('refund-quote').click();
  const summary = detail.getByTestId('refund-summary');
  await expect(summary).toHaveAttribute('data-cash', String(sale.total_minor / 2));
  await expect(summary).toHaveAttribute('data-card', '0');
  await detail.getByTestId('refund-reason').fill('customer feels unwell');
  // A cashier's own PIN does not approve.
  await detail.getByTestId('refund-pin').fill('1111');
  await detail.getByTestId('refund-confirm').click();
  await expect(panel.getByTestId('orders-error')).toBeVisible();
  await detail.getByTestId('refund-pin').fill('222222');
  await detail.getByTestId('refund-confirm').click();
  await expect(detail.getByTestId('refund-done')).toContainText('Demo Supervisor');
  await expect(detail.locator('[data-seat-state="refunded"]')).toHaveCount(1);
  await expect(detail.locator('[data-seat-state="valid"]')).toHaveCount(1);
  await expect(detail.getByTestId('refund-done').locator('img').first()).toBeVisible();
  // Nothing is ticked after a refund: the button says what to do, and cannot be pressed.
  await expect(detail.getByTestId('refund-quote')).toHaveText('Tick the tickets to refund');
  await expect(detail.getByTestId('refund-quote')).toBeDisabled();
  await page.screenshot({ path: path.join(imgDir, 'refund-1280x800.png') });

  // The engine agrees: the seat is free again, the other still sold.
  const after = await api<{ seats: { label: string; state: string }[] }>(request, 'seat_map', { showtime_id: show.id });
  const state = (l: string) => after.seats.find((s) => s.label === l)?.state;
  expect(state(seats[1]!)).toBe('free');
  expect(state(seats[0]!)).toBe('sold');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('an exchange: the tickets given back pay for new seats, only the difference is paid', async ({ page, request }) => {
  const token = await apiLogin(request, '1111');
  await ensureShift(request, token);
  const { shows } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check && supervisorRefunds(s));
  const byFree = shows.sort((a, b) => b.seats_free - a.seats_free);
  const [from, to] = [byFree[0]!, byFree[1] ?? byFree[0]!];
  const map = await api<{
    seats: { label: string; kind: string; state: string }[];
    ticket_types: { code: string }[];
  }>(request, 'seat_map', { showtime_id: from.id });
  const seat = map.seats.filter((s) => s.kind === 'standard' && s.state === 'free').slice(-1)[0]!.label;
  const sale = await api<{ order_ref: string; total_minor: number }>(request, 'sell', {
    token,
    parts: [{ showtime_id: from.id, seats: [seat], ticket_type: map.ticket_types[0]!.code }],
    tendered_minor: 50_000,
    id_checked: false,
  });

  await page.goto(`${stackInfo().baseUrl}/`);
  await page.getByTestId('lang-en').click();
  await signIn(page, '1111');
  await pastShift(page);
  await page.getByTestId('orders-open').click();
  const panel = page.getByTestId('orders-panel');
  await panel.getByTestId('orders-text').fill(sale.order_ref);
  await panel.getByTestId('orders-search').click();
  await panel.getByTestId('refund-quote').click();
  await panel.getByTestId('refund-reason').fill('another day suits better');
  await panel.getByTestId('refund-pin').fill('222222');
  await panel.getByTestId('exchange-start').click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('exchange-banner')).toContainText(sale.order_ref);

  // Two new seats in another show: the order is worth more than the credit.
  const board = await api<{ id: string }[]>(request, 'showtimes', { day: null });
  if (!board.some((s) => s.id === to.id)) await page.getByTestId('day-tomorrow').click();
  await page.locator(`[data-showtime="${to.id}"]`).click();
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  await free.nth(0).click();
  await free.nth(1).click();
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  const due = Number(await pay.getByTestId('pay-total').getAttribute('data-minor'));
  const full = Number(await page.getByTestId('order-total').getAttribute('data-minor'));
  expect(due).toBe(Math.max(0, full - sale.total_minor));
  const exponent = Number(await pay.getByTestId('pay-total').getAttribute('data-exponent'));
  await pay.getByTestId('tender-input').fill(formatMajor(due, exponent));
  await pay.getByTestId('tender-input').press('Enter');
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible();
  await expect(page.getByTestId('exchange-banner')).toHaveCount(0);
  // An upgrade: nothing goes back.
  await expect(page.getByTestId('exchange-back')).toHaveCount(0);
  await page.screenshot({ path: path.join(imgDir, 'exchange-1280x800.png') });

  // The old seat is free again, the old order fully given back.
  const after = await api<{ seats: { label: string; state: string }[] }>(request, 'seat_map', { showtime_id: from.id });
  expect(after.seats.find((s) => s.label === seat)?.state).toBe('free');
  // Its reference finds both orders: the new one names it as its exchange credit.
  const found = await api<{ order_ref: string; tickets: { state: string }[] }[]>(request, 'find_orders', {
    token,
    text: sale.order_ref,
  });
  expect(found).toHaveLength(2);
  const old = found.find((o) => o.order_ref === sale.order_ref)!;
  expect(old.tickets.map((t) => t.state)).toEqual(['refunded']);
  expect(found.find((o) => o.order_ref !== sale.order_ref)!.tickets.map((t) => t.state)).toEqual(['valid', 'valid']);
});

test('the orders panel in Arabic at 1024 × 768 fits and says what goes back', async ({ page, request }) => {
  const token = await apiLogin(request, '1111');
  await ensureShift(request, token);
  const { shows } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check && supervisorRefunds(s));
  const show = shows.sort((a, b) => b.seats_free - a.seats_free)[0]!;
  const map = await api<{ seats: { label: string; kind: string; state: string }[]; ticket_types: { code: string }[] }>(
    request,
    'seat_map',
    { showtime_id: show.id },
  );
  const seats = map.seats.filter((s) => s.kind === 'standard' && s.state === 'free').slice(-4, -2).map((s) => s.label);
  const sale = await api<{ order_ref: string }>(request, 'sell', {
    token,
    parts: [{ showtime_id: show.id, seats, ticket_type: map.ticket_types[0]!.code }],
    tendered_minor: 50_000,
    id_checked: false,
  });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`${stackInfo().baseUrl}/`);
  await page.getByTestId('lang-ar').click();
  await signIn(page, '1111');
  await pastShift(page);
  // The O key opens earlier orders (by key position, so on an Arabic layout too).
  await page.keyboard.press('o');
  const panel = page.getByTestId('orders-panel');
  await expect(panel).toBeVisible();
  await panel.getByTestId('orders-text').fill(sale.order_ref);
  await panel.getByTestId('orders-search').click();
  await panel.getByTestId('refund-quote').click();
  await expect(panel.getByTestId('refund-summary')).toContainText('يُعاد');
  // Nothing in the panel runs off its sides.
  const box = await panel.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
  const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await page.screenshot({ path: path.join(imgDir, 'refund-ar-1024x768.png') });
});
