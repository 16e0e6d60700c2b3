// Scenario: a group admin reads the audit log on the root host as a party worker would: who
// (name and role), what (查看身份证号), which object (the member's name), from where (the IP);
// narrows it to one party committee and one operator, exports it to Excel (the download is an
// xlsx, and the export itself appears in the log), and reads the same rows in English.
import { join } from 'node:path';

import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, admin, tenant, operator, memberName } = config;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Click 搜索 and wait until the table shows the answer to that search (not the previous list). */
async function search(page) {
  await Promise.all([
    page.waitForResponse((answer) => /\/api\/v1\/audit-events\?.*operator=/.test(answer.url())),
    page.locator('[data-test="audit-search"]').click(),
  ]);
  // Element Plus may stack more than one loading mask on the table: wait until none shows.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-test="audit-table"] .el-loading-mask')].every(
      (mask) => mask.offsetParent === null,
    ),
  );
}

await scenario('group_audit_log', async (session) => {
  const page = await session.page({ viewport: { width: 1366, height: 860 }, acceptDownloads: true });

  log('sign in on the root host and open 审计日志 from the menu');
  await page.goto(`${rootUrl}/`);
  await page.waitForURL(/\/login/);
  await signIn(page, admin);
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('.el-menu').getByText('审计日志').click();
  await page.waitForURL(`${rootUrl}/audit`);
  const table = page.locator('[data-test="audit-table"]');
  await table.locator('.el-table__row').first().waitFor();

  log('narrow to the party committee and the operator');
  await page.locator('[data-test="audit-tenant"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: tenant }).click();
  await page.locator('input[data-test="audit-operator"]').fill(operator);
  await search(page);
  const reveal = table.locator('.el-table__row', { hasText: '查看身份证号' });
  await reveal.first().waitFor();
  const text = await reveal.first().innerText();
  expect(text.includes(`${operator}（单位管理员）`), `the operator shows with their role: ${text}`);
  expect(text.includes(memberName), `the object is the member's name: ${text}`);
  expect(text.includes(tenant), `the party committee is named: ${text}`);
  expect(/\d+\.\d+\.\d+\.\d+/.test(text), `the row has the caller's IP address: ${text}`);
  const rows = await table.locator('.el-table__row').allInnerTexts();
  expect(
    rows.every((row) => row.includes(operator)),
    `every row is the operator's: ${rows.join(' | ')}`,
  );
  await expectTranslated(page);
  await shot(page, '01-audit-filtered');

  log('export the filtered log to Excel');
  const [download, response] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForResponse((answer) => answer.url().includes('/api/v1/audit-events/export')),
    page.locator('[data-test="audit-export"]').click(),
  ]);
  expect(response.ok(), `the export answers ${response.status()}`);
  const type = response.headers()['content-type'] ?? '';
  expect(type.startsWith(XLSX), `the export is an xlsx (content-type ${type})`);
  const file = join(config.artifacts, 'group_audit_log.xlsx');
  await download.saveAs(file);
  log(`downloaded ${download.suggestedFilename()} → ${file}`);

  log('the export is itself in the log (at the group root), with its filters');
  await page.getByRole('button', { name: '重置', exact: true }).click();
  await page.locator('input[data-test="audit-operator"]').fill(admin.name);
  await search(page);
  const exported = table.locator('.el-table__row', { hasText: '导出审计日志' }).first();
  await exported.waitFor();
  const exportedText = await exported.innerText();
  expect(exportedText.includes(`筛选：${tenant}`), `the export names its filter: ${exportedText}`);
  await shot(page, '02-audit-export-recorded');

  log('the same log in English');
  await page.getByRole('button', { name: '语言' }).click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: 'English' }).click();
  await page.locator('.el-menu').getByText('Audit log').waitFor();
  await search(page);
  await table.getByText('Exported the audit log').first().waitFor();
  await expectTranslated(page);
  await shot(page, '03-audit-english');
  await page.getByRole('button', { name: 'Language' }).click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '简体中文' }).click();
});
