import { defineConfig } from '@playwright/test';
import { doorHeaders } from './e2e/env';

// End-to-end tests against the real stack (central + site engine serving
// ui/dist), started by e2e/stack.ts. Needs the Rust binaries built
// (cargo build) and the UI built (npm run build) first.
//
// Browser: Debian's Chromium (Playwright's own browser downloads are not
// available here). Override with CHROMIUM_PATH.
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/stack.ts',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    // The site door's key (read in the workers, after e2e/stack.ts wrote it).
    extraHTTPHeaders: doorHeaders(),
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
