// Scenario: a group admin signs in on the root host and reads the dashboard (KPI cards that open
// their detail, the freshness line, the per-tenant table with grouped columns that fits a 1366 px
// screen and a tenant's subtree, trends with months without data as a gap, compliance, thresholds,
// the data checks),
// drills down into a tenant → a branch → its members (audited, masked phones), exports Excel
// (the download arrives and is an xlsx), and opens the annual statistics report.
import { join } from 'node:path';

import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, admin, tenant, tenantId, child, branch, branchMembers } = config;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Click `button`, and return the Excel download it starts, saved as test-artifacts/e2e/group_dashboard-<name>.xlsx. */
async function exportExcel(page, button, name) {
  const [download, response] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForResponse((answer) => answer.url().includes('format=xlsx')),
    button.click(),
  ]);
  expect(response.ok(), `the export answers ${response.status()}`);
  const type = response.headers()['content-type'] ?? '';
  expect(type.startsWith(XLSX), `the export is an xlsx (content-type ${type})`);
  expect(
    download.suggestedFilename().endsWith('.xlsx'),
    `the file name ends in .xlsx: ${download.suggestedFilename()}`,
  );
  const file = join(config.artifacts, `group_dashboard-${name}.xlsx`);
  await download.saveAs(file);
  log(`downloaded ${download.suggestedFilename()} → ${file}`);
  return file;
}

