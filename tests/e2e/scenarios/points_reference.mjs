// Scenario: points are reference only. A member on a phone opens 我的积分 from the portal home and
// sees the 仅供参考 label with its explanation, this month's and this year's totals, the bars by
// month, the kinds (today's article reads beyond the cap marked 已达当日上限) and the ledger. The
// tenant admin opens 积分 in the console: the branch index has no rank column; a member's ledger
// opens; the rules and the anomalies (a colleague who looks scripted) are explained; the admin
// turns rankings on (the note on the 2025–2026 rules beside the switch) and the branch index shows
// ranks.
import { config, expect, expectTranslated, log, scenario, shot, signIn, signInToConsole } from './lib.mjs';

const { consoleUrl, portalUrl, admin, member, memberName, colleagueName, firstBranch, secondBranch } = config;

/** expectTranslated's list predates points: look for this module's keys too. */
async function expectPointsTranslated(page) {
  await expectTranslated(page);
  const keys = (await page.locator('body').innerText()).match(/\bpoints\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

await scenario('points_reference', async (session) => {
  log('the member opens 我的积分 on a phone');
  const phone = await session.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(`${portalUrl}/`);
  await signIn(phone, member, { tap: true });
  await phone.waitForURL(`${portalUrl}/`);
  await phone.locator('[data-test="home-points"]').getByText('仅供参考').waitFor();
  await shot(phone, '01-home');
  await phone.locator('[data-test="home-points"]').tap();
  await phone.waitForURL(`${portalUrl}/points`);

  const reference = phone.locator('[data-test="points-reference"]');
  await reference.getByText('仅供参考', { exact: true }).waitFor();
  await reference.getByText('点赞、转发和学习时长不作为考核评价的依据').waitFor();
  // Today: 6 of 8 article reads count (the cap), 1000 s of reading makes 4; the month's meeting 3.
  const month = Number(await phone.locator('[data-test="points-month"]').innerText());
  const year = Number(await phone.locator('[data-test="points-year-total"]').innerText());
  expect(month >= 13, `this month has at least 6 + 4 + 3 points: ${month}`);
  expect(year >= month, `the year (${year}) holds the month (${month})`);
  const thisMonth = new Date().getMonth() + 1;
  await phone.locator(`[data-test="points-bar-${thisMonth}"]`).waitFor();
  expect(
    (await phone.locator('[data-test^="points-bar-"]').count()) === thisMonth,
    'one bar per month of the year so far',
  );
  const articles = phone.locator('[data-test="points-kind-article_read"]');
  await articles.getByText('已达当日上限').waitFor();
  await phone.locator('[data-test="points-kind-meeting_attended"]').getByText('参加组织生活').waitFor();
  await phone.locator('[data-test="points-entry"]').first().waitFor();
  const capped = phone.locator('[data-test="points-entry"]', { hasText: '已达当日上限' });
  expect((await capped.count()) >= 2, 'the two reads beyond the cap are marked in the ledger');
  await expectPointsTranslated(phone);
  await shot(phone, '02-my-points');
  await phone.locator('[data-test="points-entry"]', { hasText: '阅读时长' }).getByText('16 分钟').waitFor();
  await phone.locator('[data-test="points-ledger-title"]').evaluate((title) => {
    title.scrollIntoView();
    window.scrollBy(0, -56); // below the fixed nav bar
  });
  await phone.screenshot({ path: `${config.artifacts}/points_reference-03-ledger.png` });

  log('the tenant admin sees the branch index without ranks');
  const page = await session.page();
  await signInToConsole(page, consoleUrl, admin);
  await page.locator('.el-menu').getByText('积分', { exact: true }).click();
  await page.waitForURL(`${consoleUrl}/points`);
  await page.locator('[data-test="reference-only"]').getByText('仅供参考').waitFor();
  const table = page.locator('[data-test="branches-table"]');
  await table.locator('.el-table__row', { hasText: firstBranch }).waitFor();
  await table.locator('.el-table__row', { hasText: secondBranch }).waitFor();
  const headers = async () => (await table.locator('thead th').allInnerTexts()).map((text) => text.trim());
  expect(!(await headers()).includes('排名'), `no rank column while rankings are off: ${await headers()}`);
  expect((await page.locator('[data-test="branch-rank"]').count()) === 0, 'no ranks while rankings are off');
  await expectPointsTranslated(page);
  await shot(page, '04-branches-unranked');

  log("a member's ledger opens from 党员积分");
  await page.locator('[data-test="points-tabs"]').getByRole('tab', { name: '党员积分' }).click();
  const row = page.locator('[data-test="members-table"] .el-table__row', { hasText: memberName });
  await row.getByRole('button', { name: '明细' }).click();
  const drawer = page.locator('[data-test="ledger-drawer"]');
  await drawer.locator('[data-test="member-summary"]').waitFor();
  await drawer.locator('[data-test="member-ledger"] .el-table__row', { hasText: '已达当日上限' }).first().waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '05-member-ledger');
  await drawer.getByRole('button', { name: /关闭|Close/ }).click();
  await drawer.waitFor({ state: 'hidden' });

  log('the rule versions, and the form for a local one refuses a taken name before sending');
  await page.locator('[data-test="points-tabs"]').getByRole('tab', { name: '积分规则' }).click();
  const builtin = page.locator('[data-test="points-rule-set-2019.1"]');
  await builtin.getByText('现行').waitFor();
  await builtin.locator('.el-table__row', { hasText: '阅读时长' }).getByText('每 4 分钟').waitFor();
  await page.locator('[data-test="points-rule-add"]').click();
  const dialog = page.locator('[data-test="points-rule-dialog"]');
  await dialog.locator('[data-test="points-rule-unit-reading_time"] input').waitFor();
  expect(
    (await dialog.locator('[data-test="points-rule-unit-reading_time"] input').inputValue()) === '240',
    'the draft starts from the version in force',
  );
  await dialog.locator('[data-test="points-rule-version"]').fill('2019.1');
  await dialog.locator('[data-test="points-rule-save"]').click();
  await dialog.getByText('已有同名的规则版本').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '06-rule-dialog');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });

  log('the anomalies say why each row is listed');
  await page.locator('[data-test="points-tabs"]').getByRole('tab', { name: '异常提示' }).click();
  const anomalies = page.locator('[data-test="anomalies-table"] .el-table__row', { hasText: colleagueName });
  await anomalies
    .filter({ hasText: '每天同一分钟达到上限' })
    .locator('[data-test="anomaly-explanation"]', { hasText: '在 07:30 达到' })
    .waitFor();
  await anomalies.filter({ hasText: '操作频率过快' }).waitFor();
  expect((await anomalies.count()) === 2, `two explained rows for ${colleagueName}`);
  expect(
    !(await page.locator('[data-test="anomalies-table"]').innerText()).includes(memberName),
    'nothing for the member who studies by hand',
  );
  await shot(page, '07-anomalies');

  log('the admin turns rankings on');
  await page.locator('[data-test="points-tabs"]').getByRole('tab', { name: '设置' }).click();
  await page.locator('[data-test="rankings-note"]').getByText('不得强制下达每日积分任务').waitFor();
  const toggle = page.locator('[data-test="rankings-switch"]');
  expect(!(await toggle.locator('input').isChecked()), 'rankings are off by default');
  await toggle.click();
  await page.getByText('已开启排名').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '08-rankings-on');

  log('the branch index shows ranks');
  await page.locator('[data-test="points-tabs"]').getByRole('tab', { name: '支部指数' }).click();
  await table.locator('[data-test="branch-rank"]').first().waitFor();
  expect((await headers()).includes('排名'), `a rank column: ${await headers()}`);
  const ranks = (await table.locator('[data-test="branch-rank"]').allInnerTexts()).map((text) => text.trim());
  expect(JSON.stringify(ranks) === JSON.stringify(['1', '2']), `ranks 1 and 2 in order: ${ranks.join(', ')}`);
  await expectPointsTranslated(page);
  await shot(page, '09-branches-ranked');
});
