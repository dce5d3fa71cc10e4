// Voiding the order being built (issue 11): once the customer has seen the
// total, clearing the order asks for a supervisor's PIN and a reason; the
// seats go back on sale and the void is on the audit trail. Against the real
// engine and central.

import { expect, test } from '@playwright/test';
import { boardWithOpenShows, failOnPageErrors, login } from './env';

failOnPageErrors(test);

test('clearing an order the customer has seen the total of is a void with a supervisor’s PIN', async ({ page }) => {
  await login(page, '1111');
  await boardWithOpenShows(page);
  await page.locator('[data-showtime]:not([disabled])').first().click();
  await page.getByTestId('best-button').click();
  const seats = page.locator('[data-testid="order-lines"] [data-line]');
  await expect(seats.first()).toBeVisible();

  // Before the total was shown, clearing is free.
  await page.getByTestId('clear-order').click();
  await expect(seats).toHaveCount(0);

  await page.getByTestId('best-button').click();
  await expect(seats.first()).toBeVisible();
  await page.getByTestId('pay-button').first().click();
  await expect(page.getByTestId('pay-dialog')).toBeVisible();
  await page.getByTestId('pay-cancel').click();
  await page.getByTestId('clear-order').click();
  const dialog = page.getByTestId('void-dialog');
  await expect(dialog).toBeVisible();

  // Keeping the order keeps it. Taking a seat out is free; taking the last
  // one out is a void too.
  await dialog.getByTestId('void-cancel').click();
  await expect(dialog).toHaveCount(0);
  const count = await seats.count();
  for (let i = 1; i < count; i++) await seats.first().locator('button.remove').click();
  await expect(seats).toHaveCount(1);
  await expect(dialog).toHaveCount(0);
  await seats.first().locator('button.remove').click();
  await expect(dialog).toBeVisible();
  await expect(seats).toHaveCount(1);
  // A cashier's own PIN does not approve.
  await dialog.getByTestId('void-reason').fill('customer left without paying');
  await dialog.getByTestId('void-pin').fill('1111');
  await dialog.getByTestId('void-confirm').click();
  await expect(dialog.getByTestId('void-error')).toBeVisible();
  await dialog.getByTestId('void-pin').fill('222222');
  await dialog.getByTestId('void-confirm').click();
  await expect(dialog).toHaveCount(0);
  await expect(seats).toHaveCount(0);
  await expect(page.getByText(/Order V[0-9A-F]{8} voided, approved by Demo Supervisor/)).toBeVisible();
});
