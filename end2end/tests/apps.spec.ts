import { test, expect, goto, hydrated, signIn, newContext, unique } from './fixtures';

test.use({ locale: 'en' });

const SECRET = `TOP-SECRET-${Math.random().toString(36).slice(2)}`;

test('an admin builds an app; members read it; other organizations cannot find it', async ({ page, browser, consoleErrors }) => {
  // Every response body the browser receives, to prove the credential never comes back.
  const bodies: string[] = [];
  page.on('response', async (r) => {
    try {
      bodies.push(await r.text());
    } catch {
      /* redirects and aborted loads have no body */
    }
  });

  await signIn(page, 'admin@south.example');
  const name = unique('Inspection 巡检');
  const myApps = page.getByTestId('my-apps');
  await myApps.getByText('New app').click();
  const create = page.getByTestId('create-app');
  await create.getByLabel('App name').fill(name);
  await create.getByLabel('Icon').selectOption('clipboard');
  await create.getByLabel('Description').fill('Daily equipment inspection 设备巡检');
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  await expect(page.getByTestId('app-name')).toHaveText(name);
  const appUrl = page.url();

  // A process form with two fields.
  const addForm = page.getByTestId('add-form');
  await addForm.getByLabel('Form name').fill('巡检单');
  await addForm.getByLabel('Kind').selectOption('process');
  await addForm.getByRole('button', { name: 'Add' }).click();
  const form = page.locator('article[data-form="巡检单"]');
  await expect(form).toBeVisible();

  await form.getByText('Add field').click();
  const addField = form.getByTestId('add-field');
  for (const [label, type, options] of [['设备', 'text', ''], ['结果', 'single_choice', '正常\n异常']]) {
    // After each save the panel stays open with its inputs cleared.
    await expect(addField.getByLabel('Label')).toHaveValue('');
    await addField.getByLabel('Label').fill(label);
    await addField.getByLabel('Type').selectOption(type);
    await addField.getByLabel('Required').selectOption('yes');
    if (options) await addField.getByLabel(/^Options/).fill(options);
    await addField.getByRole('button', { name: 'Add' }).click();
    await expect(form.locator(`li[data-field="${label}"]`)).toBeVisible();
  }

  // A two-step process, each step with an approver.
  for (const step of ['主管审批 Lead', '经理审批 Manager']) {
    const addStep = form.getByTestId('add-step');
    await addStep.getByLabel('Step name').fill(step);
    await addStep.getByRole('button', { name: 'Add step' }).click();
    const row = form.locator(`li[data-step="${step}"]`);
    await expect(row).toBeVisible();
    await row.getByLabel('Add approver').selectOption({ label: 'Sam South <admin@south.example>' });
    await row.getByRole('button', { name: 'Add approver' }).click();
    await expect(form.locator(`li[data-step="${step}"] .chip`)).toHaveText(/Sam South/);
  }

  // A notification template with a recipient.
  const templates = page.getByTestId('templates');
  await templates.getByText('Add notification template').click();
  const addTemplate = page.getByTestId('add-template');
  await addTemplate.getByLabel('When').selectOption('submitted');
  await addTemplate.getByLabel('Message').fill('{{设备}} 巡检结果：{{结果}}');
  await addTemplate.getByRole('button', { name: 'Add' }).click();
  const template = templates.locator('li[data-template="{{设备}} 巡检结果：{{结果}}"]');
  await expect(template).toBeVisible();
  await template.getByLabel('Add recipient').selectOption('submitter');
  await template.getByRole('button', { name: 'Add recipient' }).click();
  await expect(templates.locator('li[data-template="{{设备}} 巡检结果：{{结果}}"] .chip')).toHaveText(/The submitter/);

  // A third-party service with a credential.
  const services = page.getByTestId('services');
  await services.getByText('Add third-party service').click();
  const addService = page.getByTestId('add-service');
  await addService.getByLabel('Service name').fill('告警平台 Alerts');
  await addService.getByLabel('Endpoint URL').fill('https://alerts.example/hook');
  await addService.getByLabel('Credential').fill(SECRET);
  await addService.getByRole('button', { name: 'Add' }).click();
  await expect(services.locator('li[data-service="告警平台 Alerts"] [data-testid=credential-state]')).toContainText('Set');
  await expect(addService.getByLabel('Service name')).toHaveValue('');

  // A bad endpoint is refused with a message that names the field.
  await addService.getByLabel('Service name').fill('Broken');
  await addService.getByLabel('Endpoint URL').evaluate((el: HTMLInputElement) => (el.type = 'text'));
  await addService.getByLabel('Endpoint URL').fill('ftp://nowhere');
  await addService.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert')).toContainText('Endpoint URL');
  await expect(services.locator('li[data-service="Broken"]')).toHaveCount(0);

  // Reload: everything is still there.
  await page.reload();
  await hydrated(page);
  await expect(form.locator('li[data-field]')).toHaveCount(2);
  await expect(form.locator('li[data-step]')).toHaveCount(2);
  await expect(form.locator('li[data-step="经理审批 Manager"]')).toContainText('Sam South');
  await expect(templates.locator('li[data-template]')).toHaveCount(1);
  await expect(services.locator('li[data-service="告警平台 Alerts"]')).toContainText('alerts.example');

  // The credential was never in anything the browser received.
  expect(bodies.length).toBeGreaterThan(10);
  for (const b of bodies) expect(b.includes(SECRET)).toBe(false);

  // A member of the organization opens the app read-only, and the server refuses edits.
  const [memberCtx, member, memberErrors] = await newContext(browser, 'en');
  await signIn(member, 'member@south.example');
  await goto(member, new URL(appUrl).pathname);
  await expect(member.getByTestId('read-only')).toBeVisible();
  await expect(member.getByTestId('add-form')).toHaveCount(0);
  await expect(member.locator('article[data-form="巡检单"]')).toBeVisible();
  const appId = new URL(appUrl).pathname.split('/').pop();
  const refused = await member.evaluate(async (id) => {
    const r = await fetch('/api/apps/add_form', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `app_id=${id}&name=hack&kind=plain`,
    });
    return { status: r.status, body: await r.json() };
  }, appId);
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('app_edit_only');
  expect(memberErrors.filter((e) => !e.includes('403'))).toEqual([]);
  await memberCtx.close();

  // A user of another organization gets "not found".
  const [otherCtx, other] = await newContext(browser, 'en');
  await signIn(other, 'admin@north.example');
  await goto(other, new URL(appUrl).pathname);
  await expect(other.getByTestId('app-missing')).toContainText('Not found');
  await expect(other.getByText(name)).toHaveCount(0);
  await otherCtx.close();
});

