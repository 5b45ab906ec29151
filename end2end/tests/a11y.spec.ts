import { Page } from '@playwright/test';
import { test, expect, goto, signIn, newContext, createLink, unique, findings } from './fixtures';

// Every screen, as axe-core (WCAG 2.1 AA) judges it: no serious or critical
// finding, in both languages, on a desktop and on a 375 px phone.

// Each test signs in four users, buys an app and sweeps nineteen screens.
test.describe.configure({ timeout: 150_000 });


for (const locale of ['zh-CN', 'en']) for (const width of [1280, 375]) {
  test(`no serious accessibility finding on any screen (${locale}, ${width} px)`, async ({ browser }) => {
    const found: Record<string, string[]> = {};
    /** Opens each path and collects what axe finds, by page. */
    const check = async (page: Page, paths: string[]) => {
      await page.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await goto(page, path);
        const f = await findings(page);
        if (f.length) found[path] = f;
      }
    };

    // Signed out: the sign-in and sign-up pages.
    const [outCtx, out, outErrors] = await newContext(browser, locale);
    await check(out, ['/sign-in', '/sign-up']);

    // The ISV's screens, and a distribution link as its customer opens it.
    const [isvCtx, isv, isvErrors] = await newContext(browser, locale);
    await signIn(isv, 'isv-admin@acme.example');
    const appId: string = await isv.evaluate(async () => {
      const r = await fetch('/api/apps/list', { method: 'POST' });
      return (await r.json())[0].id;
    });
    // The link is for an app of this test's own, and South buys it: the
    // demo apps' links and Northwind's copies belong to other tests.
    const ownApp: string = await isv.evaluate(async (name) => {
      const r = await fetch('/api/apps/create', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `name=${encodeURIComponent(name)}&icon=chart&description=`,
      });
      return r.json();
    }, unique('A11y app'));
    const link: string = (await createLink(isv, ownApp)).body.path;
    await check(isv, ['/', `/apps/${appId}`, `/apps/${appId}/distribute`, '/orders', '/members', '/account', '/audit', '/orgs/new']);

    // Using an app: its forms, one to fill in with its records, a record,
    // To do and Messages.
    const using = await isv.evaluate(async () => {
      const post = async (path: string, body: string) =>
        (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).json();
      const apps = await post('/api/apps/list', '');
      const app = apps.find((a: any) => a.name === '客户拜访管理 Customer visits');
      const detail = await post('/api/apps/get', `app_id=${app.id}`);
      const log = detail.forms.find((f: any) => f.kind === 'plain');
      const record = await post(
        '/api/runtime/submit',
        `app_id=${app.id}&form_id=${log.id}&values[f${log.fields[0].id}]=A11y`,
      );
      return { app: app.id, form: detail.forms[0].id, record };
    });
    await check(isv, [`/use/${using.app}`, `/use/${using.app}?form=${using.form}`, `/records/${using.record}`, '/todo', '/messages']);

    // The customer: the link page, then the copy it buys.
    const [custCtx, cust, custErrors] = await newContext(browser, locale);
    await signIn(cust, 'admin@south.example');
    await check(cust, [link]);
    await goto(cust, link);
    await cust.locator('label[data-org="Southgate Logistics"] input').check();
    await cust.getByTestId('buy-form').locator('button[type=submit]').click();
    await expect(cust.getByTestId('app-name')).toBeVisible();
    await check(cust, [new URL(cust.url()).pathname]);

    // That order's page in the ISV's Order Center.
    await goto(isv, '/orders?q=Southgate');
    const href = await isv.getByTestId('order-table').locator('tbody a').first().getAttribute('href');
    await check(isv, [href!]);

    // The platform operator's page.
    const [opCtx, op, opErrors] = await newContext(browser, locale);
    await signIn(op, 'operator@fenfa.example');
    await check(op, ['/operator']);

    expect(found, 'serious or critical axe-core findings, by page').toEqual({});
    expect([...outErrors, ...isvErrors, ...custErrors, ...opErrors]).toEqual([]);
    for (const c of [outCtx, isvCtx, custCtx, opCtx]) await c.close();
  });
}
