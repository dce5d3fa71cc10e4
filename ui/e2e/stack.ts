// Playwright global setup: start the REAL Boxoffice stack, no mocks.
//
//   R   = the repository root (ui/..)
//   BIN = $BOXOFFICE_BIN_DIR, default R/target/debug
//   T   = a fresh temp dir; P1, P2 = two free loopback ports
//
//   1. BIN/boxoffice-central serve --db T/central.sqlite --listen 127.0.0.1:P1
//        --metrics-listen 127.0.0.1:P3 --demo (P3: the ops address, /metrics and /fleet)
//        (long-running; ready when GET http://127.0.0.1:P1/v1/health is 200)
//   2. BIN/boxoffice-site --data T/t1 init --central http://127.0.0.1:P1 --site dxb-marina --terminal dxb-marina-t1
//   3. BIN/boxoffice-site --data T/t1 sync
//   4. BIN/boxoffice-site --data T/t1 serve --listen 127.0.0.1:P2 --key-file T/door.key --ui R/ui/dist
//        (long-running; ready when GET http://127.0.0.1:P2/api/health is 200; every
//        command needs the key in T/door.key, which playwright.config.ts sends)
//
// Before that, the UI is built (vite build -> ui/dist) unless
// BOXOFFICE_E2E_SKIP_BUILD=1, so the test never runs a stale dist.
//
// Tests find the URLs in process.env (BOXOFFICE_E2E_BASE_URL,
// BOXOFFICE_E2E_CENTRAL_URL) and in T/stack.json (BOXOFFICE_E2E_DIR = T).
// The returned function is the global teardown: it stops both servers and
// removes T (kept when BOXOFFICE_E2E_KEEP=1). Server output goes to
// T/<name>.log and is printed when start-up fails; failing tests print it too.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';
import { DOOR_KEY_FILE, ENV, STACK_FILE, type StackInfo } from './env';

const READY_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;
const TAIL_CHARS = 16_000;

interface Proc {
  name: string;
  command: string;
  child: ChildProcess;
  logFile: string;
  log: WriteStream;
  /** Last TAIL_CHARS of stdout + stderr. */
  tail: () => string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  done: boolean;
}

const running: Proc[] = [];

