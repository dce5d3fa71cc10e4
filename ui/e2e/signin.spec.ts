// Signing in by name and locking the counter, against the real engine:
// the people who work here are listed (managers first); wrong PINs lock out
// only the person they were typed for; the counter locks by hand, when
// nobody uses it (the site's idle time, 3 minutes in the demo) and when the
// engine finds its session locked, and the person's PIN unlocks it with the
// order still on it; someone else signs in from the lock screen; a session
// that ended goes back to the sign-in. Screenshots go to docs/img/counter
// with DOCS_SCREENSHOTS=1.

import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boardWithOpenShows, demoStaffId, failOnPageErrors, login, pastShift, signIn, stackInfo, scratchDir } from './env';

const docs = process.env.DOCS_SCREENSHOTS === '1';
const imgDir = docs
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'counter')
  : scratchDir('signin');
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(imgDir, name);
  await page.screenshot({ path: file });
  if (docs) execFileSync('mogrify', ['-strip', '+dither', '-colors', '256', file]);
}

async function typePin(page: Page, pin: string, scope = page.locator('body')): Promise<void> {
  for (const digit of pin) await scope.getByTestId(`pin-key-${digit}`).click();
  await scope.getByTestId('pin-enter').click();
}

/** Opens a showtime and chooses one free seat: the order being built. */
async function buildOrder(page: Page): Promise<string> {
  await boardWithOpenShows(page);
  await page.locator('[data-showtime]:not([disabled])').first().click();
  const free = page.locator('[data-seat][data-state="free"][data-kind="standard"]').first();
  await expect(free).toBeVisible();
  const label = (await free.getAttribute('data-seat')) ?? '';
  await page.locator(`[data-seat="${label}"]`).click();
  await expect(page.getByTestId('order-lines')).toContainText(label);
  return label;
}

