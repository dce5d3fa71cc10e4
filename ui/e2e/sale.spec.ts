// End-to-end: the counter UI in Chromium against the real site engine and
// central API started by e2e/stack.ts. Nothing is mocked.

import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMajor, formatMinor } from '../src/lib/money';
import { addDays } from '../src/lib/showtimes';
import { boardWithOpenShows, demoStaffId, failOnPageErrors, pastShift, stackInfo, webHeaders } from './env';

const uiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CentralSeats {
  showtime_id: string;
  seats: { label: string; state: string }[];
}

// Uncaught errors in the page fail the test.
failOnPageErrors(test);

async function openApp(page: Page): Promise<void> {
  await page.goto(`${stackInfo().baseUrl}/`);
  await expect(page.getByTestId('login')).toBeVisible();
}

/** Taps the demo person of `pin` on the sign-in list, then the PIN on the keypad. */
async function tapPin(page: Page, pin: string, staff = demoStaffId(pin)): Promise<void> {
  await page.getByTestId(`staff-${staff}`).click();
  await expect(page.getByTestId('login')).toHaveAttribute('data-step', 'pin');
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await expect(page.getByTestId('pin-display')).toHaveAttribute('aria-label', `${pin.length} digits entered`);
  await page.getByTestId('pin-enter').click();
}

