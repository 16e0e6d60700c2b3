// Scenario 4: a tenant admin builds the organization tree (committee → two branches), imports
// a member spreadsheet with mistakes (sees them, downloads the report), imports the corrected
// file, and transfers one member to another party committee, whose admin accepts it into a branch.
import { join } from 'node:path';

import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, receiverConsoleUrl, admin, receiverAdmin } = config;

async function signInAt(page, url, person) {
  await page.goto(`${url}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, person);
  await page.waitForURL(`${url}/workbench`);
}

async function choose(page, trigger, text) {
  await trigger.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/** YYYY-MM-DD of today shifted by years and days (Asia/Shanghai is the page's zone too). */
function isoDate(years, days) {
  const date = new Date();
  date.setFullYear(date.getFullYear() + years);
  date.setDate(date.getDate() + days);
  return date.toISOString().slice(0, 10);
}

async function createOrganization(page, { parentRow, kind, name, termStartedOn }) {
  if (parentRow) await parentRow.locator('[data-test="org-add-child"]').click();
  else await page.locator('[data-test="org-create"]').click();
  const dialog = page.locator('[data-test="org-dialog"]');
  await dialog.locator('input[name="org-name"]').waitFor();
  if (kind) await choose(page, dialog.locator('[data-test="org-kind"]'), kind);
  await dialog.locator('input[name="org-name"]').fill(name);
  // 成立日期 is required for a new organization.
  const established = dialog.locator('.el-date-editor input').nth(0);
  await established.fill(isoDate(-10, 0));
  await established.press('Enter');
  if (termStartedOn) {
    const input = dialog.locator('.el-date-editor input').nth(1);
    await input.fill(termStartedOn);
    await input.press('Enter');
  }
  await dialog.locator('[data-test="org-save"]').click();
  await page.locator('.el-message--success', { hasText: name }).waitFor();
  await page.locator('[data-test="org-tree"] .el-table__row', { hasText: name }).waitFor();
}

async function upload(page, file) {
  await page.locator('[data-test="import-upload"] input[type="file"]').setInputFiles(file);
  await page.locator('[data-test="import-file"]').waitFor();
  await page.locator('[data-test="import-start"]').click();
}

await scenario('console_member_records', async (session) => {
  const page = await session.page();

  log('sign in and build the tree: the committee, then two branches');
  await signInAt(page, consoleUrl, admin);
  await page.locator('.el-menu').getByText('党组织管理').click();
  await page.waitForURL(`${consoleUrl}/organizations`);
  await page.getByText('还没有党组织，请先新建本单位党委').waitFor();
  await shot(page, '01-organizations-empty');
  await createOrganization(page, { name: config.rootName });
  const root = page.locator('[data-test="org-tree"] .el-table__row', { hasText: config.rootName });
  // The first branch's term ends within 90 days: it is flagged for re-election.
  await createOrganization(page, {
    parentRow: root,
    kind: '党支部',
    name: config.branches[0],
    termStartedOn: isoDate(-5, 30),
  });
  await createOrganization(page, { parentRow: root, kind: '党支部', name: config.branches[1] });
  await page.locator('[data-test="re-election-due"]').first().waitFor();
  expect((await page.locator('[data-test="org-tree"] .el-table__row').count()) === 3, 'three organizations');
  await expectTranslated(page);
  await shot(page, '02-organizations-tree');

  log('import a spreadsheet with mistakes: nothing is imported, the errors are listed');
  await page.locator('.el-menu').getByText('党员导入').click();
  await page.waitForURL(`${consoleUrl}/members/import`);
  const templateDownload = page.waitForEvent('download');
  await page.locator('[data-test="import-template"]').click();
  const template = await templateDownload;
  expect(template.suggestedFilename().endsWith('.xlsx'), `template is a workbook (${template.suggestedFilename()})`);
  await upload(page, config.badFile);
  await page.locator('[data-test="import-failed"]').waitFor();
  const errorRows = page.locator('[data-test="import-errors"] .el-table__body tr');
  await errorRows.first().waitFor();
  const listed = await errorRows.allInnerTexts();
  for (const row of config.badRows) {
    expect(
      listed.some((text) => text.startsWith(`${row}\t`) || text.startsWith(`${row}\n`)),
      `row ${row} is listed: ${listed.join(' | ')}`,
    );
  }
  expect(
    listed.some((text) => text.includes('2019.13.01')),
    'the impossible date is quoted',
  );
  await expectTranslated(page);
  await shot(page, '03-import-errors');
  const reportDownload = page.waitForEvent('download');
  await page.locator('[data-test="import-report"]').click();
  const report = await reportDownload;
  expect(report.suggestedFilename().endsWith('.xlsx'), `report is a workbook (${report.suggestedFilename()})`);
  await report.saveAs(join(config.artifacts, 'console_member_records-error-report.xlsx'));

  log('import the corrected file');
  await upload(page, config.goodFile);
  await page.locator('[data-test="import-succeeded"]').waitFor();
  await page.locator('[data-test="imports-table"] .el-table__row').nth(1).waitFor();
  await shot(page, '04-import-succeeded');
  await page.locator('[data-test="import-succeeded"] a').click();
  await page.waitForURL(`${consoleUrl}/members`);
  await page.locator('[data-test="members-table"] .el-table__row').first().waitFor();
  await page.locator('.el-pagination__total', { hasText: String(config.memberCount) }).waitFor();
  await expectTranslated(page);
  await shot(page, '05-members');

  log('the detail drawer shows the full ID-card number on request');
  // 2,000 members span 100 pages: find the one by name, as a secretary would.
  await page.getByPlaceholder('姓名、手机号或员工卡号').fill(config.transferred);
  await page.getByRole('button', { name: '搜索' }).click();
  await page.locator('.el-pagination__total', { hasText: String(config.memberCount) }).waitFor({ state: 'detached' });
  const row = page.locator('[data-test="members-table"] .el-table__row', { hasText: config.transferred });
  await row.getByRole('button', { name: config.transferred, exact: true }).click();
  const drawer = page.locator('[data-test="member-drawer"]');
  const masked = await drawer.locator('[data-test="id-card"]').innerText();
  expect(masked.includes('*'), `masked at first (${masked})`);
  await drawer.getByRole('button', { name: '显示身份证号' }).click();
  await page.locator('.el-message-box').getByText('审计日志').waitFor();
  await page.locator('.el-message-box .el-button--primary').click();
  await page.waitForFunction(() =>
    /^\d{17}[\dX]$/.test(document.querySelector('[data-test="id-card"]')?.textContent?.trim() ?? ''),
  );
  await shot(page, '06-member-drawer');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  log('transfer one member to the other party committee');
  await row.locator('[data-test="member-transfer"]').click();
  const dialog = page.locator('[data-test="transfer-dialog"]');
  await dialog.getByText('其他二级单位党委').click();
  await choose(page, dialog.locator('[data-test="transfer-tenant"]'), config.receiverName);
  await dialog.locator('textarea[name="transfer-reason"]').fill('工作调动');
  await shot(page, '07-transfer-dialog');
  await dialog.locator('[data-test="transfer-submit"]').click();
  await page.locator('.el-message--success', { hasText: config.transferred }).waitFor();
  await page.locator('.el-menu').getByText('组织关系转接').click();
  await page.waitForURL(`${consoleUrl}/transfers`);
  const outgoing = page.locator('[data-test="transfers-table"] .el-table__row', { hasText: config.transferred });
  await outgoing.getByText('待接收').waitFor();
  await expectTranslated(page);
  await shot(page, '08-transfers-outgoing');

  log('the receiving admin accepts it into a branch');
  const other = await session.page();
  await signInAt(other, receiverConsoleUrl, receiverAdmin);
  await other.locator('.el-menu').getByText('组织关系转接').click();
  await other.waitForURL(`${receiverConsoleUrl}/transfers`);
  await other.locator('[data-test="transfer-tabs"]').getByText('转入').click();
  const incoming = other.locator('[data-test="transfers-table"] .el-table__row', { hasText: config.transferred });
  await incoming.locator('[data-test="transfer-accept"]').click();
  const decision = other.locator('[data-test="transfer-decision"]');
  log('accepting without choosing a branch is refused next to the field');
  await decision.locator('[data-test="decision-submit"]').click();
  await decision.locator('.el-form-item__error').first().waitFor();
  await choose(other, decision.locator('.el-select'), config.receiverBranch);
  await decision.locator('textarea[name="decision-note"]').fill('同意接收');
  await shot(other, '09-accept-dialog');
  await decision.locator('[data-test="decision-submit"]').click();
  await other.locator('.el-message--success').waitFor();
  await incoming.getByText('已接收').waitFor();
  await expectTranslated(other);
  await shot(other, '10-transfers-accepted');
  await other.locator('.el-menu').getByText('党员管理').click();
  await other
    .locator('[data-test="members-table"] .el-table__row', { hasText: config.transferred })
    .getByText(config.receiverBranch)
    .waitFor();
  await shot(other, '11-receiver-members');
});
