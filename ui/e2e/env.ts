// What e2e/stack.ts started, as seen from inside a test worker.

import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StackInfo {
  /** The site engine serving ui/dist and /api, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The central booking API, e.g. http://127.0.0.1:41233 */
  centralUrl: string;
  /** The temp dir holding databases and server logs. */
  dir: string;
  /** Server log files (stdout + stderr), by server name. */
  logs: Record<string, string>;
}

export const ENV = {
  baseUrl: 'BOXOFFICE_E2E_BASE_URL',
  centralUrl: 'BOXOFFICE_E2E_CENTRAL_URL',
  dir: 'BOXOFFICE_E2E_DIR',
} as const;

export const STACK_FILE = 'stack.json';

export function stackInfo(): StackInfo {
  const dir = process.env[ENV.dir];
  if (!dir) throw new Error(`${ENV.dir} is not set: run the tests through playwright.config.ts (global setup e2e/stack.ts)`);
  return JSON.parse(readFileSync(path.join(dir, STACK_FILE), 'utf8')) as StackInfo;
}

/** The last `maxChars` of every server log, for a failing test's output. */
export function serverLogs(info: StackInfo, maxChars = 20_000): string {
  const out: string[] = [];
  for (const [name, file] of Object.entries(info.logs)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      text = `(cannot read ${file}: ${String(e)})`;
    }
    const tail = text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
    out.push(`----- ${name} (${file}) -----\n${tail}`);
  }
  return out.join('\n');
}