function exe(dir: string, name: string): string {
  return path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Two distinct free loopback ports (held open together so they differ). */
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

function start(name: string, bin: string, args: string[], dir: string): Proc {
  const logFile = path.join(dir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const command = [bin, ...args].join(' ');
  log.write(`$ ${command}\n`);
  const child = spawn(bin, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RUST_BACKTRACE: process.env.RUST_BACKTRACE ?? '1',
      RUST_LOG: process.env.RUST_LOG ?? 'info',
      NO_COLOR: '1',
    },
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const proc: Proc = {
    name,
    command,
    child,
    logFile,
    log,
    tail: () => tail,
    exited: new Promise((resolve) => {
      child.once('error', (e) => {
        keep(Buffer.from(`\n[e2e] failed to start ${bin}: ${e.message}\n`));
        proc.done = true;
        resolve(`spawn error: ${e.message}`);
      });
      child.once('exit', (code, signal) => {
        proc.done = true;
        resolve(code ?? signal ?? 'unknown');
      });
    }),
    done: false,
  };
  running.push(proc);
  return proc;
}

function explain(p: Proc): string {
  return `----- ${p.name}: ${p.command}\n----- output (${p.logFile}):\n${p.tail() || '(nothing)'}\n-----`;
}

/** Run a one-shot command; it must exit 0. */
async function runStep(name: string, bin: string, args: string[], dir: string): Promise<void> {
  const p = start(name, bin, args, dir);
  const result = await Promise.race([p.exited, sleep(STEP_TIMEOUT_MS).then(() => 'timeout' as const)]);
  if (result === 'timeout') {
    p.child.kill('SIGKILL');
    throw new Error(`${name} did not finish within ${STEP_TIMEOUT_MS / 1000} s\n${explain(p)}`);
  }
  if (result !== 0) throw new Error(`${name} exited with ${result}\n${explain(p)}`);
}

/** Wait until GET `url` answers 200 while `p` keeps running. */
async function waitReady(p: Proc, url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (p.done) throw new Error(`${p.name} exited before ${url} answered (${await p.exited})\n${explain(p)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready after ${READY_TIMEOUT_MS / 1000} s (last: ${last})\n${explain(p)}`);
}

async function stop(p: Proc): Promise<void> {
  if (!p.done) {
    p.child.kill('SIGTERM');
    const gone = await Promise.race([p.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!gone) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  await new Promise<void>((resolve) => p.log.end(() => resolve()));
}

async function stopAll(): Promise<void> {
  // Site first (it talks to central), then central.
  for (const p of [...running].reverse()) await stop(p);
  running.length = 0;
}

// If the runner dies without teardown, do not leave servers behind.
process.once('exit', () => {
  for (const p of running) if (!p.done) p.child.kill('SIGKILL');
});

/** `vite build` into ui/dist (the same as `npm run build`). */
function buildUi(uiDir: string): void {
  const vite = path.join(uiDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: uiDir, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`vite build failed (${r.status ?? r.signal ?? r.error?.message})\n${r.stdout}\n${r.stderr}`);
  }
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const uiDir = config.configFile
    ? path.dirname(config.configFile)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const root = path.resolve(uiDir, '..');
  const binDir = path.resolve(process.env.BOXOFFICE_BIN_DIR ?? path.join(root, 'target', 'debug'));
  const central = exe(binDir, 'boxoffice-central');
  const site = exe(binDir, 'boxoffice-site');
  const dist = path.join(uiDir, 'dist');

  const missing = [central, site].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `e2e needs the Rust binaries, missing: ${missing.join(', ')}\n` +
        `Build them with \`cargo build -p boxoffice-central -p boxoffice-site\` or set BOXOFFICE_BIN_DIR.`,
    );
  }
  if (process.env.BOXOFFICE_E2E_SKIP_BUILD === '1') {
    if (!existsSync(path.join(dist, 'index.html'))) {
      throw new Error(`e2e needs the built UI in ${dist}: run \`npm run build\` in ui/ first.`);
    }
  } else {
    // Test what the sources say, not a stale dist.
    buildUi(uiDir);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'boxoffice-e2e-'));
  const [p1, p2, p3] = await freePorts(3);
  const centralUrl = `http://127.0.0.1:${p1}`;
  const baseUrl = `http://127.0.0.1:${p2}`;
  const data = path.join(dir, 't1');

  try {
    const centralProc = start(
      'central',
      central,
      [
        'serve',
        '--db',
        path.join(dir, 'central.sqlite'),
        '--listen',
        `127.0.0.1:${p1}`,
        '--metrics-listen',
        `127.0.0.1:${p3}`,
        '--demo',
      ],
      dir,
    );
    await waitReady(centralProc, `${centralUrl}/v1/health`);

    await runStep(
      'site-init',
      site,
      ['--data', data, 'init', '--central', centralUrl, '--site', 'dxb-marina', '--terminal', 'dxb-marina-t1'],
      dir,
    );
    await runStep('site-sync', site, ['--data', data, 'sync'], dir);

    const siteProc = start(
      'site',
      site,
      ['--data', data, 'serve', '--listen', `127.0.0.1:${p2}`, '--key-file', path.join(dir, DOOR_KEY_FILE), '--ui', dist],
      dir,
    );
    await waitReady(siteProc, `${baseUrl}/api/health`);
  } catch (e) {
    console.error(`[e2e] stack start-up failed (files in ${dir})`);
    for (const p of running) console.error(explain(p));
    await stopAll();
    throw e;
  }

  const info: StackInfo = {
    baseUrl,
    centralUrl,
    dir,
    opsUrl: `http://127.0.0.1:${p3}`,
    centralBin: central,
    siteBin: site,
    uiDist: dist,
    logs: {
      central: path.join(dir, 'central.log'),
      'site-init': path.join(dir, 'site-init.log'),
      'site-sync': path.join(dir, 'site-sync.log'),
      site: path.join(dir, 'site.log'),
    },
  };
  writeFileSync(path.join(dir, STACK_FILE), JSON.stringify(info, null, 2));
  process.env[ENV.baseUrl] = baseUrl;
  process.env[ENV.centralUrl] = centralUrl;
  process.env[ENV.dir] = dir;
  console.log(`[e2e] central ${centralUrl}, site ${baseUrl}, files in ${dir}`);

  return async () => {
    await stopAll();
    if (process.env.BOXOFFICE_E2E_KEEP === '1') {
      console.log(`[e2e] kept ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