/** The order is as it was: the seat chosen, in the order panel. */
async function expectOrder(page: Page, label: string): Promise<void> {
  await expect(page.locator(`[data-seat="${label}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('order-lines')).toContainText(label);
}

test('the sign-in lists who works here; wrong PINs lock out only the person they were typed for', async ({ page }) => {
  await page.goto(`${stackInfo().baseUrl}/`);
  const screen = page.getByTestId('login');
  await expect(screen).toHaveAttribute('data-step', 'staff');
  const people = page.getByTestId('staff-list').locator('[data-testid^="staff-"]');
  await expect(people).toHaveCount(3);
  // Managers first.
  expect(await people.evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['manager', 'supervisor', 'cashier']);
  await expect(page.getByTestId(`staff-${demoStaffId('1111')}`)).toContainText('Demo Cashier');
  await expect(page.getByTestId(`staff-${demoStaffId('1111')}`)).toContainText('Cashier');
  await shot(page, 'signin.png');

  // The supervisor's pad, and back to the list.
  const supervisor = demoStaffId('222222');
  await page.getByTestId(`staff-${supervisor}`).click();
  await expect(screen).toHaveAttribute('data-step', 'pin');
  await expect(page.getByTestId('login-chosen')).toContainText('Demo Supervisor');
  await page.getByTestId('login-back').click();
  await expect(screen).toHaveAttribute('data-step', 'staff');

  // In Arabic: the same people, the pad left to right.
  await page.getByTestId('lang-ar').click();
  await page.getByTestId(`staff-${supervisor}`).click();
  await expect(page.getByTestId('login-chosen')).toContainText('المشرف');
  await shot(page, 'signin-pin-ar.png');
  await page.getByTestId('lang-en').click();

  // Five wrong PINs for the supervisor: each refused, the pad stays theirs.
  const error = page.getByTestId('login-error');
  for (let i = 0; i < 5; i++) {
    for (const digit of '999999') await page.getByTestId(`pin-key-${digit}`).click();
    await expect(error).toBeHidden();
    await page.getByTestId('pin-enter').click();
    await expect(error).toContainText(/wrong PIN/i);
    await expect(page.getByTestId('login-chosen')).toHaveAttribute('data-staff', supervisor);
  }
  // Now even the right PIN waits out the lockout.
  await typePin(page, '222222');
  await expect(error).toContainText(/try again in \d+ s/i);
  await expect(page.getByTestId('counter')).toHaveCount(0);

  // Only the supervisor: the cashier signs in at once.
  await page.getByTestId('login-back').click();
  await signIn(page, '1111');
  await pastShift(page);
  await expect(page.getByTestId('staff')).toContainText('Demo Cashier');
  await page.getByTestId('logout').click();
  await expect(screen).toHaveAttribute('data-step', 'staff');
});

test('the counter locks by hand and when idle; the PIN unlocks it with the order still there', async ({ page }) => {
  // The page's clock runs normally until the test jumps it forward.
  await page.clock.install();
  await login(page, '1111');
  const label = await buildOrder(page);
  await expect(page.getByTestId('party')).toHaveText('2');

  // Locked by hand: it names who is signed in.
  await page.getByTestId('lock-now').click();
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toBeVisible();
  await expect(lock).toHaveAttribute('data-reason', 'manual');
  await expect(lock.getByTestId('lock-person')).toContainText('Demo Cashier');
  await shot(page, 'lock.png');
  // Keys go to the PIN pad, not to the counter underneath (a digit would set the party size).
  await page.keyboard.type('4');
  await expect(lock.getByTestId('pin-display')).toHaveAttribute('aria-label', '1 digits entered');
  await page.keyboard.press('Escape');
  await expect(lock).toBeVisible();
  await expect(lock.getByTestId('pin-display')).toHaveAttribute('aria-label', 'No digits entered');
  // A second Escape in a row (which a browser may not let a dialog refuse) leaves it locked too.
  await page.keyboard.press('Escape');
  await expect(lock).toBeVisible();
  await expect(page.getByTestId('counter')).toBeVisible();
  // A wrong PIN is refused; the owner's PIN (typed on the keyboard) unlocks.
  await typePin(page, '9999', lock);
  await expect(lock.getByTestId('unlock-error')).toContainText(/wrong PIN/i);
  await page.keyboard.type('1111');
  await page.keyboard.press('Enter');
  await expect(lock).toHaveCount(0);
  await expectOrder(page, label);
  await expect(page.getByTestId('party')).toHaveText('2');

  // Three minutes without input: locked again.
  await page.clock.fastForward('03:05');
  await expect(lock).toHaveAttribute('data-reason', 'idle');
  await expect(lock).toContainText('3 min');
  await typePin(page, '1111', lock);
  await expect(lock).toHaveCount(0);
  await expectOrder(page, label);

  // The order can still be paid for after unlocking.
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('pay-dialog')).toBeVisible();
  await page.getByTestId('pay-cancel').click();
  await expectOrder(page, label);
});

test('the engine locking or ending the session shows the lock screen or the sign-in; someone else signs in from the lock', async ({
  page,
  request,
}) => {
  const { baseUrl } = stackInfo();
  await page.goto(`${baseUrl}/`);
  const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/login') && r.ok());
  await signIn(page, '1111');
  const token = ((await (await signedIn).json()) as { token: string }).token;
  await pastShift(page);
  const label = await buildOrder(page);

  // The session locked at the engine (as after its idle time): the next command for it
  // shows the lock screen (the order's holds are still kept under a lock: not a use).
  expect((await request.post(`${baseUrl}/api/lock`, { data: { token } })).ok()).toBe(true);
  await page.getByTestId('orders-open').click();
  const orders = page.getByTestId('orders-panel');
  await orders.getByTestId('orders-text').fill('NOSUCHREF');
  await orders.getByTestId('orders-search').click();
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toHaveAttribute('data-reason', 'engine');
  // It stays above the panel: the PIN goes to it.
  await typePin(page, '1111', lock);
  await expect(lock).toHaveCount(0);
  await expect(orders).toBeVisible();
  await orders.getByTestId('orders-search').click();
  await expect(orders.getByTestId('orders-none')).toBeVisible();
  await orders.getByTestId('orders-close').click();
  await expectOrder(page, label);

  // Someone else signs in from the lock screen: the sign-in list.
  await page.getByTestId('lock-now').click();
  await lock.getByTestId('lock-switch').click();
  await expect(page.getByTestId('login')).toHaveAttribute('data-step', 'staff');
  // That session is over.
  const after = await request.post(`${baseUrl}/api/shift_state`, { data: { token } });
  expect(((await after.json()) as { code: string }).code).toBe('not_logged_in');

  // A session ended elsewhere (signed out): the next command goes back to the sign-in, with a word why.
  const again = page.waitForResponse((r) => r.url().endsWith('/api/login') && r.ok());
  await signIn(page, '1111');
  const second = ((await (await again).json()) as { token: string }).token;
  await pastShift(page);
  await request.post(`${baseUrl}/api/logout`, { data: { token: second } });
  await page.getByTestId('open-shift-panel').click();
  await page.getByTestId('shift-x').click();
  await expect(page.getByTestId('login')).toBeVisible();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'session');
});
