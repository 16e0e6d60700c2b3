// Scenario 1: a group admin signs in on the root host, approves a pending application,
// finds the new tenant in the list, and the new tenant's own host answers.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, admin, application, tenantUrl } = config;

await scenario('group', async (session) => {
  const page = await session.page();

  log('sign in on the root host');
  await page.goto(`${rootUrl}/tenants`);
  await page.waitForURL(/\/login\?redirect=/);
  await page.locator('[data-test="site-name"]').getByText(config.siteName).waitFor();
  await shot(page, '01-login');
  await signIn(page, admin);
  await page.waitForURL(`${rootUrl}/tenants`);
  await page.locator('[data-test="tenant-table"]').getByText('甲公司党委').waitFor();

  log('the dashboard shows the pending applications and the tenants');
  await page.locator('.el-menu').getByText('概览').click();
  await page.waitForURL(`${rootUrl}/`);
  const pending = page.locator('[data-test="card-pending"] .pc-card-value');
  await pending.waitFor();
  expect(Number(await pending.innerText()) >= 1, 'the pending card counts the application');
  await page.locator('[data-test="tenant-table"]').getByText('甲公司党委').waitFor();
  await expectTranslated(page);
  await shot(page, '02-dashboard');

  log('approve the application');
  await page.locator('[data-test="card-pending"]').getByRole('link').click();
  await page.waitForURL(`${rootUrl}/applications`);
  const row = page.locator('[data-test="application-table"] .el-table__row', { hasText: application.name });
  await row.waitFor();
  await expectTranslated(page);
  await shot(page, '03-applications');
  await row.locator('[data-test="approve"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '批准入驻申请' });
  await dialog.locator('[data-test="decision-note"]').fill('材料齐全，同意入驻。');
  await shot(page, '04-approve-dialog');
  await dialog.locator('[data-test="decision-confirm"]').click();
  await page.locator('.el-message--success', { hasText: application.name }).waitFor();
  await page.locator('[data-test="application-table"]').getByText('暂无待审批的申请').waitFor();

  log('the new tenant is in the list, active');
  await page.locator('.el-menu').getByText('二级单位党委').click();
  await page.locator('[data-test="tenant-search"]').fill(application.slug);
  await page.locator('[data-test="tenant-search"]').press('Enter');
  const rows = page.locator('[data-test="tenant-table"] .el-table__row');
  await rows.filter({ hasText: '甲公司党委' }).waitFor({ state: 'detached' }); // the search has answered
  await rows.filter({ hasText: application.name }).getByText('正常').waitFor();
  expect((await rows.count()) === 1, 'the search finds one row');
  await shot(page, '05-tenants');

  log('the provision form checks input, and puts a server refusal under its field');
  await page.getByRole('button', { name: '开通单位' }).click();
  await page.waitForURL(`${rootUrl}/tenants/new`);
  await page.locator('[data-test="provision-submit"]').click();
  await page.locator('.el-form-item__error', { hasText: '请输入党委名称' }).waitFor();
  await page.locator('input[name="name"]').fill('重复地址测试党委');
  await page.locator('input[name="short_name"]').fill('重复');
  await page.locator('input[name="slug"]').fill(config.takenSlug);
  await page.locator('input[name="unified_code"]').fill(config.freshUnifiedCode);
  await page.locator('[data-test="provision-submit"]').click();
  const slugItem = page.locator('.el-form-item', { has: page.locator('input[name="slug"]') });
  await slugItem.locator('.el-form-item__error', { hasText: '已' }).waitFor();
  await expectTranslated(page);
  await shot(page, '06-provision-slug-taken');

  log('the employee roster and the pocket members of all tenants');
  await page.locator('.el-menu').getByText('员工名册').click();
  await page.waitForURL(`${rootUrl}/roster`);
  await page.locator('[data-test="roster-upload"]').waitFor();
  await page.locator('[data-test="roster-table"]').waitFor();
  await expectTranslated(page);
  await shot(page, '06a-roster');
  await page.locator('.el-menu').getByText('口袋党员').click();
  await page.waitForURL(`${rootUrl}/pocket-members`);
  await page.locator('[data-test="pocket-detect"]').click();
  await page.locator('.el-message--success', { hasText: '检测完成' }).waitFor();
  await expectTranslated(page);
  await shot(page, '06b-pocket-members');

  log('the new tenant host answers with its member portal');
  const portal = await session.page();
  const response = await portal.goto(`${tenantUrl}/`);
  expect(response?.ok(), `the new tenant's host answers (${response?.status()})`);
  await portal.locator('[data-test="site-name"]').getByText(application.name).waitFor();
  await shot(portal, '07-new-tenant-portal');

  log('the applicant, without a group role, sees the application form and the decision');
  const applicantPage = await session.page();
  await applicantPage.goto(`${rootUrl}/`);
  await signIn(applicantPage, config.applicant);
  await applicantPage.waitForURL(`${rootUrl}/apply`);
  await applicantPage.locator('.el-timeline-item', { hasText: application.name }).getByText('已批准').waitFor();
  expect((await applicantPage.locator('.el-menu-item').count()) === 1, 'an applicant sees only the application page');
  await expectTranslated(applicantPage);
  await shot(applicantPage, '08-apply');
});
