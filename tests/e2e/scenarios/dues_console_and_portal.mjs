// Scenario: a tenant admin sets a member's dues base in the console (the CRUD kit's dialog refuses
// an empty form first), runs this month's assessment and sees the row; the member, on a phone,
// finds the month due in 我的党费, pays it online (sandbox) and sees it paid.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, portalUrl, admin, member, memberName, month } = config;

await scenario('dues_console_and_portal', async (session) => {
  const page = await session.page();

  log('the admin signs in and opens 党费基数');
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, admin);
  await page.waitForURL(`${consoleUrl}/workbench`);
  await page.goto(`${consoleUrl}/dues`);
  await page.locator('[data-test="dues-tabs"]').getByRole('tab', { name: '党费基数' }).click();

  log('an empty form is refused before anything is posted, naming every empty field');
  await page.locator('[data-test="base-create"]').click();
  const dialog = page.locator('[data-test="base-dialog"]');
  await dialog.getByRole('button', { name: '保存' }).click();
  for (const refusal of ['请选择党员', '请填写党费基数', '请选择生效日期']) await dialog.getByText(refusal).waitFor();
  await shot(page, 'base-refused');

  log('the base is set for the member');
  await dialog.locator('.pc-member-select').click();
  await page.keyboard.type(memberName);
  await page.locator('.el-select-dropdown__item', { hasText: memberName }).first().click();
  await dialog.getByPlaceholder('月工资收入等，元').fill('9000');
  const date = dialog.locator('.el-date-editor input');
  await date.fill(`${month}-01`);
  await date.press('Enter');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const baseRow = page.locator('.el-table__row', { hasText: memberName }).first();
  await baseRow.waitFor();
  expect((await baseRow.innerText()).includes('9000.00'), `the base row shows 9000.00: ${await baseRow.innerText()}`);
  await shot(page, 'base-saved');

  log("the admin runs this month's assessment");
  await page.locator('[data-test="dues-tabs"]').getByRole('tab', { name: '月度核定' }).click();
  await page.locator('[data-test="dues-run"]').click();
  await page.locator('[data-test="dues-run-result"]').waitFor();
  const assessed = page.locator('.el-table__row', { hasText: memberName }).first();
  await assessed.waitFor();
  await shot(page, 'assessed');
  await expectTranslated(page);

  log('the member pays the month on a phone');
  const phone = await session.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(`${portalUrl}/`);
  await signIn(phone, member);
  await phone.waitForURL(`${portalUrl}/`);
  await phone.goto(`${portalUrl}/dues`);
  // A 9,000 yuan base is in the 5,000–10,000 bracket: 1.5 % a month (DOMAIN_RULES §3).
  const row = phone.locator('[data-test="dues-row"]', { hasText: month }).filter({ hasText: '待缴' }).first();
  await row.waitFor();
  expect((await row.innerText()).includes('135.00'), `the month is due at 135.00: ${await row.innerText()}`);
  await row.click();
  await phone.locator('[data-test="dues-pay"]').getByRole('button', { name: '在线缴纳' }).click();
  await phone.locator('[data-test="dues-confirm"]').click();
  await phone.locator('[data-test="dues-row"]', { hasText: month }).filter({ hasText: '已缴' }).first().waitFor();
  await shot(phone, 'paid');
  await expectTranslated(phone);
});
