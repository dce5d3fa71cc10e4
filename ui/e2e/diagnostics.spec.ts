// The diagnostics screen, against the real engine: a cashier opens it from
// the top bar and reads what central IT asks about on the phone (versions,
// link, queue, leases, printer, disk, backups, ring), in English and in
// Arabic. Screenshot to docs/img/counter with DOCS_SCREENSHOTS=1.

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failOnPageErrors, login, scratchDir } from './env';

const docs = process.env.DOCS_SCREENSHOTS === '1';
const imgDir = docs
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'counter')
  : scratchDir('diag');
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

test('a cashier reads the diagnostics central IT asks for', async ({ page }) => {
  await login(page, '1111');
  await page.getByTestId('diagnostics-open').click();
  const panel = page.getByTestId('diagnostics-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('[data-diag="app"] dd')).toHaveText(/^\d+\.\d+\.\d+$/);
  await expect(panel.locator('[data-diag="api"] dd')).toHaveText(/^1\.\d+/);
  await expect(panel.locator('[data-diag="terminal"] dd')).toHaveText('dxb-marina-t1 · dxb-marina');
  await expect(panel.locator('[data-diag="link"] dd')).toHaveText('online');
  await expect(panel.locator('[data-diag="queue"] dd')).toContainText('waiting');
  await expect(panel.locator('[data-diag="leases"] dd')).toContainText('seats in');
  await expect(panel.locator('[data-diag="printer"] dd')).toContainText('virtual');
  await expect(panel.locator('[data-diag="disk"] dd')).toContainText('MB free');
  await expect(panel.locator('[data-diag="backup"] dd')).toContainText('kept');
  await expect(panel.locator('[data-diag="ring"] dd')).toHaveText(/^(all|canary)$/);
  // The pump's first update check comes 5 minutes after start; the demo
  // central has no release, so the counter is up to date once it asked.
  await expect(panel.locator('[data-diag="update"] dd')).toHaveText(/^(not checked yet|up to date · checked .+)$/);
  await expect(panel.locator('[data-diag="install"] dd')).toHaveText('nothing to install');
  // Asking central for an update now is a manager's.
  await expect(panel.getByTestId('diagnostics-check-update')).toHaveCount(0);
  const file = path.join(imgDir, 'diagnostics.png');
  await page.screenshot({ path: file });
  if (docs) execFileSync('mogrify', ['-strip', '+dither', '-colors', '256', file]);
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('a manager asks central for an update now and reads the answer', async ({ page }) => {
  await login(page, '333333');
  await page.getByTestId('diagnostics-open').click();
  const panel = page.getByTestId('diagnostics-panel');
  await panel.getByTestId('diagnostics-check-update').click();
  // The demo central has no release: checked just now, nothing to install.
  await expect(panel.locator('[data-diag="update"] dd')).toHaveText(/^up to date · checked .+$/);
  await expect(panel.locator('[data-diag="install"] dd')).toHaveText('nothing to install');
  await expect(panel.getByTestId('diagnostics-check-update')).toBeEnabled();
  await expect(panel.getByRole('alert')).toHaveCount(0);
});
