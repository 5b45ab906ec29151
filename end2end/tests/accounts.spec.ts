import { test, expect, hydrated, goto, signIn, signIn as signInAs, newContext, unique, mailedLink, watchConsole, DEMO_PASSWORD } from './fixtures';

const L = {
  'zh-CN': {
    signUp: '注册', createAccount: '创建账号', signIn: '登录', signOut: '退出登录', noOrg: '你还没有加入任何组织。',
    createOrg: '创建组织', create: '创建', switch: '切换', members: '成员', invite: '发送邀请', member: '普通员工', admin: '管理员',
    workbench: '工作台', accept: '接受邀请',
  },
  en: {
    signUp: 'Sign up', createAccount: 'Create account', signIn: 'Sign in', signOut: 'Sign out', noOrg: "You don't belong to any organization yet.",
    createOrg: 'Create organization', create: 'Create', switch: 'Switch', members: 'Members', invite: 'Send invitation', member: 'Member', admin: 'Admin',
    workbench: 'Workbench', accept: 'Accept invitation',
  },
} as const;

for (const locale of ['zh-CN', 'en'] as const) {
  const l = L[locale];
  test(`account journey in ${locale}: sign up, sign in, organizations, members, sign out`, async ({ browser }) => {
    const [context, page, errors] = await newContext(browser, locale);
    const email = `${unique('user')}@test.example`;
    const password = 'a long enough password';

    // Sign up: the page follows the browser's language on a first visit.
    await goto(page, '/sign-up');
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.getByRole('heading', { name: l.signUp })).toBeVisible();
    const signUp = page.getByTestId('sign-up-form');
    await signUp.getByLabel(locale === 'en' ? 'Email' : '邮箱').fill(email);
    await signUp.getByLabel(locale === 'en' ? 'Display name' : '显示名称').fill(`Tester ${locale}`);
    await signUp.getByLabel(locale === 'en' ? 'Password' : '密码').fill(password);
    await signUp.getByRole('button', { name: l.createAccount }).click();
    await expect(page.getByTestId('workbench')).toContainText(l.noOrg);

    // Sign out, then sign back in.
    await page.getByRole('button', { name: l.signOut }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    const signIn = page.getByTestId('sign-in-form');
    await signIn.locator('input[name=email]').fill(email);
    await signIn.locator('input[name=password]').fill(password);
    await signIn.getByRole('button', { name: l.signIn }).click();
    await expect(page.getByTestId('workbench')).toContainText(l.noOrg);

    // Create two organizations; the newest becomes current.
    for (const name of ['甲 Org A', 'Org B 🚢']) {
      await page.getByRole('link', { name: l.createOrg }).first().click();
      const form = page.getByTestId('create-org-form');
      await form.locator('input[name=name]').fill(name);
      await form.getByRole('button', { name: l.create }).click();
      await expect(page.getByTestId('current-org')).toHaveText(name);
    }
    await expect(page.getByTestId('current-role')).toHaveText(l.admin);

    // Switch organization from the header.
    await page.getByTestId('org-switch').selectOption({ label: `甲 Org A · ${l.admin}` });
    await page.getByRole('button', { name: l.switch, exact: true }).click();
    await expect(page.getByTestId('current-org')).toHaveText('甲 Org A');

    // Invite an existing user: they join when they accept the mailed link.
    await page.getByRole('link', { name: l.members }).click();
    const invite = page.getByTestId('invite-form');
    await invite.locator('input[name=email]').fill('member@north.example');
    await invite.getByRole('button', { name: l.invite }).click();
    await expect(page.getByTestId('invitations').locator('tr[data-email="member@north.example"]')).toBeVisible();
    const link = await mailedLink('member@north.example', '/invitations/');
    const [ned, nedPage, nedErrors] = await newContext(browser, locale);
    await signInAs(nedPage, 'member@north.example');
    await goto(nedPage, link);
    await expect(nedPage.getByTestId('invitation-org')).toHaveText('甲 Org A');
    await nedPage.getByRole('button', { name: l.accept }).click();
    await expect(nedPage.getByTestId('current-org')).toHaveText('甲 Org A');
    expect(nedErrors).toEqual([]);
    await ned.close();
    await page.reload();
    await hydrated(page);
    const row = page.getByTestId('members').locator('tr[data-email="member@north.example"]');
    await expect(row).toBeVisible();
    await expect(row.locator('select[name=role]')).toHaveValue('member');
    await expect(page.getByTestId('invitations')).toHaveCount(0);

    // Sign out: the Workbench now sends us to sign in.
    await page.getByRole('button', { name: l.signOut }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await goto(page, '/');
    await expect(page).toHaveURL(/\/sign-in\?next=\/$/);

    expect(errors).toEqual([]);
    await context.close();
  });
}

test.use({ locale: 'en' });

test('signing out and back in 20 times always lands on the sign-in page, then on the workbench', async ({ page, consoleErrors }) => {
  const email = `${unique('again')}@test.example`;
  await goto(page, '/sign-up');
  const signUp = page.getByTestId('sign-up-form');
  await signUp.locator('input[name=email]').fill(email);
  await signUp.locator('input[name=display_name]').fill('Sam Again');
  await signUp.locator('input[name=password]').fill('a long enough password');
  await signUp.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('workbench')).toBeVisible();
  for (let i = 0; i < 20; i++) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Exactly /sign-in: no `next` pointing back at the sign-in page.
    await expect(page).toHaveURL(/\/sign-in$/);
    const form = page.getByTestId('sign-in-form');
    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=password]').fill('a long enough password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('workbench')).toBeVisible();
    await expect(page.getByTestId('account-link')).toHaveText('Sam Again');
  }
});

