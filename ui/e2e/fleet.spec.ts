// The fleet page central IT watches, in a real browser: central's ops
// address lists every terminal of the chain; the stack's counter, whose
// background pump sends a heartbeat every few seconds, is online with its
// version, ring, backup state and disk; counters never heard from stand
// out; putting the counter in the canary ring shows on the page once its
// next heartbeat reports it. Screenshot to docs/img/counter with
// DOCS_SCREENSHOTS=1.

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackInfo, scratchDir } from './env';

const docs = process.env.DOCS_SCREENSHOTS === '1';
const imgDir = docs
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'counter')
  : scratchDir('fleet');
mkdirSync(imgDir, { recursive: true });

test('central IT sees every counter, and the ones needing attention stand out', async ({ page }) => {
  const { opsUrl, centralBin, dir } = stackInfo();
  await page.goto(`${opsUrl}/fleet`);
  await expect(page.getByRole('heading', { name: 'Boxoffice fleet' })).toBeVisible();
  const mine = page.locator('tr[data-terminal="dxb-marina-t1"]');
  // The counter's pump beats every few seconds; the page refreshes itself.
  await expect(async () => {
    await page.reload();
    await expect(mine).toHaveAttribute('data-link', 'online', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(mine.locator('td').nth(3)).not.toHaveText('–');
  const never = page.locator('tr[data-terminal="dxb-marina-t2"]');
  await expect(never).toHaveClass(/attention/);
  await expect(never).toContainText('never heard from');
  await expect(page.locator('#summary')).toContainText(/\d+ need attention/);
  // Counters needing attention are listed first.
  const classes = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.className));
  expect(classes.length).toBeGreaterThan(1);
  const firstOk = classes.indexOf('ok');
  if (firstOk >= 0) expect(classes.slice(firstOk).every((c) => c === 'ok')).toBe(true);

  execFileSync(centralBin, ['ring', '--terminal', 'dxb-marina-t1', 'canary', '--db', path.join(dir, 'central.sqlite')]);
  await expect(async () => {
    await page.reload();
    await expect(mine.locator('td').nth(4)).toHaveText('canary', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  execFileSync(centralBin, ['ring', '--terminal', 'dxb-marina-t1', 'all', '--db', path.join(dir, 'central.sqlite')]);
  const file = path.join(imgDir, 'fleet.png');
  await page.screenshot({ path: file, fullPage: true });
  if (docs) execFileSync('mogrify', ['-strip', '+dither', '-colors', '256', file]);
});
