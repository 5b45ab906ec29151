import { test, expect, goto, hydrated, signIn, newContext, unique, DEMO_PASSWORD, createLink } from './fixtures';

test.use({ locale: 'en' });

const APP = '客户拜访管理 Customer visits';

test('an ISV distributes, a customer admin buys and configures, a member asks, a revoked link is invalid', async ({ browser, baseURL }) => {
  // ISV: distribute the demo app and copy the link.
  const [isvCtx, isv, isvErrors] = await newContext(browser, 'en');
  await isvCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await signIn(isv, 'isv-admin@acme.example');
  const card = isv.locator(`li[data-app="${APP}"]`);
  await card.getByTestId('app-menu').click();
  await card.getByTestId('distribute-entry').click();
  const dialog = isv.getByTestId('distribute-dialog');
  await expect(dialog.getByTestId('contents-name')).toHaveText(APP);
  await expect(dialog.getByTestId('contents-counts')).toContainText('2 forms (1 process forms)');
  await expect(dialog.getByTestId('reconfigure')).toContainText('Third-party service needs to be configured again');
  await dialog.getByRole('button', { name: 'Copy distribution link' }).click();
  await expect(isv.getByTestId('copied')).toContainText('copied to the clipboard');
  const link = await isv.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/\/l\/[0-9a-f]{40}$/);
  await expect(isv.getByTestId('new-link')).toHaveValue(link);
  await expect(isv.locator('table[data-testid=links] tbody tr')).toHaveCount(1);

  // Customer admin: opens the link signed out, signs in, comes back, buys.
  const [custCtx, cust, custErrors] = await newContext(browser, 'en');
  await goto(cust, link);
  await expect(cust.getByTestId('isv-name')).toHaveText('Acme Software');
  await expect(cust.getByTestId('contents-name')).toHaveText(APP);
  await cust.getByTestId('sign-in-to-buy').click();
  const form = cust.getByTestId('sign-in-form');
  await form.locator('input[name=email]').fill('admin@north.example');
  await form.locator('input[name=password]').fill(DEMO_PASSWORD);
  await form.locator('button[type=submit]').click();
  await expect(cust).toHaveURL(link);
  await cust.locator('label[data-org="Northwind Trading"] input').check();
  await cust.getByRole('button', { name: 'Buy app' }).click();
  await expect(cust).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  await expect(cust.getByTestId('app-name')).toHaveText(APP);
  const checklist = cust.getByTestId('checklist');
  await expect(checklist.locator('li')).toHaveCount(4); // 1 process form, 2 templates, 1 service

  // Configure every item; the checklist empties.
  const step = cust.locator('li[data-step]');
  for (let i = 0; i < (await step.count()); i++) {
    await step.nth(i).getByLabel('Add approver').selectOption({ label: 'Nora North <admin@north.example>' });
    await step.nth(i).getByRole('button', { name: 'Add approver' }).click();
    await expect(step.nth(i).locator('.chip')).toContainText('Nora North');
  }
  const templates = cust.getByTestId('templates').locator('li[data-template]');
  for (let i = 0; i < 2; i++) {
    await templates.nth(i).getByLabel('Add recipient').selectOption('submitter');
    await templates.nth(i).getByRole('button', { name: 'Add recipient' }).click();
    await expect(templates.nth(i).locator('.chip')).toContainText('The submitter');
  }
  const service = cust.getByTestId('services').locator('li[data-service]');
  await service.getByText('Set credential').click();
  await service.getByLabel('Credential').fill('north-secret');
  await service.getByRole('button', { name: 'Save' }).click();
  await expect(service.getByTestId('credential-state')).toContainText('Set');
  await expect(cust.getByTestId('setup-done')).toBeVisible();
  await expect(checklist.locator('li')).toHaveCount(0);
  await goto(cust, '/');
  await expect(cust.locator(`li[data-app="${APP}"]`)).toBeVisible();
  await expect(cust.locator(`li[data-app="${APP}"] [data-testid=setup-incomplete]`)).toHaveCount(0);

  // Buying the same link again says it is installed.
  await goto(cust, link);
  await expect(cust.locator('label[data-org="Northwind Trading"]')).toContainText('Already installed here');

  // A member gets "No permission", then asks an admin.
  const [memCtx, mem] = await newContext(browser, 'en');
  await signIn(mem, 'member@south.example');
  await goto(mem, link);
  await mem.locator('label[data-org="Southgate Logistics"] input').check();
  await mem.getByRole('button', { name: 'Buy app' }).click();
  await expect(mem.getByTestId('buy-form').getByRole('alert')).toHaveText(
    'No permission: only an organization admin can buy apps',
  );
  await mem.getByTestId('ask-form').getByRole('button', { name: 'Ask an admin to buy' }).click();
  await expect(mem.getByTestId('ask-sent')).toBeVisible();
  await memCtx.close();

  // The Southgate admin sees the request and buys from the Workbench.
  const [southCtx, south, southErrors] = await newContext(browser, 'en');
  await signIn(south, 'admin@south.example');
  const request = south.getByTestId('requests').locator(`li[data-request="${APP}"]`);
  await expect(request).toContainText('Sue South');
  await request.getByRole('button', { name: 'Buy app' }).click();
  await expect(south).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  await expect(south.getByTestId('checklist')).toBeVisible();
  expect(southErrors).toEqual([]);
  await southCtx.close();

  // The ISV revokes the link: it now shows the invalid page, with a 404.
  await isv.reload();
  await hydrated(isv);
  await expect(isv.locator('table[data-testid=links] tbody tr').first()).toContainText('2 / unlimited');
  await isv.locator('table[data-testid=links] tbody tr').first().getByRole('button', { name: 'Revoke' }).click();
  await expect(isv.locator('table[data-testid=links] tbody tr').first()).toHaveAttribute('data-status', 'revoked');
  const res = await cust.goto(link);
  expect(res?.status()).toBe(404);
  await hydrated(cust);
  await expect(cust.getByTestId('link-invalid')).toContainText('This link is no longer valid');

  expect(isvErrors).toEqual([]);
  expect(custErrors).toEqual([]);
  await isvCtx.close();
  await custCtx.close();
});

