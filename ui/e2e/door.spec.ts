// The site's HTTP door (`boxoffice-site serve`) and the start-up screen,
// against the real engine: a command without the door's key is refused, so
// is a request naming another Host (a page that rebinds its name to the
// counter's loopback); a person opens the UI with the key in the address's
// fragment; and a terminal that cannot sell (not set up, damaged) shows
// what is wrong and what to do instead of starting anything. Screenshots
// go to docs/img/counter with DOCS_SCREENSHOTS=1.

import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOOR_KEY_FILE, DOOR_KEY_HEADER, failOnPageErrors, stackInfo, scratchDir } from './env';

const docs = process.env.DOCS_SCREENSHOTS === '1';
const imgDir = docs
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img', 'counter')
  : scratchDir('door');
mkdirSync(imgDir, { recursive: true });

failOnPageErrors(test);

async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(imgDir, name);
  await page.screenshot({ path: file });
  if (docs) execFileSync('mogrify', ['-strip', '+dither', '-colors', '256', file]);
}

function key(): string {
  return readFileSync(path.join(stackInfo().dir, DOOR_KEY_FILE), 'utf8').trim();
}

/** One raw HTTP request, with whatever Host header the test chooses. */
function raw(url: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { host, 'content-type': 'application/json', ...headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** `serve` on another data folder; resolves once its health answers. */
async function serveOther(data: string): Promise<{ url: string; key: string; child: ChildProcess }> {
  const { siteBin, uiDist } = stackInfo();
  const port = await freePort();
  const keyFile = path.join(path.dirname(data), `${path.basename(data)}.key`);
  const child = spawn(siteBin, ['--data', data, 'serve', '--listen', `127.0.0.1:${port}`, '--key-file', keyFile, '--ui', uiDist], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, key: readFileSync(keyFile, 'utf8').trim(), child };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`serve on ${data} did not answer`);
}

test('a command needs the door key and the door own address', async () => {
  const { baseUrl } = stackInfo();
  const host = new URL(baseUrl).host;
  const none = await raw(`${baseUrl}/api/status`, host);
  expect(none.status).toBe(401);
  expect(JSON.parse(none.body).code).toBe('door.key_needed');
  const wrong = await raw(`${baseUrl}/api/status`, host, { [DOOR_KEY_HEADER]: 'x'.repeat(64) });
  expect(wrong.status).toBe(401);
  const rebound = await raw(`${baseUrl}/api/status`, `shop.example:${new URL(baseUrl).port}`, { [DOOR_KEY_HEADER]: key() });
  expect(rebound.status).toBe(403);
  expect(JSON.parse(rebound.body).code).toBe('door.wrong_host');
  const ok = await raw(`${baseUrl}/api/status`, host, { [DOOR_KEY_HEADER]: key() });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toHaveProperty('site_id');
});

test('a person opens the counter with the key in the address', async ({ browser }) => {
  const { baseUrl } = stackInfo();
  // A context of its own: no key header from the test configuration.
  const context = await browser.newContext({ extraHTTPHeaders: {} });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await expect(page.getByRole('alert')).toContainText(/key/i);
  const keyed = await context.newPage();
  await keyed.goto(`${baseUrl}/#key=${key()}`);
  await expect(keyed.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(keyed.url()).not.toContain('key=');
  await context.close();
});

test('a terminal that is not set up or is damaged says what to do', async ({ page }) => {
  const root = mkdtempSync(path.join(scratchDir('startup'), 'run-'));
  const empty = path.join(root, 'new-counter');
  mkdirSync(empty);
  const first = await serveOther(empty);
  try {
    await page.setExtraHTTPHeaders({ [DOOR_KEY_HEADER]: first.key });
    await page.goto(`${first.url}/`);
    await expect(page.getByRole('heading', { name: 'This counter cannot sell' })).toBeVisible();
    await expect(page.locator('[data-code="terminal.not_set_up"]')).toBeVisible();
    await expect(page.getByText(/provision --file/)).toBeVisible();
    // The browser door never offers the demo.
    await expect(page.getByRole('button', { name: 'Start the demo' })).toHaveCount(0);
  } finally {
    first.child.kill('SIGTERM');
  }

  const damaged = path.join(root, 'damaged');
  mkdirSync(damaged);
  writeFileSync(path.join(damaged, 'terminal.sqlite'), Buffer.alloc(64 * 1024, 0xa5));
  const second = await serveOther(damaged);
  try {
    await page.setExtraHTTPHeaders({ [DOOR_KEY_HEADER]: second.key });
    await page.goto(`${second.url}/`);
    await expect(page.locator('[data-code="terminal.damaged"]')).toBeVisible();
    await expect(page.getByRole('alert').first()).toContainText('damaged');
    await expect(page.getByText(/restore --latest/)).toBeVisible();
    await shot(page, 'startup-damaged.png');
  } finally {
    second.child.kill('SIGTERM');
  }
});