await scenario('group_dashboard', async (session) => {
  const page = await session.page({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });

  log('sign in on the root host: the dashboard is the home page');
  await page.goto(`${rootUrl}/`);
  await page.waitForURL(/\/login/);
  await signIn(page, admin);
  await page.waitForURL((url) => url.pathname === '/');

  log('the KPI cards, the freshness line and the per-tenant table');
  const members = page.locator('[data-test="kpi-members"] [data-test="kpi-value"]');
  await members.waitFor();
  expect(Number((await members.innerText()).replace(/,/g, '')) >= 6, 'the members card counts our members');
  await page
    .locator('[data-test="freshness"]', {
      hasText: /数据更新于 \d+ (秒|分钟)前/,
    })
    .waitFor();
  const table = page.locator('[data-test="tenant-table"]');
  const row = table.locator('.el-table__body-wrapper .el-table__row', {
    hasText: tenant,
  });
  await row.waitFor();
  await table.locator('.el-table__body-wrapper .el-table__row', { hasText: child }).getByText('上级：').waitFor();
  for (const card of ['organizations', 'pipeline', 'transfers', 'pockets', 'dues', 'learning', 'reelections']) {
    await page.locator(`[data-test="kpi-${card}"]`).waitFor();
  }
  await expectTranslated(page);
  await shot(page, '01-dashboard');

  log('the per-unit table on a 1366 × 768 screen: grouped columns, all in view without scrolling sideways');
  await page.setViewportSize({ width: 1366, height: 768 });
  await table.locator('th', { hasText: '党费（元）' }).first().waitFor();
  await page.waitForTimeout(300); // el-table lays its columns out again after a resize
  const overflow = await table
    .locator('.el-table__body-wrapper .el-scrollbar__wrap')
    .first()
    .evaluate((element) => element.scrollWidth - element.clientWidth);
  expect(overflow <= 1, `the table fits 1366 px (${overflow} px hidden sideways)`);
  await table.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await shot(page, '01b-table-1366');
  await page.setViewportSize({ width: 1440, height: 900 });

  log('sort by members and open the tenant’s subtree figures');
  await table.locator('th [data-column="members"]').first().click();
  await row.locator('.el-table__expand-icon').click();
  await page.locator('[data-test="tenant-subtree"]', { hasText: '含下级单位合计' }).waitFor();
  await shot(page, '02-subtree');

  log('export the per-tenant table');
  await exportExcel(page, page.locator('[data-test="tenants-export"]'), 'tenants');

  log('the members card opens the members trend; months before the first figures are a gap, 无数据');
  await page.locator('[data-test="kpi-members"]').click();
  await page.waitForURL((url) => url.searchParams.get('tab') === 'trends');
  await page
    .locator('[data-test="trend-members"].pc-focus [data-test="trend-gap-note"]', { hasText: '无数据' })
    .waitFor();
  await page.locator('[data-test="trend-members"] [data-test="trend-chart"] canvas').waitFor();
  await page.locator('[data-test="trend-study"] [data-test="trend-chart"] canvas').waitFor();
  await page.waitForTimeout(800); // the charts' entry animation
  await expectTranslated(page);
  await shot(page, '03-trends');
  await page.locator('.el-tabs__item', { hasText: '合规检查' }).click();
  await page
    .locator('[data-test="compliance-table"] .el-table__row', {
      hasText: tenant,
    })
    .waitFor();
  await shot(page, '04-compliance');
  await page.locator('.el-tabs__item', { hasText: '数据核对' }).click();
  await page.locator('[data-test="drift-explain"]', { hasText: '原始记录' }).waitFor();
  await page.locator('[data-test="thresholds-open"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '预警阈值' });
  await dialog.locator('[data-test="thresholds-table"]').waitFor();
  await dialog.locator('[data-test="threshold-save"]').first().waitFor(); // an admin may edit
  await shot(page, '05-thresholds');
  await dialog.locator('.el-dialog__headerbtn').click();
  await dialog.waitFor({ state: 'hidden' });

  log('drill down: the tenant → its organizations');
  await page.locator('.el-tabs__item', { hasText: '各单位情况' }).click();
  await row.locator('[data-test="tenant-open"]').click();
  await page.waitForURL((url) => url.pathname === `/dashboard/tenants/${tenantId}`);
  const organizations = page.locator('[data-test="organization-table"]');
  await organizations.locator('.el-table__row', { hasText: branch }).first().waitFor();
  await page.locator('[data-test="drill-breadcrumb"]', { hasText: tenant }).waitFor();
  await expectTranslated(page);
  await shot(page, '06-organizations');
  await exportExcel(page, page.locator('[data-test="organizations-export"]'), 'organizations');

  log('→ a branch → its members (masked phones, audited)');
  await organizations.locator('[data-test="organization-open"]', { hasText: branch }).first().click();
  await page.waitForURL(/\/dashboard\/tenants\/\d+\/organizations\/\d+/);
  const memberTable = page.locator('[data-test="member-table"]');
  for (const name of branchMembers) await memberTable.getByText(name).waitFor();
  expect(
    (await memberTable.locator('.el-table__body-wrapper .el-table__row').count()) === branchMembers.length,
    'only the branch’s members are listed',
  );
  expect((await memberTable.innerText()).includes('****'), 'phones are masked');
  await page.locator('[data-test="audit-note"]', { hasText: '查看记录将记入审计日志' }).waitFor();
  await expectTranslated(page);
  await shot(page, '07-members');
  await exportExcel(page, page.locator('[data-test="members-export"]'), 'members');

  log('breadcrumbs lead back');
  await page.locator('[data-test="drill-breadcrumb"]').getByText(tenant).click();
  await page.waitForURL((url) => url.pathname === `/dashboard/tenants/${tenantId}`);
  await page.locator('[data-test="drill-breadcrumb"]').getByText('数据总览').click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('[data-test="tenant-table"]').waitFor();

  log('the annual statistics report');
  await page.locator('.el-menu').getByText('统计年报').click();
  await page.waitForURL(`${rootUrl}/annual-report`);
  await page.locator('[data-test="annual-checks"]').waitFor();
  await page.locator('[data-test="annual-table-members"]').waitFor();
  await expectTranslated(page);
  await shot(page, '08-annual-report');
  await exportExcel(page, page.locator('[data-test="annual-download"]'), 'annual-report');
});
