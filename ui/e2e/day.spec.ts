// The manager's day (issue 11): a manager opens the business day's report,
// sees the day as figures and charts, saves it as CSV, is refused the Z
// report while a cashier's shift is open, and closes the day once the shift
// is counted: Z report 1, printed, kept. Against the real engine and central.

import { expect, test, type APIRequestContext } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failOnPageErrors, login, sellableShows, stackInfo } from './env';

const imgDir =
  process.env.DOCS_SCREENSHOTS === '1'
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'manager')
    : mkdtempSync(path.join(tmpdir(), 'boxoffice-day-'));
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

interface ApiShowtime {
  id: string;
  rating: string;
  id_check: boolean;
  sales_state: string;
  seats_free: number;
}

async function api<T>(request: APIRequestContext, cmd: string, data: object): Promise<T> {
  const res = await request.post(`${stackInfo().baseUrl}/api/${cmd}`, { data });
  expect(res.ok(), `${cmd}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

test('a manager reads the day, saves it, and closes it with the Z report once every shift is counted', async ({
  page,
  request,
}) => {
  // A cashier's shift with two cash sales, still open.
  const { token } = await api<{ token: string }>(request, 'login', { pin: '1111' });
  await api(request, 'shift_open', { token, float_minor: 20_000 });
  const { shows } = await sellableShows<ApiShowtime>(request, (s) => !s.id_check);
  const picked = shows.sort((a, b) => b.seats_free - a.seats_free).slice(0, 2);
  let sold = 0;
  for (const show of picked) {
    const map = await api<{ seats: { label: string; kind: string; state: string }[]; ticket_types: { code: string }[] }>(
      request,
      'seat_map',
      { showtime_id: show.id },
    );
    const seats = map.seats.filter((s) => s.kind === 'standard' && s.state === 'free').slice(0, 2).map((s) => s.label);
    const sale = await api<{ total_minor: number }>(request, 'sell', {
      token,
      parts: [{ showtime_id: show.id, seats, ticket_type: map.ticket_types[0]!.code }],
      tendered_minor: 100_000,
      id_checked: false,
    });
    sold += sale.total_minor;
  }

  await page.setViewportSize({ width: 1280, height: 800 });
  await login(page, '3333');
  await page.getByTestId('day-open').click();
  const panel = page.getByTestId('day-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('day-totals')).toBeVisible();
  // The day's net is at least what was just sold (other tests sold too).
  const net = Number((await panel.getByTestId('day-net').innerText()).trim());
  expect(net * 100).toBeGreaterThanOrEqual(sold);
  await expect(panel.getByTestId('day-chart-hour').locator('.col').first()).toBeVisible();
  await expect(panel.getByTestId('day-chart-film').locator('li').first()).toBeVisible();
  await expect(panel.getByTestId('day-chart-tender').locator('li')).not.toHaveCount(0);
  await expect(panel.getByTestId('day-chart-occupancy').locator('li').first()).toBeVisible();
  await expect(panel.getByTestId('day-shifts')).toContainText('Demo Cashier');
  await page.screenshot({ path: path.join(imgDir, 'day-1280x800.png') });

  // The day as CSV, as a spreadsheet would open it.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('day-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^x-dxb-marina-t1-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\ufeffsection,item,name,name_ar,')).toBe(true);
  expect(csv).toContain('totals,sales,');

  const closedDay = await panel.getByTestId('day-date').inputValue();
  // Not while the cashier's shift is open.
  await panel.getByTestId('day-close').click();
  await panel.getByTestId('day-close-confirm').click();
  await expect(panel.getByTestId('day-error')).toContainText(/close the open shifts first .*Demo Cashier/i);
  await expect(panel.getByTestId('day-closed')).toHaveCount(0);

  // Counted and closed: now the day closes, Z report 1.
  await api(request, 'shift_close', { token, counted_minor: 20_000 + sold });
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
  await page.screenshot({ path: path.join(imgDir, 'day-ar-1024x768.png') });
  await panel.getByTestId('day-close-panel').click();
  await page.getByTestId('lang-toggle').click();
});