test('a cashier sells a seat for cash, the map and central show it sold', async ({ page, request }) => {
  const { centralUrl } = stackInfo();
  await openApp(page);
  await tapPin(page, '1111');
  await pastShift(page);
  // The printer (the virtual one here) reports ready, and prints a test page from its panel.
  const printer = page.getByTestId('printer');
  await expect(printer).toHaveAttribute('data-ready', 'true');
  await printer.click();
  await page.getByTestId('test-page').click();
  await expect(page.getByTestId('printer-panel')).toHaveCount(0);
  await expect(printer).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('login')).toHaveCount(0);

  // The first showtime tile with free seats (sold-out tiles are disabled);
  // late at night, when today's have all closed, on tomorrow's board.
  await boardWithOpenShows(page);
  const tile = page.locator('[data-showtime]:not([disabled])').first();
  await expect(tile).toBeVisible();
  const showtimeId = await tile.getAttribute('data-showtime');
  expect(showtimeId, 'showtime tile without data-showtime').toBeTruthy();
  await tile.click();
  await expect(tile).toHaveAttribute('aria-pressed', 'true');

  // A free seat: an ordinary one when there is one (no wheelchair/companion rules in play).
  const anyFree = page.locator('[data-seat][data-state="free"]');
  await expect(anyFree.first()).toBeVisible();
  const ordinary = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  const firstFree = (await ordinary.count()) > 0 ? ordinary.first() : anyFree.first();
  const label = await firstFree.getAttribute('data-seat');
  expect(label, 'seat without data-seat').toBeTruthy();
  const seat = page.locator(`[data-seat="${label}"]`);
  await expect(seat).toHaveAttribute('aria-label', new RegExp(`^Seat ${label}, free`));
  await seat.click();
  await expect(seat).toHaveAttribute('aria-pressed', 'true');

  // Adult tickets.
  const adult = page.locator('[data-ticket-type="adult"]');
  await adult.click();
  await expect(adult).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('order-lines')).toContainText(`${label}`);
  await expect(page.getByTestId('order-total')).not.toHaveAttribute('data-minor', '0');
  await page.screenshot({ path: path.join(uiDir, 'test-results', 'counter.png') });

  // Pay cash: the P shortcut opens the dialog and does not leak into the amount.
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  await expect(pay.getByTestId('tender-input')).toHaveValue('');
  await page.keyboard.type('x');
  await expect(pay.getByTestId('tender-input')).toHaveValue('');
  const payTotal = pay.getByTestId('pay-total');
  const total = Number(await payTotal.getAttribute('data-minor'));
  const exponent = Number(await payTotal.getAttribute('data-exponent'));
  const code = ((await payTotal.textContent()) ?? '').trim().split(/\s+/)[0] ?? '';
  const currency = { code, exponent };
  expect(total).toBeGreaterThan(0);
  await expect(payTotal).toHaveText(formatMinor(total, currency));

  // The total typed gives no change ...
  const input = pay.getByTestId('tender-input');
  await input.fill(formatMajor(total, exponent));
  await expect(pay.getByTestId('pay-change')).toHaveAttribute('data-minor', '0');

  // ... too little is refused inline ...
  await input.fill(formatMajor(Math.max(0, total - 10 ** exponent), exponent));
  await expect(pay.getByTestId('tender-error')).not.toBeEmpty();

  // ... and more than the total shows tendered - total as change.
  const tendered = total + 10 * 10 ** exponent;
  await input.fill(formatMajor(tendered, exponent));
  await expect(pay.getByTestId('tender-error')).toBeEmpty();
  await expect(pay.getByTestId('pay-change')).toHaveAttribute('data-minor', String(tendered - total));
  await expect(pay.getByTestId('pay-change')).toHaveText(formatMinor(tendered - total, currency));
  // Late in the day the first open show may be rated PG15 or above: confirm the ID check then.
  const idCheck = pay.getByTestId('id-check');
  if ((await idCheck.count()) > 0) await idCheck.check();
  await input.press('Enter');

  // The sale is done: change, reference, ticket preview.
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  const change = done.getByTestId('change-due');
  await expect(change).toHaveAttribute('data-minor', String(tendered - total));
  await expect(change).toHaveText(formatMinor(tendered - total, currency));
  await expect(done.getByTestId('order-ref')).not.toBeEmpty();
  const ticket = done.getByTestId('ticket-preview').first();
  await expect(ticket).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(() => ticket.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), {
      message: 'ticket preview image should load',
    })
    .toBeGreaterThan(0);

  // Reprint needs a supervisor: the cashier's PIN is refused, the supervisor's works.
  const before = await done.getByTestId('ticket-preview').count();
  await done.getByTestId('reprint').click();
  await done.getByTestId('reprint-pin').fill('1111');
  await done.getByTestId('reprint-pin').press('Enter');
  await expect(done.getByTestId('reprint-error')).not.toBeEmpty();
  await expect(done).toBeVisible();
  await done.getByTestId('reprint-pin').fill('222222');
  await done.getByTestId('reprint-go').click();
  await expect(done.getByTestId('reprinted')).toBeVisible();
  await expect(done.getByTestId('ticket-preview')).toHaveCount(before + 1);

  // New sale: order cleared, the seat now sold on the map.
  await done.getByTestId('new-sale').click();
  await expect(done).toHaveCount(0);
  await expect(seat).toHaveAttribute('data-state', 'sold');
  await expect(seat).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('order-total')).toHaveAttribute('data-minor', '0');

  // Central agrees (the sale may reach it through the outbox a moment later).
  const seatsUrl = `${centralUrl}/v1/showtimes/${encodeURIComponent(showtimeId ?? '')}/seats`;
  let body: CentralSeats | null = null;
  await expect
    .poll(
      async () => {
        const res = await request.get(seatsUrl, { headers: webHeaders() });
        if (!res.ok()) return `HTTP ${res.status()}`;
        body = (await res.json()) as CentralSeats;
        return body.seats.find((s) => s.label === label)?.state ?? 'seat missing';
      },
      { message: `central state of ${label} at ${seatsUrl}`, timeout: 30_000 },
    )
    .toBe('sold');
  expect((body as CentralSeats | null)?.showtime_id).toBe(showtimeId);
});

test('a wrong PIN shows an error and stays on the PIN pad of the person chosen', async ({ page }) => {
  await openApp(page);
  await tapPin(page, '9999', demoStaffId('1111'));
  const error = page.getByTestId('login-error');
  await expect(error).toBeVisible();
  await expect(error).not.toBeEmpty();
  await expect(page.getByTestId('login')).toHaveAttribute('data-step', 'pin');
  await expect(page.getByTestId('login-chosen')).toHaveAttribute('data-staff', demoStaffId('1111'));
  await expect(page.getByTestId('counter')).toHaveCount(0);
  // The PIN is cleared for the next try.
  await expect(page.getByTestId('pin-display')).toHaveAttribute('aria-label', 'No digits entered');
  // The right PIN then signs in.
  for (const digit of '1111') await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-enter').click();
  await pastShift(page);
});

test('the PIN can be typed on the keyboard', async ({ page }) => {
  await openApp(page);
  await page.getByTestId(`staff-${demoStaffId('1111')}`).click();
  await page.keyboard.type('1111');
  await page.keyboard.press('Enter');
  await pastShift(page);
  await expect(page.getByTestId('staff')).not.toBeEmpty();
});

