// End-to-end: offline selling and conflict resolution through the real UI.
//
// The shared stack (e2e/stack.ts) must stay up for the other specs, so this
// spec runs its OWN central and terminal from the same binaries, in a temp
// dir, on two free loopback ports:
//
//   1. central serve --demo; terminal init + sync (leases for the next 36 h) + serve.
//   2. The cashier opens tomorrow's showtime: seat L is leased here, seat S is free
//      (not leased). Central is killed (SIGKILL): the chip turns offline.
//   3. L sells offline on its lease. S is refused (offline_not_leased): the pay
//      dialog asks for a manager PIN; a supervisor's (222222) is refused, 333333 sells it
//      as an override.
//   4. The terminal's server is stopped too (no pump), central restarts on the
//      same port and database, and the web buys S. Nothing can race: the
//      terminal is not running. Then the terminal's server restarts.
//   5. The pump pushes: L is accepted, the override sale of S conflicts. The top
//      bar shows one conflict; a supervisor (222222) reseats it in the conflicts
//      panel (the order moves to a new seat), the badge goes away, and central
//      records the conflict as reseated and the new seat as sold.
//
// The reseat prints a change slip and a ticket for the new seat: the engine's
// `resolve_conflict` answer carries them (checked by the Rust end-to-end test
// `offline_leases.rs`); the panel reports "Order X: Reseated" without showing
// the previews.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { addDays } from '../src/lib/showtimes';
import { DOOR_KEY_FILE, failOnPageErrors, login as signInAs, stackInfo, webHeaders, scratchDir } from './env';

interface ApiShowtime {
  id: string;
  id_check: boolean;
  sales_state: 'selling' | 'almost_full' | 'sold_out' | 'closed';
  seats_free: number;
}

interface ApiStatus {
  business_day: string;
  connectivity: 'online' | 'degraded' | 'offline';
  queue_depth: number;
  open_conflicts: number;
  leases: { showtime_id: string; seats: number }[];
}

interface ApiConflict {
  order_id: string;
  order_ref: string;
  seats: string[];
  taken: string[];
  state: string;
}

interface CentralConflict {
  order_id: string;
  terminal_id: string;
  showtime_id: string;
  seats: string[];
  resolution: string | null;
}

const SITE = 'dxb-marina';
const TERMINAL = 'dxb-marina-t1';
const READY_MS = 60_000;
const STEP_MS = 120_000;

const uiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(uiDir, '..');
const binDir = path.resolve(process.env.BOXOFFICE_BIN_DIR ?? path.join(root, 'target', 'debug'));
const CENTRAL_BIN = path.join(binDir, 'boxoffice-central');
const SITE_BIN = path.join(binDir, 'boxoffice-site');
const DIST = path.join(uiDir, 'dist');

// ---- this spec's own servers -------------------------------------------------

interface Proc {
  name: string;
  child: ChildProcess;
  log: WriteStream;
  exited: Promise<number | string>;
  done: boolean;
}

const procs: Proc[] = [];
let dir = '';
let data = '';
let centralPort = 0;
let sitePort = 0;
let centralUrl = '';
let baseUrl = '';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

function start(name: string, bin: string, args: string[]): Proc {
  const log = createWriteStream(path.join(dir, `${name}.log`), { flags: 'a' });
  log.write(`$ ${[bin, ...args].join(' ')}\n`);
  const child = spawn(bin, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_BACKTRACE: '1', RUST_LOG: process.env.RUST_LOG ?? 'info', NO_COLOR: '1' },
  });
  child.stdout?.on('data', (c: Buffer) => log.write(c));
  child.stderr?.on('data', (c: Buffer) => log.write(c));
  const p: Proc = {
    name,
    child,
    log,
    done: false,
    exited: new Promise((resolve) => {
      child.once('error', (e) => {
        p.done = true;
        resolve(`spawn error: ${e.message}`);
      });
      child.once('exit', (code, signal) => {
        p.done = true;
        log.write(`\n[e2e] exited: ${code ?? signal}\n`);
        resolve(code ?? signal ?? 'unknown');
      });
    }),
  };
  procs.push(p);
  return p;
}

async function runStep(name: string, args: string[]): Promise<void> {
  const p = start(name, SITE_BIN, args);
  const r = await Promise.race([p.exited, sleep(STEP_MS).then(() => 'timeout' as const)]);
  if (r === 'timeout') p.child.kill('SIGKILL');
  if (r !== 0) throw new Error(`${name} ended with ${r}\n${logs()}`);
}

async function waitReady(p: Proc, url: string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (p.done) throw new Error(`${p.name} exited before ${url} answered\n${logs()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${READY_MS / 1000} s\n${logs()}`);
}