test('a sign-in page given itself as the return address still leads to the workbench', async ({ page, consoleErrors }) => {
  await goto(page, '/sign-in?next=/sign-in');
  const form = page.getByTestId('sign-in-form');
  await form.locator('input[name=email]').fill('admin@north.example');
  await form.locator('input[name=password]').fill(DEMO_PASSWORD);
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('workbench')).toBeVisible();
});

test('a failed sign-in says only that email or password is wrong', async ({ page, consoleErrors }) => {
  await goto(page, '/sign-in');
  const form = page.getByTestId('sign-in-form');
  await form.locator('input[name=email]').fill('admin@north.example');
  await form.locator('input[name=password]').fill('not the password');
  await form.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password');
  await form.locator('input[name=email]').fill('nobody@north.example');
  await form.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password');
});

test('the sign-in form works with JavaScript disabled and returns to the page asked for', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en' });
  const page = await context.newPage();
  await page.goto('/members');
  await expect(page).toHaveURL(/\/sign-in\?next=\/members$/);

  const form = page.getByTestId('sign-in-form');
  await form.locator('input[name=email]').fill('admin@north.example');
  await form.locator('input[name=password]').fill('wrong password');
  await form.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password');

  await form.locator('input[name=email]').fill('admin@north.example');
  await form.locator('input[name=password]').fill(DEMO_PASSWORD);
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/\/members$/);
  await expect(page.locator('tr[data-email="member@north.example"]')).toBeVisible();

  // Signing out without JavaScript lands on the plain sign-in page too.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await context.close();
});

test('the language switch is remembered across visits', async ({ browser }) => {
  const [context, page, errors] = await newContext(browser, 'zh-CN');
  await goto(page, '/sign-in');
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});

test('the operator changes a certification level; others cannot reach the page', async ({ page, consoleErrors }) => {
  await signIn(page, 'operator@fenfa.example');
  await page.getByRole('link', { name: 'Platform operator', exact: true }).click();
  const row = page.locator('tr[data-org="Plain Studio"]');
  await row.locator('select[name=level]').selectOption('intermediate');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByTestId('cert-label')).toHaveText('Intermediate certified ISV');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tr[data-org="Plain Studio"]').getByTestId('cert-label')).toHaveText('Intermediate certified ISV');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, 'admin@plain.example');
  await expect(page.getByRole('link', { name: 'Platform operator' })).toHaveCount(0);
  await goto(page, '/operator');
  await expect(page.getByRole('alert')).toContainText('No permission');
  await expect(page.locator('table[data-testid=orgs]')).toHaveCount(0);
});

test('the layout fits a 375 px phone screen', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'admin@north.example');
  // The header is one row (brand, language, menu button); the navigation
  // opens below it, and closes again on the next page.
  const header = page.locator('header.topbar');
  const oneRow = (await header.boundingBox())!.height;
  expect(oneRow).toBeLessThan(64);
  const members = page.getByRole('link', { name: /成员|Members/ });
  await expect(members).toBeHidden();
  await page.getByTestId('menu-button').click();
  await expect(page.getByTestId('org-switch')).toBeVisible();
  await members.click();
  await expect(members).toBeHidden();
  expect((await header.boundingBox())!.height).toBe(oneRow);
  await expect(page.locator('tr[data-email="member@north.example"]')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the page policy blocks a script without the nonce, and the app itself breaks no rule', async ({ browser }) => {
  const [context, page, errors] = await newContext(browser, 'en-US');
  await goto(page, '/sign-in');
  expect(errors).toEqual([]);
  // What an injected script (stored HTML) would be: refused and reported.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
  });
  await expect.poll(() => errors.join('\n')).toContain('CSP violation: script-src');
  expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();
  await context.close();
});