test('the Workbench lists apps with a card menu, and the demo apps are complete', async ({ page, consoleErrors }) => {
  await signIn(page, 'isv-admin@acme.example');
  const card = page.locator('li[data-app="客户拜访管理 Customer visits"]');
  await expect(card).toBeVisible();
  // Icons are drawn (inline SVG with a path), not emoji.
  const icon = card.locator('.app-icon svg path');
  await expect(icon).toHaveAttribute('d', /^M/);
  expect(await card.locator('.app-icon').innerText()).toBe('');
  await card.getByTestId('app-menu').click();
  await card.getByRole('menuitem', { name: 'Edit app' }).click();
  await expect(page.getByTestId('app-name')).toHaveText('客户拜访管理 Customer visits');
  const form = page.locator('article[data-form="拜访申请 Visit request"]');
  await expect(form.locator('li[data-step]')).toHaveCount(2);
  await expect(page.getByTestId('templates').locator('li[data-template]')).toHaveCount(2);
  await expect(page.getByTestId('services').locator('[data-testid=credential-state]')).toContainText('Set');
});

test('the editor is usable on a 375 px screen', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'isv-admin@acme.example');
  await page.locator('li[data-app="设备报修 Equipment repair"] a').first().click();
  await expect(page.getByTestId('app-editor')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
