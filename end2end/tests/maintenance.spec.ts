import { test, expect, goto, hydrated, signIn, newContext, createLink } from './fixtures';

test.use({ locale: 'en' });

const APP = '设备报修 Equipment repair';

test('remote maintenance: the ISV maintains, the customer sees it, closes and reopens access', async ({ browser }) => {
  const [isvCtx, isv, isvErrors] = await newContext(browser, 'en');
  const [custCtx, cust, custErrors] = await newContext(browser, 'en');
  await signIn(isv, 'isv-admin@acme.example');
  await signIn(cust, 'admin@north.example');

  // The ISV sells the repair app to Northwind (through a link, as in the product).
  const appId = await isv.evaluate(async () => {
    const r = await fetch('/api/apps/list', { method: 'POST' });
    return (await r.json()).find((a: any) => a.name === '设备报修 Equipment repair').id;
  });
  const path: string = (await createLink(isv, appId)).body.path;
  await goto(cust, path);
  await cust.locator('label[data-org="Northwind Trading"] input').check();
  await cust.getByRole('button', { name: 'Buy app' }).click();
  await expect(cust.getByTestId('app-name')).toHaveText(APP);
  const installedUrl = new URL(cust.url()).pathname;

  // ISV: Order Center → the order → Remote maintenance.
  await goto(isv, '/orders?q=Northwind');
  const row = isv.locator('tr[data-customer="Northwind Trading"]').filter({ hasText: APP }).first();
  await expect(row).toHaveAttribute('data-access', 'open');
  await row.getByRole('link').first().click();
  await expect(isv.getByTestId('timeline')).toContainText('Purchased');
  await isv.getByTestId('start-maintenance').click();
  await expect(isv.getByTestId('maintenance-banner')).toContainText('You are maintaining');
  await expect(isv.getByTestId('maintenance-banner')).toContainText('Northwind Trading');
  await expect(isv.getByTestId('app-name')).toHaveText(APP);

  // ISV edits a field.
  const field = isv.locator('li[data-field="设备编号"]');
  await field.getByText('Edit').click();
  await field.getByLabel('Label').fill('设备编号 Asset no.');
  await field.getByRole('button', { name: 'Save' }).click();
  await expect(isv.locator('li[data-field="设备编号 Asset no."]')).toBeVisible();

  // The customer's records stay closed to the provider until the customer allows it.
  const usePath = installedUrl.replace('/apps/', '/use/');
  await goto(isv, usePath);
  await isv.getByTestId('use-forms').getByRole('link').first().click();
  await expect(isv.getByTestId('records').locator('[data-code=no_data_access]')).toBeVisible();
  await expect(isv.getByTestId('submit-form')).toHaveCount(0);
  await expect(isv.getByTestId('banner-data-access')).toHaveText('The provider cannot see data');
  await goto(cust, installedUrl);
  await expect(cust.getByTestId('data-access-state')).toHaveAttribute('data-allowed', 'false');
  await cust.getByTestId('data-access').getByRole('button', { name: 'Allow seeing data' }).click();
  await expect(cust.getByTestId('data-access-state')).toHaveAttribute('data-allowed', 'true');
  await isv.reload();
  await expect(isv.getByTestId('no-records')).toBeVisible();
  await expect(isv.getByTestId('records').locator('[data-code=no_data_access]')).toHaveCount(0);
  await expect(isv.getByTestId('banner-data-access')).toHaveText('The provider may see data');
  await goto(isv, installedUrl);

  // During maintenance, another app of the customer and its member list are refused.
  const other = await isv.evaluate(async () => (await fetch('/api/list_members', { method: 'POST' })).json());
  expect(other.code).toBe('not_during_maintenance');
  await goto(isv, '/members');
  await expect(isv.getByRole('alert')).toContainText('Not available during remote maintenance');
  const ownApp = await cust.evaluate(async () => {
    const r = await fetch('/api/apps/create', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=North+internal&icon=chart&description=',
    });
    return await r.json();
  });
  expect(ownApp).toMatch(/^[0-9a-f]{32}$/);
  await goto(isv, `/apps/${ownApp}`);
  await expect(isv.getByTestId('app-missing')).toContainText('Not found');

  // Customer admin: the banner and the audit entry with both identities.
  await goto(cust, '/');
  await expect(cust.getByTestId('being-maintained')).toContainText('Alice Admin');
  await expect(cust.getByTestId('being-maintained')).toContainText('Acme Software');
  await goto(cust, '/audit?by=providers');
  const entry = cust.locator('tr[data-action="field.update"]').first();
  await expect(entry).toContainText('Alice Admin');
  await expect(entry).toContainText('Acme Software');
  await expect(entry).toContainText('via remote maintenance of order');
  // The action in the reader's language, not as its code.
  await expect(entry).toContainText('Changed a field');
  await expect(entry).not.toContainText('field.update');
  await expect(entry).toContainText('设备编号 Asset no.');

  // The customer closes development state from the app card.
  await goto(cust, '/');
  const card = cust.locator(`li[data-app="${APP}"]`);
  await card.getByTestId('app-menu').click();
  await card.getByTestId('close-dev-card').click();
  await expect(cust.getByTestId('being-maintained')).toHaveCount(0);

  // The ISV's next action is refused; it is back home, and the order shows access closed.
  await goto(isv, installedUrl);
  await expect(isv.getByTestId('maintenance-ended')).toContainText('the customer closed access');
  await expect(isv.getByTestId('maintenance-banner')).toHaveCount(0);
  await goto(isv, '/orders?q=Northwind&access=closed');
  const closed = isv.locator('tr[data-customer="Northwind Trading"]').filter({ hasText: APP }).first();
  await expect(closed).toHaveAttribute('data-access', 'closed');
  // No Remote maintenance button on a row whose access is closed.
  await expect(closed.getByTestId('start-maintenance')).toHaveCount(0);

  // The customer requests maintenance with a note.
  await goto(cust, installedUrl);
  const control = cust.getByTestId('access-control');
  await control.locator('summary').click();
  await control.getByLabel('Note').fill('请修改报修流程 please');
  await control.getByLabel(/Access period/).fill('3');
  await control.getByRole('button', { name: 'Request maintenance' }).click();
  await expect(cust.getByTestId('access-state')).toHaveAttribute('data-open', 'true');

  // The ISV sees the badge with the note and maintains again, straight from the row.
  await goto(isv, '/orders?access=requested');
  const requested = isv.locator('tr[data-customer="Northwind Trading"]').filter({ hasText: APP }).first();
  await expect(requested.getByTestId('request-badge')).toBeVisible();
  await expect(requested).toContainText('请修改报修流程 please');
  await requested.getByRole('button', { name: 'Remote maintenance' }).click();
  await expect(isv.getByTestId('maintenance-banner')).toBeVisible();
  await expect(isv.getByTestId('app-name')).toHaveText(APP);
  await isv.getByRole('button', { name: 'Exit maintenance' }).click();
  await expect(isv.getByTestId('maintenance-banner')).toHaveCount(0);

  expect(custErrors).toEqual([]);
  expect(isvErrors).toEqual([]);
  await isvCtx.close();
  await custCtx.close();
});
