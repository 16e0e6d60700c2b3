// Scenario 5: a tenant admin records an application and walks the development case through
// all 25 steps (dates in the past, the plan of tests/test_development.py::walk_to). On the way
// the engine blocks attempts with the rule and by how much (the activist year, 83 days short; a
// branch meeting without quorum; a typed number entitled that differs from the records without a
// reason; the confirmation meeting before probation has ended); the valid ones are recorded, the
// number entitled to vote taken from the records (the branch's two full members). A quarterly
// discussion in probation is recorded and the undiscussed quarters are listed. At the end the
// case is 正式党员 and so is the new member in 党员管理.
import { config, expect, expectTranslated, log, scenario, shot as fullShot, signInToConsole } from './lib.mjs';

/**
 * Full-page screenshot from the top (scrolled, the fixed header would be drawn mid-page),
 * without the stack of "已记录第 n 步" toasts over the case's head.
 */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const hidden = await page.addStyleTag({ content: '.el-message { visibility: hidden !important; }' });
  await fullShot(page, name);
  await hidden.evaluate((style) => style.remove());
}

const { consoleUrl, admin, branch, introducers, applicant } = config;
const VOTE = { present: 2, yes: 2 }; // the branch's two full members are entitled (from the records)
const PLAN = {
  2: ['2022-01-25'],
  3: ['2022-03-01'],
  4: ['2022-03-10'],
  5: ['2022-03-15', { contacts: ['李四', '王五'] }],
  6: ['2022-09-01'],
  7: ['2023-03-15'],
  8: ['2023-03-20'],
  9: ['2023-04-01', { introducers }],
  10: ['2023-05-01'],
  11: ['2023-06-01', { days: 3, hours: 24 }],
  12: ['2024-01-10'],
  13: ['2024-02-01'],
  14: ['2024-03-01'],
  15: ['2024-04-01', VOTE],
  16: ['2024-04-20'],
  17: ['2024-05-15'],
  18: ['2024-05-20'],
  19: ['2024-05-25'],
  20: ['2024-06-01'],
  21: ['2024-12-01'],
  22: ['2025-02-01'],
  23: ['2025-04-02', VOTE],
  24: ['2025-05-10'],
  25: ['2025-05-20'],
};

