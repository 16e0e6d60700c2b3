// Scenario 2: a tenant admin signs in on alpha's console and gives a user a role by phone;
// the roles table shows it, and the audit log records it.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, admin, grantee } = config;

await scenario('console', async (session) => {
  const page = await session.page();

  log('sign in on the console');
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await page.locator('[data-test="site-name"]').getByText(config.siteName).waitFor();
  await shot(page, '01-login');
  await signIn(page, admin);
  await page.waitForURL(`${consoleUrl}/workbench`);
  await page.locator('[data-test="workbench-figures"]').waitFor();
  await page.locator('.el-menu').getByText('单位设置').click();
  await page.waitForURL(`${consoleUrl}/settings`);
  await page.locator('[data-test="settings-save"]').waitFor();
  await expectTranslated(page);
  await shot(page, '02-settings');

  log('assign a role by phone');
  await page.locator('.el-menu').getByText('用户与角色').click();
  await page.waitForURL(`${consoleUrl}/roles`);
  await page.locator('[data-test="roles-table"] .el-table__row').first().waitFor();
  await page.locator('input[name="identifier"]').fill(grantee.phone);
  await page.locator('[data-test="role-select"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '党组织书记' }).click();
  await page.locator('[data-test="assign-submit"]').click();
  await page.locator('.el-message--success', { hasText: grantee.name }).waitFor();
  const row = page.locator('[data-test="roles-table"] .el-table__row', { hasText: grantee.name });
  await row.getByText('党组织书记').waitFor();
  const masked = await row.locator('td').nth(1).innerText();
  expect(masked.includes('*') && !masked.includes(grantee.phone), `the phone is masked in the table (${masked})`);
  await expectTranslated(page);
  await shot(page, '03-roles');

  log('assigning it again explains the conflict next to the form');
  await page.locator('input[name="identifier"]').fill(grantee.phone);
  await page.locator('[data-test="assign-submit"]').click();
  await page.locator('.el-form-item__error', { hasText: '已拥有此角色' }).waitFor();
  await shot(page, '04-roles-conflict');

  log('the audit log shows the change');
  await page.locator('.el-menu').getByText('审计日志').click();
  await page.waitForURL(`${consoleUrl}/audit`);
  await page.locator('[data-test="audit-table"] .el-table__row').first().waitFor();
  expect((await page.locator('[data-test="audit-table"] .el-table__row').count()) > 0, 'audit events are listed');
  await expectTranslated(page);
  await shot(page, '05-audit');

  log('the console speaks English too');
  await page.getByRole('button', { name: '语言' }).click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: 'English' }).click();
  await page.locator('.el-menu').getByText('Audit log').waitFor();
  await page.locator('[data-test="audit-table"]').getByText('Create').first().waitFor();
  await expectTranslated(page);
  await shot(page, '06-audit-english');
  await page.getByRole('button', { name: 'Language' }).click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '简体中文' }).click();

  log('the member module is live: an empty member list says how to start');
  await page.locator('.el-menu').getByText('党员管理').click();
  await page.waitForURL(`${consoleUrl}/members`);
  await page.getByText('还没有党员，可新增或批量导入').waitFor();
  await expectTranslated(page);
  await shot(page, '07-members-empty');
});
