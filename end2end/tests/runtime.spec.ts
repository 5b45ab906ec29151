import { test, expect, goto, signIn, newContext, createLink, unique } from './fixtures';
import * as http from 'http';
import * as crypto from 'crypto';

test.use({ locale: 'en' });

const APP = '客户拜访管理 Customer visits';
const FORM = '拜访申请 Visit request';

/** A webhook receiver on 127.0.0.1: keeps the calls whose `Fenfa-Signature`
 * checks out against `secret` (answered 200), counts the others (401). */
async function signedReceiver(secret: string) {
  const r = { received: [] as any[], bad: 0, port: 0, close: () => server.close() };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const sig = String(req.headers['fenfa-signature'] ?? '');
      const t = sig.replace(/^t=/, '').split(',')[0];
      const want = `t=${t},v1=` + crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      if (sig === want) r.received.push(JSON.parse(body));
      else r.bad++;
      res.writeHead(sig === want ? 200 : 401).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  r.port = (server.address() as any).port;
  return r;
}

test('use the app: a member submits a process form, the approvers decide in To do, the submitter is told', async ({ browser }) => {
  const [devCtx, dev, devErrors] = await newContext(browser, 'en');
  const [adminCtx, admin, adminErrors] = await newContext(browser, 'en');
  await signIn(dev, 'isv-dev@acme.example');
  await signIn(admin, 'isv-admin@acme.example');
  const customer = `Runtime customer ${Date.now()}`;

  // A receiver on 127.0.0.1 that keeps the calls whose signature checks out.
  const SECRET = `e2e-secret-${Date.now()}`;
  const receiver = await signedReceiver(SECRET);
  const { received, port } = receiver;

  // The app admin points the app's CRM service at it, with a credential,
  // and calls it when a visit request is approved (the demo's setting).
  await goto(dev, '/');
  const appId = await dev.locator(`li[data-app="${APP}"]`).getAttribute('data-app-id');
  await goto(dev, `/apps/${appId}`);
  const crm = dev.locator('li[data-service="CRM 同步 CRM sync"]');
  await expect(crm.getByTestId('service-calls')).toContainText(`${FORM} · Approved`);
  await crm.getByText('Edit').click();
  await crm.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/crm`);
  await crm.getByRole('button', { name: 'Save' }).click();
  await expect(crm.locator('.endpoint')).toHaveText(`http://127.0.0.1:${port}/crm`);
  await crm.locator('summary', { hasText: /Set credential|Replace credential/ }).click();
  await crm.getByLabel('Credential').fill(SECRET);
  await crm.getByRole('button', { name: 'Save' }).first().click();
  await expect(crm.getByTestId('credential-state')).toContainText('Set');
  await goto(dev, '/');

  // The ISV's member tries its own app: Workbench → Use → the visit request.
  await dev.locator(`li[data-app="${APP}"]`).getByTestId('use-app').click();
  await expect(dev.getByTestId('use-forms')).toContainText(FORM);
  await dev.getByTestId('use-forms').getByRole('link', { name: FORM }).click();
  await expect(dev.getByTestId('approval-rule')).toContainText('one of its approvers approves');

  // Submitting nothing: each required field says so, beside itself.
  const form = dev.getByTestId('submit-form');
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(form.locator('[data-field="客户名称"] .field-error')).toHaveText('Required');
  await expect(form.locator('[data-field="拜访日期"] .field-error')).toHaveText('Required');
  await expect(form.getByLabel('客户名称')).toHaveAttribute('aria-invalid', 'true');
  // A wrong number is named too.
  await form.getByLabel('预计费用').fill('twelve');
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(form.locator('[data-field="预计费用"] .field-error')).toHaveText('Enter a number, such as 12.5');

  await form.getByLabel('客户名称').fill(customer);
  await form.getByLabel('拜访日期').fill('2027-03-01');
  await form.getByLabel('拜访目的').selectOption('产品演示');
  await form.getByLabel('预计费用').fill('1200');
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(dev.getByTestId('submitted')).toBeVisible();
  const row = dev.getByTestId('record-table').locator('tr', { hasText: customer });
  await expect(row).toHaveAttribute('data-status', 'in_approval');

  // Step 1 (sales manager: the admin alone) in the admin's To do.
  await goto(admin, '/todo');
  await expect(admin.getByTestId('todo-count')).toBeVisible();
  const item = admin.locator('li.todo-item', { hasText: customer });
  await expect(item).toContainText('销售经理审批 Sales manager');
  await item.getByLabel('Comment (optional)').fill('Go ahead');
  await item.getByTestId('approve').click();
  // Step 2 (finance: the admin or the member) comes next; the admin settles it.
  await expect(item).toContainText('财务审批 Finance');
  await item.getByTestId('approve').click();
  await expect(item).toHaveCount(0);

  // The submitter sees the result, its history and the message.
  await goto(dev, '/messages');
  await expect(dev.getByTestId('unread-count')).toBeVisible();
  const message = dev.locator('li.message', { hasText: customer });
  await expect(message).toContainText(`你对 ${customer} 的拜访申请已通过。`);
  await message.getByRole('link', { name: 'Open record' }).click();
  await expect(dev.getByTestId('record-status')).toHaveText('Approved');
  await expect(dev.getByTestId('history')).toContainText('Go ahead');
  await expect(dev.getByTestId('history').locator('li[data-kind=approved]')).toHaveCount(2);
  await goto(dev, '/messages');
  await dev.locator('li.message', { hasText: customer }).getByRole('button', { name: 'Mark read' }).click();
  await expect(dev.locator('li.message', { hasText: customer })).toHaveAttribute('data-read', 'true');

  // The approval called the CRM once, signed, with the record's values.
  await expect.poll(() => received.filter((c) => JSON.stringify(c).includes(customer)).length).toBe(1);
  const call = received.find((c) => JSON.stringify(c).includes(customer));
  expect(call.event).toBe('approved');
  expect(call.status).toBe('approved');
  expect(receiver.bad).toBe(0);
  await goto(dev, `/apps/${appId}/deliveries`);
  await expect(dev.getByTestId('delivery-table').locator('tr[data-status=sent]').first()).toBeVisible();
  await goto(dev, `/records/${call.record_id}`);
  await expect(dev.getByTestId('history').locator('li[data-kind=service_sent]')).toContainText('CRM 同步 CRM sync');
  receiver.close();

  expect(devErrors).toEqual([]);
  expect(adminErrors).toEqual([]);
  await devCtx.close();
  await adminCtx.close();
});