test('best available by keyboard: 4 then B picks four seats together, Enter pays exact', async ({ page }) => {
  await openApp(page);
  await tapPin(page, '1111');
  await pastShift(page);
  // The last IMAX show of the day (or of tomorrow, late at night): the 448-seat hall.
  await boardWithOpenShows(page, '[data-showtime*="-s1-"]:not([disabled])');
  await page.locator('[data-showtime*="-s1-"]:not([disabled])').last().click();
  await expect(page.locator('[data-seat]').first()).toBeVisible();
  await page.keyboard.press('4');
  await expect(page.getByTestId('party')).toHaveText('4');
  await page.keyboard.press('b');
  const chosen = page.locator('[data-seat][data-selected="true"]');
  await expect(chosen).toHaveCount(4);
  const labels = await chosen.evaluateAll((els) => els.map((e) => e.getAttribute('data-seat') ?? ''));
  const rows = new Set(labels.map((l) => l.split('-')[0]));
  expect(rows.size, `one row: ${labels.join(',')}`).toBe(1);
  const numbers = labels.map((l) => Number(l.split('-')[1])).sort((a, b) => a - b);
  expect(numbers[3]! - numbers[0]!, `adjacent: ${labels.join(',')}`).toBe(3);
  await expect(page.getByTestId('order-lines')).toContainText(labels[0]!);
  // P, Exact, Enter.
  await page.keyboard.press('p');
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  await pay.getByTestId('tender-exact').click();
  // The late IMAX show is rated 21+: no sale until the cashier confirms the ID check.
  const idCheck = pay.getByTestId('id-check');
  await expect(idCheck).toBeVisible();
  await pay.getByTestId('tender-input').press('Enter');
  await expect(pay).toBeVisible();
  await expect(idCheck).toBeFocused();
  await idCheck.check();
  await pay.getByTestId('tender-input').press('Enter');
  const done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done.getByTestId('ticket-preview')).toHaveCount(4);
});

interface ApiShowtime {
  id: string;
  film_title_en: string;
  film_title_ar: string;
}

interface ApiSeatMap {
  ticket_types: { code: string; name_en: string; name_ar: string }[];
}