test('an uncertified organization never sees "Distribute this app" and is refused by the server', async ({ page, consoleErrors }) => {
  const email = `${unique('plain')}@test.example`;
  await goto(page, '/sign-up');
  const signUp = page.getByTestId('sign-up-form');
  await signUp.locator('input[name=email]').fill(email);
  await signUp.locator('input[name=display_name]').fill('Plain Person');
  await signUp.locator('input[name=password]').fill('a long enough password');
  await signUp.locator('button[type=submit]').click();
  await page.getByRole('link', { name: 'Create organization' }).first().click();
  await page.getByTestId('create-org-form').locator('input[name=name]').fill('Uncertified Co');
  await page.getByTestId('create-org-form').locator('button[type=submit]').click();
  await expect(page.getByTestId('current-org')).toHaveText('Uncertified Co');
  await page.getByTestId('my-apps').getByText('New app').click();
  await page.getByTestId('create-app').getByLabel('App name').fill('Own app');
  await page.getByTestId('create-app').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('app-name')).toHaveText('Own app');
  const appId = page.url().split('/').pop();
  await goto(page, '/');
  const card = page.locator('li[data-app="Own app"]');
  await card.getByTestId('app-menu').click();
  await expect(card.getByRole('menuitem', { name: 'Edit app' })).toBeVisible();
  await expect(card.getByTestId('distribute-entry')).toHaveCount(0);
  const refused = await createLink(page, appId);
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('isv_only');
  expect(refused.body.message).toContain('Only certified service providers');
});

test('without a clipboard the new link is shown selected with a message', async ({ browser }) => {
  const [ctx, page, errors] = await newContext(browser, 'en');
  await ctx.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await signIn(page, 'isv-admin@acme.example');
  const card = page.locator('li[data-app="设备报修 Equipment repair"]');
  await card.getByTestId('app-menu').click();
  await card.getByTestId('distribute-entry').click();
  await page.getByTestId('link-form').getByLabel('Maximum purchases').fill('1');
  await page.getByRole('button', { name: 'Copy distribution link' }).click();
  await expect(page.getByTestId('copied')).toContainText('The clipboard is not available');
  const input = page.getByTestId('new-link');
  await expect(input).toHaveValue(/\/l\/[0-9a-f]{40}$/);
  await expect
    .poll(() => input.evaluate((el: HTMLInputElement) => el.value.length > 0 && el.selectionEnd! - el.selectionStart! === el.value.length))
    .toBe(true);
  await expect(page.locator('table[data-testid=links] tbody tr').first()).toContainText('0 / 1');
  expect(errors).toEqual([]);
  await ctx.close();
});
