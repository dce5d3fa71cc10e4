// End-to-end: collecting a web booking at the counter, against the real
// engine and central (e2e/stack.ts). The customer bought two seats on the
// chain's website; the cashier looks the reference up, prints the tickets,
// and a second attempt shows the booking as already collected.

import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiLogin, failOnPageErrors, login, sellableShows, stackInfo, webHeaders, webStillSells } from './env';

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: 'selling' | 'almost_full' | 'sold_out' | 'closed';
  seats_free: number;
  starts_at: string;
}

const TERMINAL = 'dxb-marina-t1';
// Uncaught errors in the page fail the test.
failOnPageErrors(test);

/** Two seats of a showtime of this terminal's site, bought on the website; returns the booking reference. */
async function webSale(request: APIRequestContext): Promise<{ reference: string; seats: string[]; showtimeId: string }> {
  const { baseUrl, centralUrl } = stackInfo();
  // Today's showtimes the web still sells, or tomorrow's once none is left.
  const open = (await sellableShows<ApiShowtime>(request, webStillSells)).shows.sort((a, b) => b.seats_free - a.seats_free);
  expect(open.length, 'a sellable showtime for this test').toBeGreaterThan(0);
  const show = open[0]!;
  // The engine's map of it (central lists only the seats that are not free).
  const mapRes = await request.post(`${baseUrl}/api/seat_map`, { data: { showtime_id: show.id } });
  expect(mapRes.ok()).toBe(true);
  const free = ((await mapRes.json()) as { seats: { label: string; state: string; kind: string }[] }).seats
    .filter((s) => s.state === 'free' && s.kind === 'standard')
    .map((s) => s.label);
  // From the back of the house: clear of the seats other tests pick.
  for (let i = free.length - 2; i >= Math.max(0, free.length - 12); i -= 2) {
    const seats = [free[i]!, free[i + 1]!];
    const sale = await request.post(`${centralUrl}/v1/web/sales`, { data: { showtime_id: show.id, seats }, headers: webHeaders() });
    if (sale.ok()) {
      const body = (await sale.json()) as { reference: string };
      expect(body.reference).toMatch(/^[A-Z0-9]+$/);
      return { reference: body.reference, seats, showtimeId: show.id };
    }
    expect(sale.status(), `web sale: ${await sale.text()}`).toBe(409);
  }
  throw new Error('no two free seats the web could buy');
}

test('a web booking is collected once: two tickets print, a second try shows it collected', async ({ page, request }) => {
  const booking = await webSale(request);
  await login(page);

  // W opens the dialog from anywhere on the counter.
  await page.keyboard.press('w');
  const dialog = page.getByTestId('collect-dialog');
  await expect(dialog).toBeVisible();
  const field = dialog.getByTestId('collect-reference');
  await expect(field).toBeFocused();

  // Typed in lower case with a dash: shown and looked up in upper case.
  const typed = `${booking.reference.slice(0, 4)}-${booking.reference.slice(4)}`.toLowerCase();
  await field.pressSequentially(typed);
  await expect(field).toHaveValue(booking.reference);
  await field.press('Enter');

  const shown = dialog.getByTestId('collect-booking');
  await expect(shown).toHaveAttribute('data-reference', booking.reference);
  await expect(shown).toHaveAttribute('data-state', 'ready');
  await expect(dialog.getByTestId('collect-seats')).toHaveText([...booking.seats].sort().join(', '));
  await expect(dialog.getByTestId('collect-film')).not.toBeEmpty();
  const paid = dialog.getByTestId('collect-paid');
  expect(Number(await paid.getAttribute('data-minor'))).toBeGreaterThan(0);
  await expect(paid).toContainText('AED');

  // Enter prints: the focus is on the big button.
  const print = dialog.getByTestId('collect-print');
  await expect(print).toBeFocused();
  const box = await print.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('collect-done')).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByTestId('ticket-preview')).toHaveCount(2, { timeout: 30_000 });

  // Again, for the same reference: central says this terminal collected it; nothing prints.
  await dialog.getByTestId('collect-another').click();
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('');
  await field.fill(booking.reference);
  await field.press('Enter');
  await expect(shown).toHaveAttribute('data-state', 'collected');
  await expect(shown).toHaveAttribute('data-collected-by', TERMINAL);
  const already = dialog.getByTestId('collect-already');
  await expect(already).toHaveAttribute('data-here', 'true');
  await expect(already).toContainText(`Already collected at this terminal (${TERMINAL}`);
  await expect(dialog.getByTestId('collect-print')).toHaveCount(0);
  await expect(dialog.getByTestId('ticket-preview')).toHaveCount(0);

  // The engine's own answer for it.
  const token = await apiLogin(request, '1111');
  const view = await request.post(`${stackInfo().baseUrl}/api/web_booking`, { data: { token, reference: booking.reference } });
  expect(view.ok()).toBe(true);
  const body = (await view.json()) as { collected_by: string | null; collected_at: string | null; printouts: unknown[] };
  expect(body.collected_by).toBe(TERMINAL);
  expect(body.collected_at).not.toBeNull();
  expect(body.printouts).toEqual([]);
  await request.post(`${stackInfo().baseUrl}/api/logout`, { data: { token } });

  // Escape closes; the counter takes keys again.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('collect-open')).toBeVisible();
});

test('an unknown or malformed reference is explained, in English and Arabic', async ({ page }) => {
  await login(page);
  await page.getByTestId('collect-open').click();
  const dialog = page.getByTestId('collect-dialog');
  const field = dialog.getByTestId('collect-reference');
  await expect(field).toBeFocused();

  // Nothing typed: refused before asking anyone.
  await field.press('Enter');
  await expect(dialog.getByTestId('collect-error')).toHaveAttribute('data-kind', 'reference');

  await field.fill('WZZZZ0000');
  await field.press('Enter');
  const error = dialog.getByTestId('collect-error');
  await expect(error).toHaveAttribute('data-kind', 'unknown');
  await expect(error).toContainText('No web booking WZZZZ0000');
  await expect(dialog.getByTestId('collect-booking')).toHaveCount(0);
  await expect(dialog.getByTestId('collect-print')).toHaveCount(0);

  await dialog.getByTestId('collect-close').click();
  await expect(dialog).toHaveCount(0);

  // In Arabic, right to left.
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.keyboard.press('w');
  await expect(dialog).toBeVisible();
  await field.fill('WZZZZ0000');
  await field.press('Enter');
  await expect(error).toHaveAttribute('data-kind', 'unknown');
  await expect(error).toContainText('لا يوجد حجز إلكتروني');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
});
