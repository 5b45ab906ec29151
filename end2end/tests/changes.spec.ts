import { test, expect, goto, hydrated, signIn, newContext, createLink, unique, findings, api, relabel } from './fixtures';

test.use({ locale: 'en' });

/** The session's "look at" badge for its approval process. */
function sessionRisk(page: import('@playwright/test').Locator) {
  return page.getByTestId('risky').locator('[data-risk="process"]');
}

test('the customer reviews a maintenance session, reverts one of its changes and keeps the other; the ISV takes the fix home', async ({ browser }) => {
  const [, isv, isvErrors] = await newContext(browser, 'en');
  const [, cust, custErrors] = await newContext(browser, 'en');
  await signIn(isv, 'isv-admin@acme.example');
  await signIn(cust, 'admin@south.example');

  // The ISV's app (one form, two fields), bought by Southgate.
  const name = unique('Changes');
  await goto(isv, '/');
  const appId = await api(isv, '/api/apps/create', { name, icon: 'chart', description: '' });
  const formId = await api(isv, '/api/apps/add_form', { app_id: appId, name: 'Visit', kind: 'plain' });
  for (const label of ['Customer', 'Place']) {
    await api(isv, '/api/apps/add_field', {
      app_id: appId, form_id: formId, label, field_type: 'text', required: 'no', options: '',
    });
  }
  const processId = await api(isv, '/api/apps/add_form', { app_id: appId, name: 'Approval', kind: 'process' });
  await api(isv, '/api/apps/add_step', { app_id: appId, form_id: processId, name: 'Manager' });
  const link = await createLink(isv, appId);
  expect(link.status).toBe(200);
  await goto(cust, link.body.path);
  await cust.locator('label[data-org="Southgate Logistics"] input').check();
  await cust.getByRole('button', { name: 'Buy app' }).click();
  await expect(cust).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  const copyId = cust.url().split('/').pop()!;

  // The ISV maintains the copy: renames a field and an approval step, then leaves.
  await goto(isv, `/orders?q=${encodeURIComponent(name)}`);
  const row = isv.locator('tr[data-customer="Southgate Logistics"]').filter({ hasText: name }).first();
  await row.getByRole('link').first().click();
  // The order's own page (the list's rows have a Remote maintenance button too).
  await expect(isv.getByTestId('timeline')).toContainText('Purchased');
  await hydrated(isv);
  await isv.getByTestId('order-detail').getByTestId('start-maintenance').click();
  await expect(isv.getByTestId('maintenance-banner')).toBeVisible();
  await relabel(isv, copyId, 'Customer', 'Client');
  await goto(isv, `/apps/${copyId}`);
  const step = isv.locator('li[data-step="Manager"]');
  await step.getByText('Rename').click();
  await step.getByLabel('Step name').fill('Site manager');
  await step.getByRole('button', { name: 'Save' }).click();
  await expect(isv.locator('li[data-step="Site manager"]')).toBeVisible();
  await isv.getByRole('button', { name: 'Exit maintenance' }).click();
  await expect(isv.getByTestId('maintenance-banner')).toHaveCount(0);

  // The customer sees the session on the app's card and on the app, unreviewed, with both changes.
  await goto(cust, '/');
  await expect(cust.locator(`li[data-app-id="${copyId}"]`).getByTestId('unreviewed-changes')).toContainText('1');
  await goto(cust, `/apps/${copyId}`);
  const sets = cust.getByTestId('change-sets');
  await expect(sets.getByTestId('unreviewed-count')).toHaveText('1');
  const session = sets.locator('tr[data-kind="maintenance"]');
  await expect(session).toContainText('Alice Admin');
  await expect(session.getByTestId('set-changes')).toContainText('2');
  await session.getByTestId('open-set').click();
  const page = cust.getByTestId('change-set');
  await expect(page).toBeVisible();
  const label = page.locator('tr[data-change$="/label"]');
  const stepName = page.locator('tr[data-change$="/name"]');
  await expect(label).toContainText('Customer');
  await expect(label).toContainText('Client');
  await expect(stepName).toContainText('Manager');
  await expect(stepName).toContainText('Site manager');
  await expect(sessionRisk(page)).toBeVisible();
  await expect(label).toHaveAttribute('data-standing', 'restorable');
  expect(await findings(cust)).toEqual([]);

  // Revert the label only; the step keeps its new name.
  await label.getByTestId('revert-one').click();
  await expect(cust.getByTestId('reverted')).toContainText('1');
  await expect(label).toHaveAttribute('data-standing', 'as_before');
  await expect(stepName).toHaveAttribute('data-standing', 'restorable');
  const after = await api(cust, '/api/apps/get', { app_id: copyId });
  expect(after.forms[0].fields.map((f: any) => f.label)).toEqual(['Customer', 'Place']);
  expect(after.forms[1].steps.map((x: any) => x.name)).toEqual(['Site manager']);
  await cust.getByRole('button', { name: 'Mark as reviewed' }).click();
  await expect(cust.getByTestId('reviewed')).toBeVisible();
  await goto(cust, '/');
  await expect(cust.locator(`li[data-app-id="${copyId}"]`)).toBeVisible();
  await expect(cust.locator(`li[data-app-id="${copyId}"]`).getByTestId('unreviewed-changes')).toHaveCount(0);

  // The audit log shows the revert, by the customer's admin.
  await goto(cust, '/audit');
  await expect(cust.locator('tr[data-action="changes.revert"]').first()).toContainText('Reverted maintenance changes');

  // The ISV applies the session's changes to its own app.
  await goto(isv, `/orders?q=${encodeURIComponent(name)}`);
  await isv.locator('tr[data-customer="Southgate Logistics"]').filter({ hasText: name }).first().getByRole('link').first().click();
  await expect(isv.getByTestId('timeline')).toContainText('Purchased');
  await hydrated(isv);
  const theirs = isv.getByTestId('order-changes');
  await expect(theirs.getByTestId('changes')).toContainText('Client');
  await theirs.getByRole('button', { name: 'Apply to my app as a draft' }).click();
  await expect(isv.getByTestId('taken-home')).toContainText('2');
  const source = await api(isv, '/api/apps/get', { app_id: appId });
  expect(source.forms[0].fields.map((f: any) => f.label)).toEqual(['Client', 'Place']);
  expect(source.forms[1].steps.map((x: any) => x.name)).toEqual(['Site manager']);

  expect(custErrors).toEqual([]);
  expect(isvErrors).toEqual([]);
});
