// Scenario: whistleblowing (网上信访举报). Nobody signs in to file: on a phone, /report says how the
// reporter is protected; the report against 财务党支部 is filed anonymously and the tracking code is
// shown once. The general branch's inspector (the level ABOVE the accused unit) finds it in 信访举报,
// opens the case (the page says reads are audited), acknowledges it and asks the reporter a question.
// The accused branch's secretary — an inspector above it too — opens 信访举报 and finds nothing, and
// the case itself is refused to him. The reporter tracks by code, sees 已受理 and the question, and
// answers; the inspector sees the answer.
import { PHONE, config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { portalUrl, consoleUrl, inspector, secretary, accusedUnit, parentUnit } = config;
const SUBJECT = '财务党支部报销审核中存在虚开发票问题';
const CONTENT =
  '2026年三季度，财务党支部有人利用报销审核之便，多次以会议费名义虚开发票报销，金额约三万元。相关凭证可在财务系统中查到。';
const QUESTION = '请问您反映的会议费报销，大致是哪几个月份的？';
// A 1×1 picture: the evidence the reporter adds after filing.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const ANSWER = '主要是七月和九月，凭证编号以 KJ-2026-07 开头。';

/** This module's keys must never show untranslated. */
async function expectReportsTranslated(page) {
  await expectTranslated(page);
  const keys = (await page.locator('body').innerText()).match(
    /\b(?:reports|inquiries|moderation)\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g,
  );
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

/** Sign in to the console; where it lands depends on the roles (an inspector: 信访举报). */
async function consoleAs(session, person) {
  const page = await session.page();
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, person);
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  return page;
}

await scenario('supervision_report', async (session) => {
  log('an anonymous reporter opens /report on a phone');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/report`);
  const protection = phone.locator('[data-test="report-protection"]');
  await protection.getByText('只有被分派的上级纪检人员能够查看').waitFor();
  await protection.getByText('15 个工作日内受理').waitFor();
  expect(
    (await phone.locator('[data-test="report-identity"] .van-radio--disabled').count()) === 2,
    'without signing in, only anonymous reporting is possible',
  );
  await expectReportsTranslated(phone);
  await shot(phone, '01-form');

  log('the report is filed against the accused branch');
  await phone.locator('[data-test="report-unit"]').tap();
  const sheet = phone.locator('[data-test="report-unit-sheet"]');
  await sheet.locator(`[data-test="report-unit-option"][data-name="${parentUnit}"]`).waitFor();
  await sheet.locator(`[data-test="report-unit-option"][data-name="${accusedUnit}"]`).tap();
  await sheet.waitFor({ state: 'hidden' });
  await phone.locator('[data-test="report-subject"] input').fill(SUBJECT);
  await phone.locator('[data-test="report-content"] textarea').fill(CONTENT);
  await phone.locator('[data-test="report-submit"]').tap();
  await phone.locator('.van-dialog__confirm').tap();
  const done = phone.locator('[data-test="report-done"]');
  await done.waitFor();
  const code = await phone.locator('[data-test="report-code"]').getAttribute('data-code');
  const number = (await phone.locator('[data-test="report-number"]').innerText()).replace(/^编号\s*/, '').trim();
  expect(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(code ?? ''), `a grouped tracking code: ${code}`);
  expect(number.length > 3, `a report number: ${number}`);
  await done.getByText('查询码只显示这一次').waitFor();
  expect(!phone.url().includes(code.replace(/-/g, '')), 'the code is not in the address');
  await phone.locator('[data-test="report-attach-input"] input[type="file"]').setInputFiles({
    name: '报销凭证.png',
    mimeType: 'image/png',
    buffer: Buffer.from(PNG, 'base64'),
  });
  await done.locator('[data-test="report-attachment"]').getByText('已上传 报销凭证.png').waitFor();
  await shot(phone, '02-code-once');

  log('the parent unit’s inspector finds it and acknowledges it');
  const page = await consoleAs(session, inspector);
  await page.waitForURL(`${consoleUrl}/reports`);
  const row = page.locator('[data-test="reports-table"] .el-table__row', { hasText: number });
  await row.getByText(SUBJECT).waitFor();
  await row.getByText('待受理').waitFor();
  await expectReportsTranslated(page);
  await shot(page, '03-inspector-list');
  await row.locator(`[data-test="report-link-${number}"]`).click();
  const kase = page.locator('[data-test="report-case"]');
  await kase.locator('[data-test="report-audited"]').getByText('每次查阅都会记录在审计日志中').waitFor();
  await kase.locator('[data-test="report-content"]').getByText('虚开发票报销').waitFor();
  await kase.locator('[data-test="report-accused-unit"]').getByText(accusedUnit).waitFor();
  await kase.locator('[data-test="report-reporter"]').getByText('匿名').waitFor();
  await kase.locator('[data-test="report-file"]').getByText('报销凭证.png').waitFor();
  await kase.locator('[data-test="report-acknowledge"]').click();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await kase.locator('[data-test="report-status"]').getByText('办理中').waitFor();
  await kase.locator('[data-test="report-history"]').getByText('已受理').first().waitFor();

  log('the inspector asks the reporter a question');
  await kase.locator('textarea[data-test="report-question"]').fill(QUESTION);
  await kase.locator('[data-test="report-ask"]').click();
  await kase.locator('[data-test="report-message"][data-author="inspector"]').getByText(QUESTION).waitFor();
  await expectReportsTranslated(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '04-inspector-case');

  log('the accused branch’s secretary (an inspector above it too) sees nothing of it');
  const caseUrl = page.url();
  const other = await consoleAs(session, secretary);
  await other.goto(`${consoleUrl}/reports`);
  const table = other.locator('[data-test="reports-table"]');
  await table.getByText('没有分派给您的信访举报').waitFor();
  expect(!(await table.innerText()).includes(number), 'the report is not in his list');
  await shot(other, '05-secretary-sees-nothing');
  await other.goto(caseUrl);
  await other.locator('[data-test="load-error"]').waitFor();
  expect(!(await other.locator('body').innerText()).includes(SUBJECT), 'nor can he open the case');
  await shot(other, '06-secretary-refused');

  log('the reporter tracks by code: acknowledged, a question, an answer');
  await phone.locator('[data-test="report-track"]').tap();
  await phone.waitForURL(`${portalUrl}/report/track`);
  const track = phone.locator('[data-test="report-track"][data-step="report"]');
  await track.waitFor();
  await track.locator('[data-test="track-again"]').tap();
  await phone.locator('[data-test="track-code"] input').fill(code.toLowerCase().replace(/-/g, ' '));
  await phone.locator('[data-test="track-open"]').tap();
  await track.locator('[data-test="track-number"]').getByText(number).waitFor();
  await track.locator('[data-test="track-status"]').getByText('办理中').waitFor();
  await track.locator('[data-test="track-steps"]').getByText('已受理').waitFor();
  await track.locator('[data-test="track-message"][data-author="inspector"]').getByText(QUESTION).waitFor();
  await track.locator('[data-test="track-reply"] textarea').fill(ANSWER);
  await track.locator('[data-test="track-send"]').tap();
  await track.locator('[data-test="track-message"][data-author="reporter"]').getByText(ANSWER).waitFor();
  await expectReportsTranslated(phone);
  await phone.locator('.van-toast').waitFor({ state: 'hidden' });
  await shot(phone, '07-tracking');

  log('the inspector sees the answer');
  await page.reload();
  await page.locator('[data-test="report-message"][data-author="reporter"]').getByText(ANSWER).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '08-inspector-sees-answer');
});
