import * as fs from 'fs';
import { test, expect, goto, hydrated, signIn, newContext, unique, api, findings } from './fixtures';

// The trial runs out by the server's test clock (`POST /test/clock`), which
// only a debug build started with FENFA_TEST_CLOCK=1 has: the configuration
// runs this file against the debug build only (see playwright.config.ts).

test.use({ locale: 'en' });

// The other files' journeys run on the real time again.
test.afterEach(async ({ request }) => {
  expect((await request.post('/test/clock?reset=1')).status()).toBe(200);
});

test('a trial runs out: the app turns read-only with its records visible and exportable; the ISV extends and it works again', async ({ browser, baseURL }) => {
  const [isvCtx, isv, isvErrors] = await newContext(browser, 'en');
  const [custCtx, cust, custErrors] = await newContext(browser, 'en');
  await isvCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await signIn(isv, 'isv-admin@acme.example');
  await signIn(cust, 'admin@north.example');

  // The ISV's app (one plain form) sold by a link with a 2-day trial, no grace.
  const name = unique('Visits');
  const appId = await api(isv, '/api/apps/create', { name, icon: 'chart', description: '' });
  const formId = await api(isv, '/api/apps/add_form', { app_id: appId, name: 'Visit', kind: 'plain' });
  await api(isv, '/api/apps/add_field', {
    app_id: appId, form_id: formId, label: 'Customer', field_type: 'text', required: 'yes', options: '',
  });
  await goto(isv, `/apps/${appId}/distribute`);
  const terms = isv.getByTestId('link-terms');
  await terms.getByLabel('Trial days').fill('2');
  await terms.getByLabel('Paid term').fill('');
  await terms.getByLabel('Grace days').fill('0');
  await isv.getByRole('button', { name: 'Copy distribution link' }).click();
  await expect(isv.getByTestId('copied')).toBeVisible();
  const link = await isv.getByTestId('new-link').inputValue();

  // The customer reads the offer and buys: a trial.
  await goto(cust, link);
  await expect(cust.getByTestId('offer-trial')).toHaveText('2');
  await cust.locator('label[data-org="Northwind Trading"] input').check();
  await cust.getByRole('button', { name: 'Buy app' }).click();
  await expect(cust).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  const copyId = new URL(cust.url()).pathname.split('/').pop()!;
  const card = cust.getByTestId('licence-card');
  await expect(card.getByTestId('licence-state')).toHaveAttribute('data-state', 'trial');
  await expect(card.getByTestId('licence-next')).toContainText('Read-only');

  // A record while the trial runs.
  await goto(cust, `/use/${copyId}`);
  await cust.getByTestId('use-forms').getByRole('link', { name: 'Visit' }).click();
  await cust.getByTestId('submit-form').getByLabel('Customer').fill('Contoso');
  await cust.getByTestId('submit-form').getByRole('button', { name: 'Submit' }).click();
  await expect(cust.getByTestId('record-table')).toContainText('Contoso');

  // Three days later (the server's test clock): read-only.
  const moved = await cust.request.post('/test/clock?days=3');
  expect(moved.status(), 'the debug server runs a test clock').toBe(200);
  await cust.reload();
  await hydrated(cust);
  await expect(cust.getByTestId('licence-read-only')).toContainText('records can still be viewed and exported');
  await expect(cust.getByTestId('submit-form')).toHaveCount(0);
  await expect(cust.getByTestId('record-table')).toContainText('Contoso');
  const download = cust.waitForEvent('download');
  await cust.getByTestId('export-records').click();
  const got = await download;
  expect(await got.failure(), 'the download').toBeNull();
  expect(got.suggestedFilename()).toBe('fenfa-records.csv');
  const csv = fs.readFileSync((await got.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toContain('"Customer"');
  expect(csv).toContain('"Contoso"');
  await goto(cust, '/');
  await expect(cust.locator(`li[data-app-id="${copyId}"]`).getByTestId('licence-warning')).toHaveAttribute('data-state', 'read_only');
  await goto(cust, `/apps/${copyId}`);
  await expect(cust.getByTestId('licence-card').getByTestId('licence-state')).toHaveAttribute('data-state', 'read_only');
  expect(await findings(cust)).toEqual([]);

  // The ISV sees it in the Order Center and extends by a year.
  await goto(isv, `/orders?q=${encodeURIComponent(name)}`);
  const row = isv.locator('tr[data-customer="Northwind Trading"]').filter({ hasText: name }).first();
  await expect(row.getByTestId('order-licence')).toHaveAttribute('data-licence', 'read_only');
  await row.getByRole('link').first().click();
  const panel = isv.getByTestId('order-licence');
  await expect(panel.getByTestId('licence-state')).toHaveAttribute('data-state', 'read_only');
  await hydrated(isv);
  await panel.getByTestId('licence-extend').getByLabel('Months').fill('12');
  await panel.getByRole('button', { name: 'Extend' }).click();
  await expect(panel.getByTestId('licence-changed')).toBeVisible();
  await expect(panel.getByTestId('licence-state')).toHaveAttribute('data-state', 'active');
  expect(await findings(isv)).toEqual([]);

  // The same copy works again, its record still there.
  await goto(cust, `/use/${copyId}`);
  await cust.getByTestId('use-forms').getByRole('link', { name: 'Visit' }).click();
  await expect(cust.getByTestId('licence-read-only')).toHaveCount(0);
  await cust.getByTestId('submit-form').getByLabel('Customer').fill('Fabrikam');
  await cust.getByTestId('submit-form').getByRole('button', { name: 'Submit' }).click();
  await expect(cust.getByTestId('record-table').locator('tbody tr')).toHaveCount(2);

  expect(isvErrors).toEqual([]);
  expect(custErrors).toEqual([]);
  await isvCtx.close();
  await custCtx.close();
});
