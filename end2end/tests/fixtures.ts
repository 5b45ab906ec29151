import { test as base, expect, Page, BrowserContext } from '@playwright/test';

/** Fails the test on any console error or uncaught page error. */
export function watchConsole(page: Page, errors: string[]) {
  page.on('console', (msg) => {
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
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
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

/** Waits until the WASM client has hydrated the page (a marker, not a sleep). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]');
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

export function unique(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
