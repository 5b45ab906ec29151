import { test as base, expect, Page, BrowserContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'fs';
import * as path from 'path';

/** A page's last browser messages and failed loads, for a failure report. */
const browserLog = new WeakMap<Page, string[]>();
function note(page: Page, line: string) {
  const log = browserLog.get(page) ?? [];
  log.push(line);
  if (log.length > 40) log.shift();
  browserLog.set(page, log);
}

/** Fails the test on any console error or uncaught page error. */
export function watchConsole(page: Page, errors: string[]) {
  page.on('requestfailed', (r) => note(page, `failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && note(page, `${r.status()}: ${r.url()}`));
  page.on('console', (msg) => {
    note(page, `${msg.type()}: ${msg.text()}`);
    if (msg.type() !== 'error') return;
    // Chromium logs every 4xx answer as a console error. A refused server
    // function call (wrong password, no permission) is an expected answer of
    // the API, shown to the user by the page, and an invalid distribution
    // link is a 404 page by design; anything else fails the test.
    const url = msg.location().url;
    const expected4xx =
      (/the server responded with a status of 4\d\d/.test(msg.text()) && url.includes('/api/')) ||
      (/status of 404/.test(msg.text()) && new URL(url).pathname.startsWith('/l/'));
    if (!expected4xx) errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => {
    note(page, `pageerror: ${err.message}`);
    errors.push(`pageerror: ${err.message}`);
  });
  // Content-Security-Policy violations are reported as console errors too.
  page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });
}

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    watchConsole(page, errors);
    await use(errors);
    expect(errors, 'browser console errors').toEqual([]);
  },
});

export { expect };

/** Waits until the WASM client has hydrated the page (a marker, not a sleep).
 * A page that never hydrates fails with what the browser said meanwhile. */
export async function hydrated(page: Page) {
  try {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  } catch (e) {
    const log = (browserLog.get(page) ?? []).join('\n  ') || '(nothing)';
    throw new Error(`${page.url()} did not hydrate (${e}); the browser's last messages:\n  ${log}`);
  }
}

export async function goto(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
}

export const DEMO_PASSWORD = 'fenfa-demo';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await goto(page, '/sign-in');
  const form = page.getByTestId('sign-in-form');
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
  await expect(page.getByTestId('workbench')).toBeVisible();
}

export async function newContext(browser: import('@playwright/test').Browser, locale: string): Promise<[BrowserContext, Page, string[]]> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const errors: string[] = [];
  watchConsole(page, errors);
  return [context, page, errors];
}

/** Asks the server, as the page's user, for a 30-day link to an app. */
export async function createLink(page: Page, appId: string): Promise<{ status: number; body: any }> {
  return page.evaluate(async (id) => {
    const r = await fetch('/api/distribution/create_link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `app_id=${id}&expires_days=30&max_purchases=&bound_org=&note=`,
    });
    return { status: r.status, body: await r.json() };
  }, appId);
}

/** What axe-core (WCAG 2.1 AA) finds serious or critical on the page. */
export async function findings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

export function unique(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The plain text of a raw mail (.eml) the server wrote, whatever its encoding. */
function mailText(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const enc = /Content-Transfer-Encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const joined = body.replace(/=\r\n/g, '');
    return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return body;
}

/** The newest link to `prefix` in a mail to `to`, as a site path (waits for the mail). */
export async function mailedLink(to: string, prefix: string): Promise<string> {
  const dir = path.join(process.env.FENFA_E2E_DATA!, 'outbox');
  let found = '';
  await expect
    .poll(() => {
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
      files.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
      for (const f of files.reverse()) {
        const raw = fs.readFileSync(f, 'utf8');
        if (!raw.includes(`To: ${to}`)) continue;
        const m = new RegExp(`https?://[^/\\s]+(${prefix.replace(/[?]/g, '\\?')}[0-9a-f]+)`).exec(mailText(raw));
        if (m) {
          found = m[1];
          return found;
        }
      }
      return '';
    }, { message: `a mail to ${to} with a ${prefix} link` })
    .not.toBe('');
  return found;
}

/** Calls a server function as the page's user; fails on an error answer. */
export async function api(page: Page, path: string, form: Record<string, string>): Promise<any> {
  const r = await page.evaluate(
    async ([p, body]) => {
      const res = await fetch(p, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    [path, new URLSearchParams(form).toString()] as const,
  );
  expect(r.status, `${path}: ${r.text}`).toBe(200);
  return r.text ? JSON.parse(r.text) : null;
}

/** The id of the field labelled `label` in the app (as its editor lists it). */
export async function fieldId(page: Page, appId: string, label: string): Promise<string> {
  const app = await api(page, '/api/apps/get', { app_id: appId });
  for (const f of app.forms) for (const x of f.fields) if (x.label === label) return x.id;
  throw new Error(`no field ${label}`);
}

export async function relabel(page: Page, appId: string, from: string, to: string) {
  const field_id = await fieldId(page, appId, from);
  await api(page, '/api/apps/update_field', {
    app_id: appId, field_id, label: to, field_type: 'text', required: 'no', options: '',
  });
}
