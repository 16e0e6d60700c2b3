// Scenario: a group admin imports an HR system's roster whose card-number and name columns have
// names no table knows: the same column-mapping step as the console's member import.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, admin } = config;

await scenario('group_roster_mapping', async (session) => {
  const page = await session.page();
  await page.goto(`${rootUrl}/`);
  await page.waitForURL(/\/login/);
  await signIn(page, admin);
  await page.waitForURL((url) => url.pathname === '/');
  await page.goto(`${rootUrl}/roster`);

  log('upload the HR export: the mapping step opens with the unrecognised columns');
  await page.locator('.el-upload input[type="file"]').first().setInputFiles(config.file);
  const step = page.locator('[data-test="column-mapping"]');
  await step.waitFor();
  const missing = await step.locator('[data-test="mapping-missing"]').innerText();
  expect(missing.includes('员工卡号') && missing.includes('姓名'), `missing fields are named: ${missing}`);
  for (const [column, field] of Object.entries(config.mapping)) {
    await step.locator(`[data-test="mapping-select-${column}"]`).click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: field }).first().click();
    // The closing dropdown fades out: the next select's options only once it is gone.
    await page.waitForFunction(
      () => ![...document.querySelectorAll('.el-select-dropdown')].some((e) => e.offsetParent !== null),
    );
  }
  await expectTranslated(page);
  await shot(page, '01-mapping-chosen');
  await step.locator('[data-test="mapping-submit"]').click();
  await page.locator('.el-message--success').waitFor();
  const ignored = await page.locator('[data-test="roster-ignored"]').innerText();
  expect(ignored.includes('籍贯'), `ignored columns are listed: ${ignored}`);
  await page
    .locator('[data-test="roster-table"] .el-table__row', {
      hasText: config.name,
    })
    .waitFor();
  await shot(page, '02-imported');

  log('checking the columns first: the remembered choices are proposed, nothing is missing');
  await page.locator('.el-upload input[type="file"]').nth(1).setInputFiles(config.file);
  await step.waitFor();
  const chosen = await step.locator('[data-test="mapping-select-人员号"]').innerText();
  expect(chosen.includes('员工卡号'), `the remembered field is proposed: ${chosen}`);
  await shot(page, '03-check-columns');
  await step.getByRole('button', { name: '取消' }).click();
  await step.waitFor({ state: 'detached' });
});