test('use the app without JavaScript: a plain form is submitted and its errors shown', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/sign-in');
  const signInForm = page.getByTestId('sign-in-form');
  await signInForm.locator('input[name=email]').fill('isv-dev@acme.example');
  await signInForm.locator('input[name=password]').fill('fenfa-demo');
  await signInForm.locator('button[type=submit]').click();
  await page.locator(`li[data-app="${APP}"]`).getByTestId('use-app').click();
  await page.getByTestId('use-forms').getByRole('link', { name: '拜访记录 Visit log' }).click();
  const form = page.getByTestId('submit-form');
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Some values need changes');
  const customer = `No-JS customer ${Date.now()}`;
  await page.getByTestId('submit-form').getByLabel('客户名称').fill(customer);
  await page.getByTestId('submit-form').getByLabel('需要跟进').check();
  await page.getByTestId('submit-form').getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByTestId('record-table').locator('tr', { hasText: customer })).toBeVisible();
  await context.close();
});

/** A server function call as the page's user: `[status, answer]`. */
async function call(page: import('@playwright/test').Page, path: string, body: string): Promise<[number, any]> {
  return page.evaluate(
    async ([p, b]) => {
      const r = await fetch(p, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: b });
      return [r.status, await r.json()] as [number, any];
    },
    [path, body],
  );
}

