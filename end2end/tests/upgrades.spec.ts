import { test, expect, goto, signIn, newContext, createLink, unique, findings, api, relabel } from './fixtures';

test.use({ locale: 'en' });

test('an ISV publishes and offers 1.1.0; the customer previews, keeps its own label in a conflict, applies and rolls back', async ({ browser }) => {
  const [, isv, isvErrors] = await newContext(browser, 'en');
  const [, cust, custErrors] = await newContext(browser, 'en');
  await signIn(isv, 'isv-admin@acme.example');
  await signIn(cust, 'admin@south.example');

  // The ISV's app: one form with three fields, sold as 1.0.0 (the first link publishes it).
  const name = unique('Upgrades');
  await goto(isv, '/');
  const appId = await api(isv, '/api/apps/create', { name, icon: 'chart', description: '' });
  const formId = await api(isv, '/api/apps/add_form', { app_id: appId, name: 'Visit', kind: 'plain' });
  for (const label of ['Customer', 'Place', 'Notes']) {
    await api(isv, '/api/apps/add_field', {
      app_id: appId, form_id: formId, label, field_type: 'text', required: 'no', options: '',
    });
  }
  const link = await createLink(isv, appId);
  expect(link.status).toBe(200);

  // Southgate's admin buys it, then renames two of its fields.
  await goto(cust, link.body.path);
  await cust.locator('label[data-org="Southgate Logistics"] input').check();
  await cust.getByRole('button', { name: 'Buy app' }).click();
  await expect(cust).toHaveURL(/\/apps\/[0-9a-f]{32}$/);
  const copyId = cust.url().split('/').pop()!;
  await relabel(cust, copyId, 'Place', 'Site');
  await relabel(cust, copyId, 'Notes', 'Our notes');

  // The ISV changes a label, changes "Notes" too (a conflict) and adds a form.
  await relabel(isv, appId, 'Customer', 'Client');
  await relabel(isv, appId, 'Notes', 'Remarks');
  await api(isv, '/api/apps/add_form', { app_id: appId, name: 'Follow-up', kind: 'plain' });

  // Publishing: the panel lists the changes and suggests the minor version the new form needs.
  await goto(isv, `/apps/${appId}/distribute`);
  const versions = isv.getByTestId('versions');
  await expect(versions.locator('tr[data-version="1.0.0"]')).toBeVisible();
  await expect(versions.getByTestId('needed-level')).toContainText('Minor');
  const publish = versions.getByTestId('publish-form');
  await expect(publish.getByLabel('Version')).toHaveValue('1.1.0');
  // Too small a bump is refused, in words.
  await publish.getByLabel('Version').fill('1.0.1');
  await publish.getByRole('button', { name: 'Publish' }).click();
  await expect(publish.getByRole('alert')).toContainText('at least a minor version');
  await publish.getByLabel('Version').fill('1.1.0');
  await publish.getByLabel('Release notes').fill('Client label; a follow-up form');
  await publish.getByRole('button', { name: 'Publish' }).click();
  await expect(versions.locator('tr[data-version="1.1.0"]')).toBeVisible();
  await expect(versions.getByTestId('nothing-to-publish')).toContainText('1.1.0');

  // Offered to every order of the app (one: Southgate's).
  const offer = versions.getByTestId('offer-form');
  await offer.locator('select[name=version_id]').selectOption({ label: '1.1.0' });
  await offer.locator('select[name=scope]').selectOption('all');
  await offer.getByRole('button', { name: 'Offer to orders' }).click();
  await expect(offer.getByTestId('offer-outcome')).toHaveAttribute('data-offered', '1');

  // The customer sees it on the Workbench and the app, previews it: one
  // conflict, the rest listed.
  await goto(cust, '/');
  await expect(cust.locator(`li[data-app="${name}"]`).getByTestId('upgrade-offered')).toContainText('1.1.0');
  await goto(cust, `/apps/${copyId}`);
  const card = cust.getByTestId('upgrades');
  await expect(card.getByTestId('installed-version')).toHaveText('1.0.0');
  await expect(card.locator('[data-upgrade="1.1.0"]')).toHaveAttribute('data-state', 'offered');
  await card.getByTestId('preview-upgrade').click();
  const preview = cust.getByTestId('upgrade-preview');
  await expect(preview).toHaveAttribute('data-step', 'apply');
  const conflict = preview.locator('fieldset.conflict');
  await expect(conflict).toHaveCount(1);
  await expect(conflict).toContainText('Our notes');
  await expect(conflict).toContainText('Remarks');
  await expect(conflict.getByLabel(/Keep mine/)).toBeChecked();
  // The preview and the versions panel pass axe (WCAG 2.1 AA) as every screen does.
  expect(await findings(cust)).toEqual([]);
  expect(await findings(isv)).toEqual([]);
  const changes = preview.getByTestId('changes').last();
  await expect(changes.locator('[data-outcome="applied"]')).toContainText('Client');
  await expect(changes.locator('[data-outcome="kept"]')).toContainText('Site');
  await expect(changes.locator('[data-outcome="added"]')).toContainText('Follow-up');
  await preview.getByRole('button', { name: 'Apply the upgrade' }).click();

  // Both changes are there, its own label kept.
  await expect(cust).toHaveURL(new RegExp(`/apps/${copyId}$`));
  await expect(card.getByTestId('installed-version')).toHaveText('1.1.0');
  const labels = async () => {
    const app = await api(cust, '/api/apps/get', { app_id: copyId });
    return app.forms.map((f: any) => [f.name, ...f.fields.map((x: any) => x.label)]);
  };
  expect(await labels()).toEqual([['Visit', 'Client', 'Site', 'Our notes'], ['Follow-up']]);
  await expect(cust.locator('article[data-form="Follow-up"]')).toBeVisible();

  // Rolled back: exactly as before.
  await expect(card.locator('[data-upgrade="1.1.0"]')).toHaveAttribute('data-state', 'applied');
  await card.getByTestId('preview-upgrade').click();
  await expect(preview).toHaveAttribute('data-step', 'rollback');
  await preview.getByRole('button', { name: 'Roll back the upgrade' }).click();
  await expect(cust).toHaveURL(new RegExp(`/apps/${copyId}$`));
  await expect(card.getByTestId('installed-version')).toHaveText('1.0.0');
  expect(await labels()).toEqual([['Visit', 'Customer', 'Site', 'Our notes']]);

  // The Order Center shows the order's version and what became of the offer.
  await goto(isv, '/orders?upgrade=rolled_back');
  const row = isv.locator('tr[data-customer="Southgate Logistics"]').first();
  await expect(row.getByTestId('order-version')).toHaveText('1.0.0');
  await expect(row.getByTestId('order-upgrade')).toHaveText('Rolled back');
  expect(isvErrors).toEqual([]);
  expect(custErrors).toEqual([]);
});
