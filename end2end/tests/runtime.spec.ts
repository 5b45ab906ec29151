import { test, expect, goto, signIn, newContext } from './fixtures';
import * as http from 'http';
import * as crypto from 'crypto';

test.use({ locale: 'en' });

const APP = '客户拜访管理 Customer visits';
const FORM = '拜访申请 Visit request';

test('use the app: a member submits a process form, the approvers decide in To do, the submitter is told', async ({ browser }) => {
  const [devCtx, dev, devErrors] = await newContext(browser, 'en');
  const [adminCtx, admin, adminErrors] = await newContext(browser, 'en');
  await signIn(dev, 'isv-dev@acme.example');
  await signIn(admin, 'isv-admin@acme.example');
  const customer = `Runtime customer ${Date.now()}`;

  // A receiver on 127.0.0.1 that keeps the calls whose signature checks out.
  const SECRET = `e2e-secret-${Date.now()}`;
  const received: any[] = [];
  let badSignatures = 0;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const sig = String(req.headers['fenfa-signature'] ?? '');
      const t = sig.replace(/^t=/, '').split(',')[0];
      const want = 't=' + t + ',v1=' + crypto.createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
      if (sig !== want) badSignatures++;
      else received.push(JSON.parse(body));
      res.writeHead(sig === want ? 200 : 401).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as any).port;

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
  expect(badSignatures).toBe(0);
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
