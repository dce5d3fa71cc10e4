// The drawer and the manager's day (issue 11), against the real engine and
// central: a cashier's shift takes two cash sales; the cashier, signed in by
// name, pays cash in, drops cash to the safe, pays out with a supervisor's
// PIN and prints the X report, which does not show the cash expected (the
// close is blind). A manager reads the day, is refused the Z report while
// the shift is open, closes the cashier's shift counting the drawer by note
// and coin (no expected figure until the count is in), sees the variance,
// and closes the day: Z report 1, printed, kept. Then a ticket of the
// closed day is refunded in cash: that needs a shift, so the manager opens
// one. The Z closes the day for every later spec.

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMajor } from '../src/lib/money';
import { apiLogin, closeOpenShift, ensureShift, failOnPageErrors, login, sellableShows, stackInfo, scratchDir, supervisorRefunds } from './env';

const docs = process.env.DOCS_SCREENSHOTS === '1';
const imgDir = docs
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'manager')
  : scratchDir('day');
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
  starts_at: string;
}

interface ApiShiftState {
  open: { staff_name: string } | null;
  denominations: { minor: number; note: boolean }[];
  currency: { code: string; exponent: number };
}

async function api<T>(request: APIRequestContext, cmd: string, data: object): Promise<T> {
  const res = await request.post(`${stackInfo().baseUrl}/api/${cmd}`, { data });
  expect(res.ok(), `${cmd}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A screenshot for the docs (quantized to 256 colours when it goes to docs/img). */
async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(imgDir, name);
  await page.screenshot({ path: file });
  if (docs) execFileSync('mogrify', ['-strip', '+dither', '-colors', '256', file]);
}

/** `amount` as notes and coins, largest first (what is left below the smallest coin is not counted). */
function inPieces(amount: number, denominations: { minor: number }[]): Map<number, number> {
  const out = new Map<number, number>();
  let left = amount;
  for (const d of denominations) {
    const n = Math.floor(left / d.minor);
    if (n > 0) out.set(d.minor, n);
    left -= n * d.minor;
  }
  return out;
}

test('the drawer of a shift, its blind close, the day closed with the Z report, a refund afterwards', async ({ page, request }) => {
  test.setTimeout(180_000);
  // ---- A cashier's shift with two cash sales, still open. ----
  const token = await apiLogin(request, '1111');
  await ensureShift(request, token);
  const { shows } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check && supervisorRefunds(s));
  const picked = shows.sort((a, b) => b.seats_free - a.seats_free).slice(0, 2);
  let sold = 0;
  const refs: string[] = [];
  for (const show of picked) {
    const map = await api<{ seats: { label: string; kind: string; state: string }[]; ticket_types: { code: string }[] }>(
      request,
      'seat_map',
      { showtime_id: show.id },
    );
    const seats = map.seats.filter((s) => s.kind === 'standard' && s.state === 'free').slice(0, 2).map((s) => s.label);
    const sale = await api<{ total_minor: number; order_ref: string }>(request, 'sell', {
      token,
      parts: [{ showtime_id: show.id, seats, ticket_type: map.ticket_types[0]!.code }],
      tendered_minor: 100_000,
      id_checked: false,
    });
    sold += sale.total_minor;
    refs.push(sale.order_ref);
  }
  const state = await api<ApiShiftState>(request, 'shift_state', { token });
  const money = (minor: number) => formatMajor(minor, state.currency.exponent);

  // ---- The cashier, signed in by name: a pay-in, a drop, a pay-out approved by a supervisor. ----
  await page.setViewportSize({ width: 1280, height: 800 });
  await login(page, '1111');
  await page.getByTestId('open-shift-panel').click();
  const drawer = page.getByTestId('shift-panel');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('shift-owner')).toContainText('Demo Cashier');
  const move = async (kind: string, amount: number, reason: string, pin?: string) => {
    await drawer.getByTestId(`cash-kind-${kind}`).click();
    await drawer.getByTestId('cash-amount').fill(money(amount));
    await drawer.getByTestId('cash-reason').fill(reason);
    if (pin !== undefined) await drawer.getByTestId('cash-pin').fill(pin);
    await drawer.getByTestId('cash-submit').click();
  };
  await move('pay_in', 10_000, 'Change from the safe');
  await expect(drawer.getByTestId('cash-done')).toHaveAttribute('data-kind', 'pay_in');
  await expect(drawer.getByTestId('cash-done').locator('img')).toBeVisible();
  await move('drop', 5_000, 'Surplus to the safe');
  await expect(drawer.getByTestId('cash-done')).toHaveAttribute('data-kind', 'drop');
  // A pay-out by a cashier: without an approver's PIN it is not sent; a supervisor's approves. (No wrong
  // PIN here: the cashier's wrong approval PINs add up over the specs, and five lock their approvals out.)
  await drawer.getByTestId('cash-kind-pay_out').click();
  await drawer.getByTestId('cash-amount').fill(money(2_000));
  await drawer.getByTestId('cash-reason').fill('Printer paper');
  await drawer.getByTestId('cash-submit').click();
  await expect(drawer.getByTestId('cash-error')).toContainText(/supervisor or a manager/i);
  await expect(drawer.getByTestId('cash-done')).toHaveAttribute('data-kind', 'drop');
  await drawer.getByTestId('cash-pin').fill('222222');
  await drawer.getByTestId('cash-submit').click();
  await expect(drawer.getByTestId('cash-done')).toHaveAttribute('data-kind', 'pay_out');
  await expect(drawer.getByTestId('cash-done')).toContainText('Demo Supervisor');

  // The X report, blind for a cashier: no expected cash anywhere.
  await drawer.getByTestId('shift-x').click();
  const x = drawer.getByTestId('shift-x-report');
  await expect(x).toBeVisible();
  await expect(x.getByTestId('shift-expected-blind')).toBeVisible();
  await expect(drawer.getByTestId('shift-expected')).toHaveCount(0);
  // Nor the sales and cash it could be worked out from.
  await expect(x.getByTestId('shift-blind-hint')).toBeVisible();
  await expect(x.locator('td[data-blind="true"]')).not.toHaveCount(0);
  await expect(x.getByTestId('shift-movements').locator('tr[data-kind]')).toHaveCount(3);
  await expect(drawer.locator('img').first()).toBeVisible();
  await shot(page, 'shift-x-cashier-1280x800.png');
  await drawer.getByTestId('shift-panel-close').click();
  await page.getByTestId('logout').click();

  // ---- The manager reads the day: not closed while the cashier's shift is open. ----
  await login(page, '333333');
  await page.getByTestId('day-open').click();
  const panel = page.getByTestId('day-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('day-totals')).toBeVisible();
  // The day's net is at least what was just sold (other tests sold too).
  const net = Number((await panel.getByTestId('day-net').innerText()).trim());
  expect(Math.round(net * 100)).toBeGreaterThanOrEqual(sold);
  await expect(panel.getByTestId('day-chart-hour').locator('.col').first()).toBeVisible();
  await expect(panel.getByTestId('day-chart-film').locator('li').first()).toBeVisible();
  await expect(panel.getByTestId('day-chart-tender').locator('li')).not.toHaveCount(0);
  await expect(panel.getByTestId('day-chart-occupancy').locator('li').first()).toBeVisible();
  await expect(panel.getByTestId('day-shifts')).toContainText('Demo Cashier');
  await shot(page, 'day-1280x800.png');

  // The day as CSV, as a spreadsheet would open it.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('day-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^x-dxb-marina-t1-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\ufeffsection,item,name,name_ar,')).toBe(true);
  expect(csv).toContain('totals,sales,');

  // The whole site from central: this terminal's sales are in, the site's
  // other counters have not been heard from, so the day is not complete.
  await panel.getByTestId('day-scope-site').click();
  await expect(panel.getByTestId('day-unsynced-dxb-marina-t2')).toContainText(/not heard from it/);
  await expect(panel.getByTestId('day-unsynced-dxb-marina-t1')).toHaveCount(0);
  const siteNet = Number((await panel.getByTestId('day-net').innerText()).trim());
  expect(Math.round(siteNet * 100)).toBeGreaterThanOrEqual(sold);
  await expect(panel.getByTestId('day-close')).toHaveCount(0);
  await shot(page, 'day-site-1280x800.png');
  await panel.getByTestId('day-scope-counter').click();
  await expect(panel.getByTestId('day-close')).toBeVisible();

  const closedDay = await panel.getByTestId('day-date').inputValue();
  await panel.getByTestId('day-close').click();
  await panel.getByTestId('day-close-confirm').click();
  await expect(panel.getByTestId('day-error')).toContainText(/close the open shifts first .*Demo Cashier/i);
  await expect(panel.getByTestId('day-closed')).toHaveCount(0);
  await panel.getByTestId('day-close-panel').click();

  // ---- The manager closes the cashier's shift: the X report shows a manager the expected cash. ----
  await page.getByTestId('open-shift-panel').click();
  await expect(drawer.getByTestId('shift-owner')).toContainText('Demo Cashier');
  await drawer.getByTestId('shift-x').click();
  const expectedCell = drawer.getByTestId('shift-x-report').getByTestId('shift-expected');
  await expect(expectedCell).toBeVisible();
  const expected = Number(await expectedCell.getAttribute('data-minor'));
  expect(expected).toBeGreaterThanOrEqual(sold + 10_000 - 5_000 - 2_000);
  await drawer.getByTestId('shift-close').click();

  // The blind count: notes then coins, a running total, no expected figure anywhere.
  const count = drawer.getByTestId('shift-count');
  await expect(count).toBeVisible();
  await expect(page.getByTestId('shift-expected')).toHaveCount(0);
  // Five dirhams short.
  const pieces = inPieces(expected - 500, state.denominations);
  let counted = 0;
  for (const [minor, n] of pieces) {
    await count.getByTestId(`count-${minor}`).fill(String(n));
    counted += minor * n;
  }
  await expect(count.getByTestId('count-total')).toHaveAttribute('data-minor', String(counted));
  await shot(page, 'shift-count-1280x800.png');
  await drawer.getByTestId('count-submit').click();

  const result = drawer.getByTestId('shift-result');
  await expect(result).toBeVisible();
  await expect(result.getByTestId('shift-expected')).toHaveAttribute('data-minor', String(expected));
  await expect(result.getByTestId('shift-counted')).toHaveAttribute('data-minor', String(counted));
  const variance = result.getByTestId('shift-variance');
  await expect(variance).toHaveAttribute('data-minor', String(counted - expected));
  await expect(variance).toHaveAttribute('data-tone', 'short');
  await expect(result.getByTestId('shift-count-lines').locator('tr')).toHaveCount(pieces.size);
  await expect(result.getByTestId('shift-movements').locator('tr[data-kind]')).toHaveCount(3);
  await expect(result.locator('img').first()).toBeVisible();
  await shot(page, 'shift-result-1280x800.png');

  // Done: the counter needs a new shift to sell; a manager may carry on without one.
  await drawer.getByTestId('shift-done').click();
  const gate = page.getByTestId('open-shift');
  await expect(gate).toBeVisible();
  await expect(gate.getByTestId('open-shift-skip')).toBeVisible();
  await gate.getByTestId('open-shift-skip').click();
  await expect(gate).toHaveCount(0);

  // ---- Every shift counted: the day closes, Z report 1. ----
  await page.getByTestId('day-open').click();
  await panel.getByTestId('day-close').click();
  await panel.getByTestId('day-close-confirm').click();
  await expect(panel.getByTestId('day-closed')).toContainText('Z report 1');
  await expect(panel.getByTestId('day-notice')).toContainText('Z report 1 printed');
  await expect(panel.getByTestId('day-close')).toHaveCount(0);

  // In Arabic, at the smallest counter screen, the closed day reads as kept.
  await page.setViewportSize({ width: 1024, height: 768 });
  await panel.getByTestId('day-close-panel').click();
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('day-open').click();
  // The panel opens on the day sales now go to; the closed day is a pick away.
  await panel.getByTestId('day-date').fill(closedDay);
  await expect(panel.getByTestId('day-closed')).toContainText(/مغلق: تقرير Z رقم \u20661\u2069/);
  await expect(panel.getByTestId('day-chart-film')).toBeVisible();
  await shot(page, 'day-ar-1024x768.png');
  await panel.getByTestId('day-close-panel').click();
  await page.getByTestId('lang-toggle').click();
  await page.setViewportSize({ width: 1280, height: 800 });

  // ---- A ticket of the closed day refunded in cash: the drawer needs a shift. ----
  const findOrder = async () => {
    await page.getByTestId('orders-open').click();
    const orders = page.getByTestId('orders-panel');
    await orders.getByTestId('orders-text').fill(refs[0]!);
    await orders.getByTestId('orders-search').click();
    const detail = orders.getByTestId('order-detail');
    await expect(detail).toHaveAttribute('data-ref', refs[0]!);
    await detail.locator('[data-testid^="refund-seat-"]').first().uncheck();
    await detail.getByTestId('refund-quote').click();
    await detail.getByTestId('refund-reason').fill('customer feels unwell');
    // A manager approves alone: no PIN asked.
    await expect(detail.getByTestId('refund-pin')).toHaveCount(0);
    await detail.getByTestId('refund-confirm').click();
    return orders;
  };
  let orders = await findOrder();
  await expect(orders.getByTestId('orders-error')).toContainText(/open a shift/i);
  await orders.getByTestId('orders-close').click();

  await page.getByTestId('open-shift-panel').click();
  await expect(drawer.getByTestId('shift-none')).toBeVisible();
  await drawer.getByTestId('shift-open-now').click();
  await expect(gate).toBeVisible();
  await gate.getByTestId('float-mode-total').click();
  await gate.getByTestId('float-total').fill(money(20_000));
  await expect(gate.getByTestId('open-shift-submit')).toContainText(money(20_000));
  await gate.getByTestId('open-shift-submit').click();
  await expect(gate).toHaveCount(0);

  orders = await findOrder();
  await expect(orders.getByTestId('refund-done')).toContainText('Demo Manager');
  await expect(orders.locator('[data-seat-state="refunded"]')).toHaveCount(1);
  await orders.getByTestId('orders-close').click();

  // The manager's shift paid it back; closed again, the terminal is free for the next cashier.
  const manager = await apiLogin(request, '333333');
  const mine = await api<{ report: { refunded_minor: number; float_minor: number; staff_name: string } }>(request, 'shift_report', {
    token: manager,
  });
  expect(mine.report.staff_name).toBe('Demo Manager');
  expect(mine.report.float_minor).toBe(20_000);
  expect(mine.report.refunded_minor).toBeGreaterThan(0);
  await closeOpenShift(request, manager, 20_000 - mine.report.refunded_minor);
  await request.post(`${stackInfo().baseUrl}/api/logout`, { data: { token: manager } });
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login')).toBeVisible();
});
