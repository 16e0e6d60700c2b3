// Scenario: an anonymous vote. The tenant admin creates a vote for a branch in the console (two
// options, one choice each) and opens it; a member of the branch opens it on an iPhone-sized phone
// from the portal's 党务监督, reads that the vote is anonymous, picks an option, confirms (the
// dialog says it is anonymous and cannot be changed) and sees the turnout (1 of 2); the organizer
// sees the turnout move without reloading and closes the vote; the member sees the tally.
import { config, expect, expectTranslated, log, PHONE, scenario, shot, signIn, signInToConsole } from './lib.mjs';

const { consoleUrl, portalUrl, admin, voter, branch } = config;
const title = `推选优秀党务工作者 ${Date.now() % 100000}`;

/** expectTranslated's list predates supervision: look for this module's keys too. */
async function expectSupervisionTranslated(page) {
  await expectTranslated(page);
  const keys = (await page.locator('body').innerText()).match(/\bsupervision\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

await scenario('supervision_vote', async (session) => {
  log('the organizer creates the vote in the console and opens it');
  const desk = await session.page();
  await signInToConsole(desk, consoleUrl, admin);
  await desk.locator('.el-menu').getByText('匿名投票', { exact: true }).click();
  await desk.waitForURL(`${consoleUrl}/votes`);
  await desk.locator('[data-test="vote-create"]').click();
  const dialog = desk.locator('[data-test="vote-dialog"]');
  await dialog.waitFor();
  await dialog.locator('[data-test="vote-organization"] .pc-org-tree-select').click();
  await desk.locator('.el-popper:visible .el-tree-node__content', { hasText: branch }).first().click();
  await dialog.locator('[data-test="vote-organization"]', { hasText: branch }).waitFor();
  await dialog.locator('input[data-test="vote-title"]').fill(title);
  await dialog.locator('input[data-test="vote-option-input-0"]').fill('张建国');
  await dialog.locator('input[data-test="vote-option-input-1"]').fill('李秀英');
  await dialog.getByText('投票完全匿名').waitFor();
  await shot(desk, '01-console-new-vote');
  await dialog.locator('[data-test="vote-save"]').click();
  await desk.waitForURL(/\/votes\/\d+$/);
  await desk.locator('[data-test="vote-open"]').click();
  await desk.locator('.el-message-box__btns .el-button--primary').click();
  await desk.locator('[data-test="campaign-status"]', { hasText: '进行中' }).waitFor();
  await desk.locator('[data-test="vote-turnout-text"]', { hasText: '已投 0 / 2' }).waitFor();
  await expectSupervisionTranslated(desk);

  log('the member votes on a phone');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/`);
  await signIn(phone, voter, { tap: true });
  await phone.waitForURL(`${portalUrl}/`);
  await phone.locator('[data-test="home-supervision"]').tap();
  await phone.waitForURL(`${portalUrl}/supervision`);
  await phone.locator('[data-test="supervision-votes"]').tap();
  await phone.locator('[data-test="vote-item"]', { hasText: title }).getByText('待投票').waitFor();
  await shot(phone, '02-phone-votes');
  await phone.locator('[data-test="vote-item"]', { hasText: title }).tap();
  await phone.locator('[data-test="vote-title"]', { hasText: title }).waitFor();
  await phone.locator('[data-test="vote-anonymity"]').getByText('不记录谁投了什么').waitFor();
  await phone.locator('[data-test="vote-options"]').getByText('李秀英').tap();
  await shot(phone, '03-phone-ballot');
  await phone.locator('[data-test="vote-submit"]').tap();
  const confirm = phone.locator('.van-dialog:visible');
  await confirm.getByText('李秀英').waitFor();
  await confirm.getByText('投出后不能更改').waitFor();
  await shot(phone, '04-phone-confirm');
  await confirm.locator('.van-dialog__confirm').tap();
  await phone.locator('[data-test="vote-done"]').waitFor();
  await phone.locator('[data-test="vote-turnout-text"]', { hasText: '已投 1 / 2' }).waitFor();
  expect((await phone.locator('[data-test="vote-submit"]').count()) === 0, 'no second ballot');
  await expectSupervisionTranslated(phone);
  await shot(phone, '05-phone-voted-turnout');

  log('the organizer sees the turnout move (live) and closes the vote');
  await desk.locator('[data-test="vote-turnout-text"]', { hasText: '已投 1 / 2' }).waitFor();
  await shot(desk, '06-console-turnout');
  await desk.locator('[data-test="vote-close"]').click();
  await desk.locator('.el-message-box__btns .el-button--primary').click();
  await desk.locator('[data-test="campaign-status"]', { hasText: '已结束' }).waitFor();
  const rows = desk.locator('[data-test="vote-tally"] .el-table__row');
  await rows.filter({ hasText: '李秀英' }).getByText('1 票').waitFor();
  await rows.filter({ hasText: '张建国' }).getByText('0 票').waitFor();
  await shot(desk, '07-console-tally');

  log('the member sees the tally');
  await phone.reload();
  const tally = phone.locator('[data-test="vote-tally"]');
  await tally.locator('[data-test="vote-tally-row"]', { hasText: '李秀英' }).getByText('1 票').waitFor();
  await tally.locator('[data-test="vote-tally-row"]', { hasText: '张建国' }).getByText('0 票').waitFor();
  await expectSupervisionTranslated(phone);
  await shot(phone, '08-phone-tally');
});
