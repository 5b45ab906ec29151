import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Each run gets a fresh database (with demo data) in its own temporary folder.
// The runner makes it once; its workers (which load this file again) inherit
// the variable, so tests find the server's mail outbox there.
process.env.FENFA_E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'fenfa-e2e-'));
const dataDir = process.env.FENFA_E2E_DATA;
const port = process.env.E2E_PORT ?? '3900';
const repo = path.resolve(__dirname, '..');
const bin = path.resolve(__dirname, process.env.FENFA_SERVER_BIN ?? path.join(repo, 'target/debug/fenfa-server'));

// A release binary has no test clock (it cannot be moved in production):
// the journeys that need time to pass run against the debug build only.
const release = bin.split(path.sep).includes('release');
if (release && !process.env.FENFA_E2E_QUIET) {
  console.log('licences.spec.ts runs on the debug build only: the release binary has no test clock');
  process.env.FENFA_E2E_QUIET = '1';
}

export default defineConfig({
  testDir: './tests',
  testIgnore: release ? ['**/licences.spec.ts'] : [],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--no-sandbox'],
    },
  },
  webServer: {
    // Demo data only when asked for: the tests sign in with the demo accounts.
    command: `${bin} --seed-demo`,
    cwd: repo,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/fenfa.db`,
      FENFA_OUTBOX_DIR: path.join(dataDir, 'outbox'),
      // The tests' webhook receiver listens on 127.0.0.1.
      FENFA_ALLOW_PRIVATE_WEBHOOKS: '1',
      // Debug builds only: lets licences.spec.ts move the server's time.
      FENFA_TEST_CLOCK: '1',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(repo, 'target/site'),
      RUST_LOG: 'warn',
    },
  },
});