test('changing the password signs out the other browser, and the new password works', async ({ browser }) => {
  const email = `${unique('pw')}@test.example`;
  const [laptop, page, errors] = await newContext(browser, 'en-US');
  await goto(page, '/sign-up');
  const signUp = page.getByTestId('sign-up-form');
  await signUp.locator('input[name=email]').fill(email);
  await signUp.locator('input[name=display_name]').fill('Pat Password');
  await signUp.locator('input[name=password]').fill('first password');
  await signUp.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('workbench')).toBeVisible();

  const [phone, other, otherErrors] = await newContext(browser, 'en-US');
  await signIn(other, email, 'first password');

  await page.getByTestId('account-link').click();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await hydrated(page);
  const form = page.getByTestId('change-password-form');
  await form.getByLabel('Current password').fill('not it');
  await form.getByLabel('New password').fill('second password');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('alert')).toHaveText('The current password is wrong');

  await form.getByLabel('Current password').fill('first password');
  await form.getByLabel('New password').fill('second password');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('password-changed')).toBeVisible();

  // The other browser is signed out on its next page.
  await goto(other, '/');
  await expect(other.getByTestId('sign-in-form')).toBeVisible();
  await signIn(other, email, 'second password');

  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
  await laptop.close();
  await phone.close();
});

test("an organization shows times in its zone: the browser's at creation, then the one its admin picks; its admin renames it", async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  const errors: string[] = [];
  watchConsole(page, errors);
  const email = `${unique('tz')}@test.example`;
  await goto(page, '/sign-up');
  const signUp = page.getByTestId('sign-up-form');
  await signUp.getByLabel('Email').fill(email);
  await signUp.getByLabel('Display name').fill('Zone Tester');
  await signUp.getByLabel('Password').fill('a long enough password');
  await signUp.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('workbench')).toBeVisible();

  // The new organization's zone starts as the browser's.
  await page.getByRole('link', { name: 'Create organization' }).first().click();
  const form = page.getByTestId('create-org-form');
  await expect(form.getByTestId('time-zone')).toHaveValue('Asia/Tokyo');
  await form.locator('input[name=name]').fill('Tokyo Office');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('current-org')).toHaveText('Tokyo Office');

  // An app's "updated" time is shown in that zone, with its abbreviation.
  await page.locator('details.add summary').click();
  const create = page.getByTestId('create-app');
  await create.locator('input[name=name]').fill('Zoned app');
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('app-editor')).toContainText('JST');
  await goto(page, '/');
  await expect(page.locator('li[data-app="Zoned app"]')).toContainText('JST');

  // The admin moves the organization to Berlin: the same time now reads CET/CEST.
  await goto(page, '/members');
  const zoneForm = page.getByTestId('time-zone-form');
  await zoneForm.getByTestId('time-zone').fill('Europe/Berlin');
  // Saved before the next page is asked for (leaving at once could cancel it).
  // Clicked before the page's own code has loaded, the form posts without
  // JavaScript and is answered with a redirect back: both are a save.
  const saved = page.waitForResponse((r) => r.url().includes('/api/set_time_zone'));
  await zoneForm.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBeLessThan(400);
  await expect(zoneForm.getByTestId('time-zone')).toHaveValue('Europe/Berlin');
  await goto(page, '/');
  await expect(page.locator('li[data-app="Zoned app"]')).toContainText(/CES?T/);
  await expect(page.locator('li[data-app="Zoned app"]')).not.toContainText('JST');

  // The admin renames the organization: the header's switcher and the
  // page's title say so at once, and so does the Workbench.
  await goto(page, '/members');
  const nameForm = page.getByTestId('org-name-form');
  await expect(nameForm.locator('input[name=name]')).toHaveValue('Tokyo Office');
  await nameForm.locator('input[name=name]').fill('Berlin Office');
  await nameForm.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('org-switch')).toContainText('Berlin Office');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Berlin Office');
  await goto(page, '/');
  await expect(page.getByTestId('current-org')).toHaveText('Berlin Office');

  // A zone that does not exist is refused with a clear message.
  await goto(page, '/members');
  await zoneForm.getByTestId('time-zone').fill('Mars/Olympus');
  await zoneForm.getByRole('button', { name: 'Save' }).click();
  await expect(zoneForm).toContainText('Time zone: an IANA zone name');
  expect(errors).toEqual([]);
  await context.close();
});
