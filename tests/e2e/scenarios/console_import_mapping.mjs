// Scenario: a tenant admin uploads another system's member sheet whose required columns are not
// recognised; the console shows the column-mapping step (each column → a field or 忽略, a preview
// of the first rows), the admin maps them and imports; the next upload of that system's sheet goes
// straight in with the remembered mapping, and the ignored columns are listed with the result.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, admin } = config;

async function upload(page, file) {
  await page.locator('[data-test="import-upload"] input[type="file"]').setInputFiles(file);
  await page.locator('[data-test="import-file"]').waitFor();
  await page.locator('[data-test="import-start"]').click();
}

await scenario('console_import_mapping', async (session) => {
  const page = await session.page();
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, admin);
  await page.locator('.el-menu').getByText('党员导入').click();
  await page.waitForURL(`${consoleUrl}/members/import`);

  log('upload a sheet whose required columns have names no table knows: the mapping step opens');
  await upload(page, config.firstFile);
  const step = page.locator('[data-test="column-mapping"]');
  await step.waitFor();
  const missing = await step.locator('[data-test="mapping-missing"]').innerText();
  expect(missing.includes('姓名') && missing.includes('身份证号'), `missing fields are named: ${missing}`);
  expect(await step.locator('[data-test="mapping-submit"]').isDisabled(), 'import waits for the required fields');
  const preview = await step.locator('[data-test="mapping-preview"]').innerText();
  expect(preview.includes(config.firstName), `the preview shows the first rows: ${preview}`);
  await expectTranslated(page);
  await shot(page, '01-mapping-proposed');

  for (const [column, field] of Object.entries(config.mapping)) {
    await step.locator(`[data-test="mapping-select-${column}"]`).click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: field }).first().click();
    // The closing dropdown fades out: the next select's options only once it is gone.
    await page.waitForFunction(
      () => ![...document.querySelectorAll('.el-select-dropdown')].some((e) => e.offsetParent !== null),
    );
  }
  await step.locator('[data-test="mapping-missing"]').waitFor({ state: 'detached' });
  await shot(page, '02-mapping-chosen');
  await step.locator('[data-test="mapping-submit"]').click();
  await page.locator('[data-test="import-succeeded"]').waitFor();
  const notes = await page.locator('[data-test="import-notes"]').innerText();
  expect(notes.includes('已忽略的列') && notes.includes('籍贯'), `ignored columns are listed: ${notes}`);
  await shot(page, '03-mapped-import-succeeded');

  log('the next export of the same system needs no mapping: the choice was remembered');
  await page.locator('[data-test="import-upload"] input[type="file"]').setInputFiles(config.secondFile);
  await page.locator('[data-test="import-file"]', { hasText: '导出2.xlsx' }).waitFor();
  log('the admin may still check the columns first: the remembered choices are proposed');
  await page.locator('[data-test="import-check-columns"]').click();
  await step.waitFor();
  const chosen = await step.locator('[data-test="mapping-select-人员"]').innerText();
  expect(chosen.includes('姓名'), `the remembered field is proposed: ${chosen}`);
  expect(!(await step.locator('[data-test="mapping-missing"]').isVisible()), 'nothing is missing');
  await shot(page, '04-check-columns');
  await step.getByRole('button', { name: '取消' }).click();
  await step.waitFor({ state: 'detached' });
  await page.locator('[data-test="import-start"]').click();
  await page
    .locator('[data-test="import-job"]', { hasText: '导出2.xlsx' })
    .locator('[data-test="import-succeeded"]')
    .waitFor();
  expect(!(await step.isVisible()), 'no mapping step the second time');
  await shot(page, '05-remembered-import-succeeded');
});