async function stop(p: Proc, signal: NodeJS.Signals): Promise<void> {
  if (!p.done) {
    p.child.kill(signal);
    const gone = await Promise.race([p.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  await new Promise<void>((resolve) => p.log.end(() => resolve()));
}

async function startCentral(): Promise<Proc> {
  const p = start('central', CENTRAL_BIN, [
    'serve',
    '--db',
    path.join(dir, 'central.sqlite'),
    '--listen',
    `127.0.0.1:${centralPort}`,
    '--demo',
  ]);
  await waitReady(p, `${centralUrl}/v1/health`);
  return p;
}

async function startSite(): Promise<Proc> {
  // The stack's door key, which the test configuration sends with every request.
  const keyFile = path.join(stackInfo().dir, DOOR_KEY_FILE);
  const p = start('site', SITE_BIN, [
    '--data',
    data,
    'serve',
    '--listen',
    `127.0.0.1:${sitePort}`,
    '--key-file',
    keyFile,
    '--ui',
    DIST,
  ]);
  await waitReady(p, `${baseUrl}/api/health`);
  return p;
}

function logs(maxChars = 12_000): string {
  if (!dir || !existsSync(dir)) return '(no logs)';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      return `----- ${f} -----\n${text.length > maxChars ? `…${text.slice(-maxChars)}` : text}`;
    })
    .join('\n');
}

let central: Proc | null = null;
let site: Proc | null = null;

test.beforeAll(async () => {
  test.setTimeout(STEP_MS + 2 * READY_MS);
  for (const f of [CENTRAL_BIN, SITE_BIN, path.join(DIST, 'index.html')]) {
    if (!existsSync(f)) throw new Error(`offline.spec needs ${f} (cargo build / npm run build)`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'boxoffice-e2e-offline-'));
  data = path.join(dir, 't1');
  const [p1, p2] = await freePorts(2);
  centralPort = p1!;
  sitePort = p2!;
  centralUrl = `http://127.0.0.1:${centralPort}`;
  baseUrl = `http://127.0.0.1:${sitePort}`;
  central = await startCentral();
  await runStep('site-init', ['--data', data, 'init', '--central', centralUrl, '--site', SITE, '--terminal', TERMINAL]);
  await runStep('site-sync', ['--data', data, 'sync']);
  site = await startSite();
});

test.afterAll(async () => {
  // Terminal first (it talks to central), then central; only our own children.
  for (const p of [...procs].reverse()) await stop(p, 'SIGTERM');
  procs.length = 0;
  if (dir && process.env.BOXOFFICE_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else if (dir) console.log(`[e2e] offline.spec kept ${dir}`);
});

// If the worker dies without afterAll, do not leave servers behind.
process.once('exit', () => {
  for (const p of procs) if (!p.done) p.child.kill('SIGKILL');
});

// ---- the page ----------------------------------------------------------------

// Uncaught errors in the page fail the test; a failure prints this spec's servers.
failOnPageErrors(test, () => logs());

async function login(page: Page, pin: string): Promise<void> {
  await signInAs(page, pin, { baseUrl });
}

async function status(request: APIRequestContext): Promise<ApiStatus> {
  const res = await request.post(`${baseUrl}/api/status`, { data: {} });
  expect(res.ok()).toBe(true);
  return (await res.json()) as ApiStatus;
}

async function openTomorrow(page: Page, showtimeId: string): Promise<void> {
  const picker = page.getByTestId('day-picker');
  await picker.getByTestId('day-tomorrow').click();
  await expect(picker.getByTestId('day-tomorrow')).toHaveAttribute('aria-pressed', 'true');
  const tile = page.locator(`[data-showtime="${showtimeId}"]`);
  await tile.scrollIntoViewIfNeeded();
  await tile.click();
  await expect(tile).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-seat]').first()).toBeVisible();
}

async function centralSeatState(request: APIRequestContext, showtimeId: string, label: string): Promise<string> {
  const r = await request.get(`${centralUrl}/v1/showtimes/${showtimeId}/seats`, { headers: webHeaders(dir) });
  if (!r.ok()) return `HTTP ${r.status()}`;
  const body = (await r.json()) as { seats: { label: string; state: string }[] };
  return body.seats.find((x) => x.label === label)?.state ?? 'free';
}

async function centralConflicts(request: APIRequestContext): Promise<CentralConflict[]> {
  const r = await request.get(`${centralUrl}/v1/sites/${SITE}/conflicts`, {
    headers: { 'x-boxoffice-terminal': TERMINAL },
  });
  expect(r.ok(), `central conflicts: HTTP ${r.status()}`).toBe(true);
  return (await r.json()) as CentralConflict[];
}

/** Chooses `label` on the map and pays cash, exact (which confirms the sale). */
async function payExact(page: Page, label: string): Promise<void> {
  await page.locator(`[data-seat="${label}"]`).click();
  await expect(page.locator(`[data-seat="${label}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('order-lines').locator('li')).toHaveCount(1);
  await page.getByTestId('pay-button').click();
  const pay = page.getByTestId('pay-dialog');
  await expect(pay).toBeVisible();
  await pay.getByTestId('tender-exact').click();
}

test('offline: a leased seat sells, a manager overrides an unleased one, and its conflict is reseated', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);

  // ---- 1. Online: tomorrow's showtime, a leased seat L and a free seat S. ----
  await expect.poll(async () => (await status(request)).connectivity, { timeout: 30_000 }).toBe('online');
  const st = await status(request);
  const tomorrow = addDays(st.business_day, 1);
  const leased = new Map(st.leases.map((l) => [l.showtime_id, l.seats]));
  const res = await request.post(`${baseUrl}/api/showtimes`, { data: { day: tomorrow } });
  expect(res.ok()).toBe(true);
  const shows = ((await res.json()) as ApiShowtime[]).filter(
    (s) => s.sales_state === 'selling' && !s.id_check && s.seats_free >= 6 && (leased.get(s.id) ?? 0) >= 1,
  );
  expect(shows.length, `a selling showtime tomorrow (${tomorrow}) with seats leased here`).toBeGreaterThan(0);
  const show = shows.sort((a, b) => b.seats_free - a.seats_free)[0]!;

  await login(page, '1111');
  const chip = page.getByTestId('connectivity');
  await expect(chip).toHaveAttribute('data-state', 'online');
  await openTomorrow(page, show.id);
  await expect(page.locator('[data-seat][data-state="leased"]').first()).toBeVisible();
  const seatL = await page.locator('[data-seat][data-state="leased"][data-kind="standard"]').first().getAttribute('data-seat');
  const seatS = await page.locator('[data-seat][data-state="free"][data-kind="standard"]').last().getAttribute('data-seat');
  expect(seatL, 'a leased standard seat').toBeTruthy();
  expect(seatS, 'a free (not leased) standard seat').toBeTruthy();
  expect(await centralSeatState(request, show.id, seatS!)).toBe('free');

  // ---- 2. Cut the link: central dies. ----
  await stop(central!, 'SIGKILL');
  await expect(chip).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  await expect(chip).toContainText('Offline');

  // ---- 3a. The leased seat sells offline, on its lease. ----
  await payExact(page, seatL!);
  let done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText(seatL!);
  await expect(done.getByTestId('secured-by')).toHaveAttribute('data-secured', 'lease');
  await expect(done.getByTestId('secured-by')).toContainText('Sold offline');
  await expect(done.getByTestId('sync-state')).toHaveAttribute('data-synced', 'false');
  await done.getByTestId('new-sale').click();
  await expect(done).toBeHidden();
  await expect(page.locator(`[data-seat="${seatL}"]`)).toHaveAttribute('data-state', 'sold');

  // ---- 3b. The unleased seat needs a manager: a supervisor's PIN is not enough. ----
  await payExact(page, seatS!);
  const pay = page.getByTestId('pay-dialog');
  const override = pay.getByTestId('override');
  await expect(override).toBeVisible({ timeout: 30_000 });
  await expect(override).toContainText(seatS!);
  await expect(page.getByTestId('sale-done')).toHaveCount(0);
  await expect(pay.getByTestId('override-pin')).toBeFocused();
  await pay.getByTestId('override-pin').fill('222222');
  await pay.getByTestId('pay-confirm').click();
  await expect(pay.getByTestId('pay-refused')).toHaveAttribute('data-code', 'not_allowed', { timeout: 30_000 });
  await expect(pay.getByTestId('pay-refused')).toContainText('manager');
  await expect(override).toBeVisible();
  // The override dialog with its refusal fits a 1024 × 768 window: the PIN
  // and the buttons stay on screen (issue 14, item 9).
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const id of ['override-pin', 'pay-confirm', 'pay-cancel']) {
    const box = await pay.getByTestId(id).boundingBox();
    expect(box !== null && box.y >= 0 && box.y + box.height <= 768, `${id} on screen at 1024 × 768`).toBe(true);
  }
  await page.screenshot({ path: path.join(scratchDir('offline'), 'offline-override-1024x768.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId('sale-done')).toHaveCount(0);
  await pay.getByTestId('override-pin').fill('333333');
  await pay.getByTestId('pay-confirm').click();
  done = page.getByTestId('sale-done');
  await expect(done).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText(seatS!);
  await expect(done.getByTestId('secured-by')).toHaveAttribute('data-secured', 'override');
  await expect(done.getByTestId('sync-state')).toHaveAttribute('data-synced', 'false');
  const overrideRef = ((await done.getByTestId('order-ref').textContent()) ?? '').trim();
  expect(overrideRef).not.toBe('');
  await done.getByTestId('new-sale').click();
  await expect(done).toBeHidden();
  await expect(chip).toHaveAttribute('data-queue', '2', { timeout: 15_000 });

  // ---- 4. No pump (terminal stopped), central back, the web buys S. ----
  await page.goto('about:blank');
  await stop(site!, 'SIGTERM');
  central = await startCentral();
  const web = await request.post(`${centralUrl}/v1/web/sales`, { data: { showtime_id: show.id, seats: [seatS] }, headers: webHeaders(dir) });
  expect(web.ok(), `web sale of ${seatS}: HTTP ${web.status()} ${await web.text()}`).toBe(true);
  expect(await centralSeatState(request, show.id, seatS!)).toBe('sold');
  site = await startSite();

  // ---- 5. Healed: L is accepted, S conflicts. ----
  await login(page, '1111');
  await expect(chip).not.toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  await expect.poll(() => centralSeatState(request, show.id, seatL!), { timeout: 30_000 }).toBe('sold');
  const badge = page.getByTestId('conflicts-badge');
  await expect(badge).toBeVisible({ timeout: 45_000 });
  await expect(badge).toHaveAttribute('data-count', '1');
  await expect.poll(async () => (await centralConflicts(request)).length, { timeout: 15_000 }).toBe(1);
  const [atCentral] = await centralConflicts(request);
  expect(atCentral!.seats).toEqual([seatS]);
  expect(atCentral!.terminal_id).toBe(TERMINAL);
  expect(atCentral!.resolution).toBeNull();

  await badge.click();
  const panel = page.getByTestId('conflicts-panel');
  await expect(panel).toBeVisible();
  const task = panel.getByTestId('conflicts-list').locator('li');
  await expect(task).toHaveCount(1);
  await expect(task).toHaveAttribute('data-state', 'open');
  await expect(task).toHaveAttribute('data-order', atCentral!.order_id);
  await expect(task).toContainText(overrideRef);
  await expect(task).toContainText(seatS!);

  // ---- 6. A supervisor reseats it. ----
  await panel.getByTestId('conflicts-pin').fill('222222');
  await task.getByTestId('conflict-reseat').click();
  await expect(panel.getByTestId('conflicts-done')).toContainText(overrideRef, { timeout: 30_000 });
  await expect(panel.getByTestId('conflicts-error')).toHaveCount(0);
  await expect(task).toHaveAttribute('data-state', /^reseat(ing|ed)$/);
  await expect(task.getByTestId('conflict-reseat')).toHaveCount(0);
  // What the customer is handed: the change slip and the new ticket, previewed in the panel.
  await expect(panel.getByTestId('conflicts-printed').getByTestId('ticket-preview')).toHaveCount(2, { timeout: 30_000 });

  // The order now holds a new seat in place of S; the panel shows it.
  const conflictsHere = async (): Promise<ApiConflict[]> => {
    const r = await request.post(`${baseUrl}/api/conflicts`, { data: {} });
    expect(r.ok()).toBe(true);
    return (await r.json()) as ApiConflict[];
  };
  await expect
    .poll(async () => (await conflictsHere()).find((c) => c.order_id === atCentral!.order_id)?.state, {
      timeout: 30_000,
    })
    .toBe('reseated');
  const resolved = (await conflictsHere()).find((c) => c.order_id === atCentral!.order_id)!;
  expect(resolved.taken).toEqual([seatS]);
  expect(resolved.seats).toHaveLength(1);
  const newSeat = resolved.seats[0]!;
  expect(newSeat).not.toBe(seatS);
  await expect(task).toContainText(newSeat);

  await panel.getByTestId('conflicts-close').click();
  await expect(panel).toBeHidden();
  await expect(badge).toHaveCount(0, { timeout: 30_000 });

  // Central: the conflict is reseated and the customer's new seat is sold.
  await expect
    .poll(async () => (await centralConflicts(request)).find((c) => c.order_id === atCentral!.order_id)?.resolution, {
      timeout: 30_000,
    })
    .toBe('reseated');
  await expect.poll(() => centralSeatState(request, show.id, newSeat), { timeout: 15_000 }).toBe('sold');
  await expect.poll(async () => (await status(request)).queue_depth, { timeout: 30_000 }).toBe(0);
  await expect(chip).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
});