async function choose(page, trigger, text) {
  await trigger.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

async function pickDate(scope, value) {
  const input = scope.locator('.el-date-editor input').first();
  await input.fill(value);
  await input.press('Enter');
}

async function number(form, name, value) {
  const input = form.locator(`[data-test="step-${name}"] input`);
  await input.fill(String(value));
  await input.press('Tab');
}

/** Fill the step form of `step` and submit; resolves to the blocked message or null. */
async function submitStep(page, step, date, details = {}) {
  const item = page.locator(`.pc-step[data-step="${step}"]`);
  const form = item.locator('[data-test="step-form"]');
  if (!(await form.isVisible())) await item.locator('[data-test="step-choose"]').click();
  await form.waitFor();
  await pickDate(form, date);
  if (details.contacts) {
    await form.locator('input[name="step-contact-1"]').fill(details.contacts[0]);
    await form.locator('input[name="step-contact-2"]').fill(details.contacts[1]);
  }
  for (const name of details.introducers ?? []) {
    const select = form.locator('[data-test="step-introducers"]');
    await select.click();
    await select.locator('input').fill(name.slice(0, 1));
    await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
    await page.keyboard.press('Escape');
  }
  if (details.entitled !== undefined) {
    await form
      .locator('[data-test="voting-roll"]')
      .getByText(/有表决权 \d+ 人/)
      .waitFor();
    await form.locator('[data-test="step-entitled-differs"]').click();
  }
  for (const key of ['days', 'hours', 'entitled', 'present', 'yes']) {
    if (details[key] !== undefined) await number(form, key, details[key]);
  }
  if (details.entitled_reason) await form.locator('input[name="step-entitled-reason"]').fill(details.entitled_reason);
  await form.locator('[data-test="step-submit"]').click();
  const recorded = page.locator('.el-message--success', { hasText: `已记录第 ${step} 步` });
  const blocked = form.locator('[data-test="step-blocked"]');
  await Promise.race([recorded.waitFor(), blocked.waitFor()]);
  if (await blocked.isVisible()) return (await blocked.innerText()).trim();
  // The page reloads the case: the step shows as done with its date.
  await page.locator(`.pc-step[data-step="${step}"] .pc-step-date`, { hasText: date }).first().waitFor();
  return null;
}

async function record(page, step) {
  const [date, details] = PLAN[step];
  const blocked = await submitStep(page, step, date, details);
  expect(blocked === null, `step ${step} on ${date} was blocked: ${blocked}`);
}

await scenario('console_development_case', async (session) => {
  const page = await session.page({ viewport: { width: 1366, height: 900 } });

  log('sign in and open 发展党员');
  await signInToConsole(page, consoleUrl, admin);
  await page.locator('.el-menu').getByText('发展党员').click();
  await page.waitForURL(`${consoleUrl}/development`);
  await page.locator('[data-test="cases-table"] .el-empty').waitFor();
  await expectTranslated(page);
  await shot(page, '01-empty-list');

  log('step 1: the application, 2022-01-10');
  await page.locator('[data-test="case-create"]').click();
  const dialog = page.locator('[data-test="case-dialog"]');
  await dialog.locator('input[name="case-name"]').fill(applicant.name);
  await dialog.locator('input[name="case-id-card"]').fill(applicant.idCard);
  await choose(page, dialog.locator('[data-test="case-organization"]'), branch);
  await pickDate(dialog, '2022-01-10');
  // No gender is preselected: saving without one asks for it.
  await dialog.locator('[data-test="case-save"]').click();
  await dialog.locator('.el-form-item__error', { hasText: '请选择性别' }).waitFor();
  await dialog.locator('[data-test="case-gender"]').getByText('女', { exact: true }).click();
  await shot(page, '02-application');
  await dialog.locator('[data-test="case-save"]').click();
  await page.waitForURL(/\/console\/development\/\d+$/);
  await page.locator('.pc-step[data-step="1"] .pc-step-date', { hasText: '2022-01-10' }).waitFor();
  await expectTranslated(page);
  await shot(page, '03-case-after-application');

  log('the application form is attached as evidence of step 1');
  await page.locator('.pc-step[data-step="1"] .el-upload input[type=file]').setInputFiles(config.evidenceFile);
  await page.locator('.pc-step[data-step="1"]').getByRole('button', { name: '下载材料' }).waitFor();

  for (let step = 2; step <= 6; step += 1) await record(page, step);

  log('step 7 too early: the activist year is 83 days short');
  const early = await submitStep(page, 7, '2022-12-08');
  expect(early?.includes('还差 83 天'), `expected "还差 83 天", got: ${early}`);
  await shot(page, '04-blocked-activist-period');
  for (let step = 7; step <= 14; step += 1) await record(page, step);

  log('step 15 without quorum: 1 of the 2 members with voting rights present');
  const noQuorum = await submitStep(page, 15, '2024-04-01', { present: 1, yes: 1 });
  expect(noQuorum?.includes('未达到法定人数'), `expected 未达到法定人数, got: ${noQuorum}`);
  const roll = await page.locator('[data-test="voting-roll"]').innerText();
  expect(roll.includes('有表决权 2 人'), `voting roll: ${roll}`);
  await shot(page, '05-blocked-no-quorum');

  log('step 15 with a typed 20 entitled and no reason: refused with the records figure');
  const typed = await submitStep(page, 15, '2024-04-01', { entitled: 20, present: 15, yes: 14 });
  expect(typed?.includes('2 人'), `expected the records' 2, got: ${typed}`);
  await shot(page, '05b-blocked-typed-entitled');
  await page.locator('[data-test="step-entitled-differs"]').click(); // back to the records' figure
  for (let step = 15; step <= 20; step += 1) await record(page, step);

  log('a quarterly discussion in probation; the quarters without one are listed');
  const quarters = page.locator('[data-test="probation-quarters"]');
  await pickDate(quarters, '2024-08-20');
  await quarters.locator('input[name="discussion-notes"]').fill('支部大会听取思想汇报');
  await quarters.locator('[data-test="discussion-submit"]').click();
  await quarters.locator('[data-test="quarter-status"]', { hasText: '已讨论' }).waitFor();
  const missing = await quarters.locator('[data-test="quarters-missing"]').innerText();
  expect(missing.includes('第 1、3、4 季度未讨论'), `missing quarters: ${missing}`);
  await shot(page, '05c-probation-quarters');
  for (let step = 21; step <= 22; step += 1) await record(page, step);

  log('step 23 a week before probation ends: refused (Party Constitution Art. 7)');
  const early23 = await submitStep(page, 23, '2025-03-25', {});
  expect(early23?.includes('党章第七条'), `expected 党章第七条, got: ${early23}`);
  for (let step = 23; step <= 25; step += 1) await record(page, step);

  log('the case is 正式党员');
  await page.locator('[data-test="case-stage"]', { hasText: '正式党员' }).waitFor();
  const done = await page.locator('.pc-step[data-state="done"]').count();
  expect(done === 25, `expected 25 done steps, got ${done}`);
  await shot(page, '06-case-full-member');

  log('党员管理 lists the new member as 正式党员');
  await page.locator('.el-menu').getByText('党员管理').click();
  await page.waitForURL(`${consoleUrl}/members`);
  await page.getByPlaceholder(/姓名/).first().fill(applicant.name);
  await page.getByPlaceholder(/姓名/).first().press('Enter');
  const row = page.locator('[data-test="members-table"] .el-table__row', { hasText: applicant.name });
  await row.waitFor();
  expect((await row.innerText()).includes('正式党员'), `member row: ${await row.innerText()}`);
  await shot(page, '07-members-full');
});