test('the counter in Arabic: right to left, Arabic names, the seat map stays left to right', async ({ page, request }) => {
  const { baseUrl } = stackInfo();
  const api = async <T>(cmd: string, args: unknown): Promise<T> => {
    const res = await request.post(`${baseUrl}/api/${cmd}`, { data: args });
    expect(res.ok(), `POST /api/${cmd}: HTTP ${res.status()}`).toBe(true);
    return (await res.json()) as T;
  };
  const html = page.locator('html');
  const arabic = /[\u0600-\u06ff]/;

  // Switch on the login screen: two large buttons.
  await openApp(page);
  await expect(html).toHaveAttribute('dir', 'ltr');
  const toArabic = page.getByTestId('lang-ar');
  await expect(toArabic).toHaveText('العربية');
  await expect(page.getByTestId('lang-en')).toHaveText('English');
  for (const button of [toArabic, page.getByTestId('lang-en')]) {
    const box = await button.boundingBox();
    expect(box?.height ?? 0, 'language buttons are touch size').toBeGreaterThanOrEqual(48);
    expect(box?.width ?? 0, 'language buttons are touch size').toBeGreaterThanOrEqual(48);
  }
  await toArabic.click();
  await expect(html).toHaveAttribute('dir', 'rtl');
  await expect(html).toHaveAttribute('lang', 'ar');
  await expect(toArabic).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('login')).toContainText('تسجيل الدخول');
  await page.getByTestId(`staff-${demoStaffId('1111')}`).click();
  // The keypad keeps 1 2 3 from the left.
  const one = await page.getByTestId('pin-key-1').boundingBox();
  const three = await page.getByTestId('pin-key-3').boundingBox();
  expect(one!.x).toBeLessThan(three!.x);

  for (const digit of '1111') await page.getByTestId(`pin-key-${digit}`).click();
  await expect(page.getByTestId('pin-display')).toHaveAttribute('aria-label', /4/);
  await page.getByTestId('pin-enter').click();
  await pastShift(page);
  await expect(html).toHaveAttribute('dir', 'rtl');
  expect(await page.evaluate(() => localStorage.getItem('boxoffice.lang'))).toBe('ar');

  // Arabic in the top bar and the order panel; the showtimes column is on the right.
  await expect(page.getByTestId('logout')).toHaveText('خروج');
  await expect(page.getByTestId('top-bar')).toContainText('يوم العمل');
  await expect(page.getByTestId('order')).toContainText('الطلب');
  const showsBox = await page.getByTestId('showtimes').boundingBox();
  const orderBox = await page.getByTestId('order').boundingBox();
  expect(showsBox!.x, 'showtimes at the start (right) in Arabic').toBeGreaterThan(orderBox!.x);

  // A showtime tile under its Arabic film title (the one in the catalog).
  await boardWithOpenShows(page);
  const tile = page.locator('[data-showtime]:not([disabled])').first();
  await expect(tile).toBeVisible();
  const showtimeId = (await tile.getAttribute('data-showtime')) ?? '';
  // Late at night the board shows tomorrow (every show of today has closed): look there too.
  const status = await api<{ business_day: string }>('status', {});
  const showtimes = [
    ...(await api<ApiShowtime[]>('showtimes', { day: null })),
    ...(await api<ApiShowtime[]>('showtimes', { day: addDays(status.business_day, 1) })),
  ];
  const show = showtimes.find((s) => s.id === showtimeId);
  expect(show, `showtime ${showtimeId} in /api/showtimes`).toBeTruthy();
  const arTitle = show!.film_title_ar || show!.film_title_en;
  expect(arTitle).toMatch(arabic);
  const film = page.locator('article.film').filter({ has: page.locator(`[data-showtime="${showtimeId}"]`) });
  await expect(film.getByTestId('film-title')).toHaveText(arTitle);
  await expect(film).toContainText(show!.film_title_en);
  expect(await tile.getAttribute('aria-label')).toContain(arTitle);

  // The seat map: its container stays left to right, seat numbers grow to the right.
  await tile.click();
  await expect(tile).toHaveAttribute('aria-pressed', 'true');
  const plan = page.getByTestId('seat-plan');
  await expect(plan).toHaveAttribute('dir', 'ltr');
  expect(await plan.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  await expect(page.getByTestId('seat-map')).toContainText('الشاشة');
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]');
  await expect(free.first()).toBeVisible();
  const label = (await free.first().getAttribute('data-seat')) ?? '';
  const row = label.split('-')[0];
  const rowSeats = page.locator(`[data-seat^="${row}-"]`);
  const seatXs = await rowSeats.evaluateAll((els) =>
    els
      .map((e) => ({ n: Number((e.getAttribute('data-seat') ?? '').split('-')[1]), x: e.getBoundingClientRect().x }))
      .sort((a, b) => a.n - b.n)
      .map((s) => s.x),
  );
  expect(seatXs.length).toBeGreaterThan(1);
  expect(seatXs[0]!, `row ${row} is not mirrored`).toBeLessThan(seatXs[seatXs.length - 1]!);

  // Ticket types by their Arabic names; the seat goes into the order.
  const map = await api<ApiSeatMap>('seat_map', { showtime_id: showtimeId });
  const adultType = map.ticket_types.find((tt) => tt.code === 'adult') ?? map.ticket_types[0]!;
  const typeButton = page.locator(`[data-ticket-type="${adultType.code}"]`);
  await expect(typeButton).toContainText(adultType.name_ar || adultType.name_en);
  await typeButton.click();
  const seat = page.locator(`[data-seat="${label}"]`);
  await seat.click();
  await expect(seat).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('order-lines')).toContainText(label);
  await expect(page.getByTestId('order-total')).not.toHaveAttribute('data-minor', '0');
  await expect(page.getByTestId('pay-button')).toContainText('الدفع');
  await page.screenshot({ path: path.join(uiDir, 'test-results', 'counter-ar.png') });

  // Back to English from the top bar: left to right again, the order kept.
  const toggle = page.getByTestId('lang-toggle');
  await expect(toggle).toHaveText('EN');
  await toggle.click();
  await expect(html).toHaveAttribute('dir', 'ltr');
  await expect(html).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('top-bar')).toContainText('Log out');
  await expect(toggle).toHaveText('عربي');
  await expect(film.getByTestId('film-title')).toHaveText(show!.film_title_en);
  await expect(typeButton).toContainText(adultType.name_en);
  await expect(seat).toHaveAttribute('aria-pressed', 'true');
  await expect(plan).toHaveAttribute('dir', 'ltr');
  expect(await page.evaluate(() => localStorage.getItem('boxoffice.lang'))).toBe('en');
});