test('a customer member uses a bought app after its setup: approval in To do, message, one signed call', async ({ browser }) => {
  const [isvCtx, isv, isvErrors] = await newContext(browser, 'en');
  const [adminCtx, admin, adminErrors] = await newContext(browser, 'en');
  const [memberCtx, member, memberErrors] = await newContext(browser, 'en');
  await signIn(isv, 'isv-admin@acme.example');
  await signIn(admin, 'admin@south.example');
  await signIn(member, 'member@south.example');

  // The ISV's app: a repair request (process) with a step, a service and a message.
  const name = unique('Repairs');
  const [, appId] = await call(isv, '/api/apps/create', `name=${encodeURIComponent(name)}&icon=wrench&description=`);
  const [, formId] = await call(isv, '/api/apps/add_form', `app_id=${appId}&name=Repair&kind=process`);
  await call(isv, '/api/apps/add_field', `app_id=${appId}&form_id=${formId}&label=Asset&field_type=text&required=yes&options=`);
  const [, stepId] = await call(isv, '/api/apps/add_step', `app_id=${appId}&form_id=${formId}&name=Lead`);
  const [, isvMe] = await call(isv, '/api/me', '');
  await call(isv, '/api/apps/add_approver', `app_id=${appId}&step_id=${stepId}&user_id=${isvMe.user_id}`);
  const [, templateId] = await call(isv, '/api/apps/add_template', `app_id=${appId}&form_id=${formId}&trigger=approved&message=${encodeURIComponent('Repair of {{Asset}} approved')}`);
  await call(isv, '/api/apps/add_recipient', `app_id=${appId}&template_id=${templateId}&recipient=submitter`);
  const [, serviceId] = await call(isv, '/api/apps/add_service', `app_id=${appId}&name=Tickets&endpoint=${encodeURIComponent('https://tickets.acme.example/hook')}&credential=isv-secret`);
  await call(isv, '/api/apps/add_service_call', `app_id=${appId}&service_id=${serviceId}&form_id=${formId}&trigger=approved`);
  const link: string = (await createLink(isv, appId)).body.path;

  // Southgate's admin buys it: the copy's process, message and service need setting up.
  await goto(admin, link);
  await admin.locator('label[data-org="Southgate Logistics"] input').check();
  await admin.getByRole('button', { name: 'Buy app' }).click();
  await expect(admin).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  const copy = new URL(admin.url()).pathname.split('/').pop()!;
  await expect(admin.getByTestId('checklist').locator('li')).toHaveCount(3);

  // Before setup the member is told why the form cannot be submitted.
  await goto(member, `/use/${copy}`);
  await member.getByTestId('use-forms').getByRole('link', { name: 'Repair' }).click();
  await expect(member.getByTestId('process-not-set-up')).toContainText("approval process has not been set up");

  // Setup: the admin approves, the submitter is told, the service goes to the receiver.
  const SECRET = `south-secret-${Date.now()}`;
  const receiver = await signedReceiver(SECRET);
  const { received, port } = receiver;
  const [, detail] = await call(admin, '/api/apps/get', `app_id=${copy}`);
  const [, adminMe] = await call(admin, '/api/me', '');
  const f = detail.forms[0];
  expect((await call(admin, '/api/apps/add_approver', `app_id=${copy}&step_id=${f.steps[0].id}&user_id=${adminMe.user_id}`))[0]).toBe(200);
  expect((await call(admin, '/api/apps/add_recipient', `app_id=${copy}&template_id=${detail.templates[0].id}&recipient=submitter`))[0]).toBe(200);
  const svc = detail.services[0];
  expect((await call(admin, '/api/apps/update_service', `app_id=${copy}&service_id=${svc.id}&name=Tickets&endpoint=${encodeURIComponent(`http://127.0.0.1:${port}/hook`)}`))[0]).toBe(200);
  expect((await call(admin, '/api/apps/set_credential', `app_id=${copy}&service_id=${svc.id}&credential=${SECRET}`))[0]).toBe(200);
  await goto(admin, `/apps/${copy}`);
  await expect(admin.getByTestId('setup-done')).toBeVisible();

  // The member submits; the admin approves from To do.
  const asset = `Asset ${Date.now()}`;
  await goto(member, `/use/${copy}`);
  await member.getByTestId('use-forms').getByRole('link', { name: 'Repair' }).click();
  await member.getByTestId('submit-form').getByLabel('Asset').fill(asset);
  await member.getByTestId('submit-form').getByRole('button', { name: 'Submit' }).click();
  await expect(member.getByTestId('record-table').locator('tr', { hasText: asset })).toHaveAttribute('data-status', 'in_approval');
  await goto(admin, '/todo');
  const item = admin.locator('li.todo-item', { hasText: asset });
  await item.getByTestId('approve').click();
  await expect(item).toHaveCount(0);

  // The member sees the result and the message; the receiver got one signed call.
  await goto(member, '/messages');
  await expect(member.locator('li.message', { hasText: `Repair of ${asset} approved` })).toBeVisible();
  await goto(member, `/use/${copy}`);
  await member.getByTestId('use-forms').getByRole('link', { name: 'Repair' }).click();
  await expect(member.getByTestId('record-table').locator('tr', { hasText: asset })).toHaveAttribute('data-status', 'approved');
  await expect.poll(() => received.length).toBe(1);
  expect(received[0].event).toBe('approved');
  expect(JSON.stringify(received[0].values)).toContain(asset);
  expect(receiver.bad).toBe(0);
  receiver.close();

  expect(isvErrors).toEqual([]);
  expect(adminErrors).toEqual([]);
  expect(memberErrors).toEqual([]);
  await isvCtx.close();
  await adminCtx.close();
  await memberCtx.close();
});
