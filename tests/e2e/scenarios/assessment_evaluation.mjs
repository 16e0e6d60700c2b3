// 民主评议党员 from the round to table 6: the branch secretary (desktop) creates the year's round for
// the branch (four members, one of them probationary: taking part, not graded) and opens it; two
// members (phones) write and submit their self-reviews and rate the others; the secretary invites
// a non-member employee from the roster by card number and gets the one-time code on a printable
// slip (shown once, with a QR code of the ballot page carrying the code in its fragment); the
// employee, on an iPhone-sized phone without an account, opens the slip's link, rates and votes;
// the same link again says 此测评码已使用. The secretary closes the round and enters the general
// meeting's decision (3 full members: at most one 优秀, a second is not offered); the tenant
// admin, the upper committee, confirms; a member sees their grade; the annual report's table 6
// counts the grades.
import { config, expect, expectTranslated, log, PHONE, scenario, shot, signIn, signInToConsole } from './lib.mjs';

const { consoleUrl, portalUrl, branch, admin, secretary, members, probationary, raterCard, raterName } = config;

/** expectTranslated, and no key of the evaluation namespaces either. */
async function translated(page) {
  await expectTranslated(page);
  const text = await page.locator('body').innerText();
  const keys = text.match(/\b(?:evaluation|evaluationPortal|ballot)\.[a-zA-Z]+(?:\.[a-zA-Z_]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

/** A phone's full-page picture from the top (the fixed nav bar stays over the page's head). */
async function phoneShot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, name);
}

const confirmBox = (page) => page.locator('.el-message-box__btns .el-button--primary').click();
const shanghaiNow = new Date(Date.now() + 8 * 3600 * 1000);
const year = shanghaiNow.getUTCFullYear();
/** Today in Asia/Shanghai, YYYY-MM-DD: the round closes today, so that today's annual report counts it. */
const today = shanghaiNow.toISOString().slice(0, 10);
const [first, second] = members;

await scenario('assessment_evaluation', async (session) => {
  const desk = await session.page();

  log('the secretary signs in, finds 民主评议 in the menu and creates the branch’s round');
  await signInToConsole(desk, consoleUrl, secretary);
  await desk.locator('.pc-menu-label', { hasText: '民主评议' }).click();
  await desk.waitForURL(`${consoleUrl}/evaluation`);
  await desk.locator('[data-test="evaluation-create"]').click();
  const form = desk.locator('[data-test="round-dialog"]:visible');
  await form.waitFor();
  await form.locator('[data-test="round-organization"] .pc-org-tree-select').click();
  await desk.locator('.el-popper:visible .el-tree-node__content', { hasText: branch }).first().click();
  await form.locator('[data-test="round-organization"]', { hasText: branch }).waitFor();
  expect(
    (await form.locator('input[data-test="round-title"]').inputValue()) === `${year}年度民主评议党员`,
    'the title defaults to the year’s',
  );
  // It closes today: the annual report (a snapshot date not in the future) counts it today.
  const closes = form.locator('[data-test="round-closes"] input');
  await closes.click();
  await closes.fill(today);
  await closes.press('Enter');
  await form.locator('.el-dialog__header').first().click();
  await translated(desk);
  await shot(desk, '01-create-round');
  await form.locator('[data-test="round-save"]').click();
  await desk.waitForURL(/\/console\/evaluation\/\d+$/);
  const roundUrl = desk.url();
  await desk.locator('[data-test="round-status"][data-status="draft"]').waitFor();
  const kinds = desk.locator('[data-test="participants-table"] [data-test="participant-kind"]');
  await desk.waitForFunction(
    () => document.querySelectorAll('[data-test="participants-table"] [data-test="participant-kind"]').length === 4,
  );
  expect(
    (await kinds.evaluateAll((tags) => tags.map((tag) => tag.dataset.kind).sort())).join() ===
      'graded,graded,graded,probationary',
    'three graded participants and the probationary member',
  );
  await desk
    .locator('[data-test="participants-table"] .el-table__row', { hasText: probationary })
    .locator('[data-kind="probationary"]')
    .waitFor();

  log('open the round');
  await desk.locator('[data-test="round-open"]').click();
  await confirmBox(desk);
  await desk.locator('[data-test="round-status"][data-status="open"]').waitFor();
  await translated(desk);
  await shot(desk, '02-round-open');

  log('two members self-review and rate the others on their phones');
  const phones = [];
  for (const [index, member] of members.entries()) {
    const phone = await session.page(PHONE);
    phones.push(phone);
    await phone.goto(`${portalUrl}/`);
    await phone.waitForURL(/\/login/);
    await signIn(phone, member, { tap: true });
    await phone.waitForURL(`${portalUrl}/`);
    await phone.locator('[data-test="home-evaluation"]').tap();
    await phone.waitForURL(`${portalUrl}/evaluation`);
    await phone.locator('[data-test="evaluation-item"]').first().tap();
    await phone.waitForURL(/\/evaluation\/\d+$/);
    await phone.locator('[data-test="my-round-status"][data-status="open"]').waitFor();
    await phone
      .locator('[data-test="self-review"] textarea')
      .fill(`${member.name}：本年度认真学习党的创新理论，按时参加组织生活，按期缴纳党费，在岗位上发挥先锋模范作用。`);
    await phone.locator('[data-test="self-submit"]').tap();
    await phone.locator('[data-test="self-submitted"]').waitFor();
    // Everyone else graded is on the list: not oneself, not the probationary member.
    const names = await phone
      .locator('[data-test="peer-item"]')
      .evaluateAll((items) => items.map((i) => i.dataset.name));
    expect(names.length === 2 && !names.includes(member.name) && !names.includes(probationary), `peers: ${names}`);
    for (const name of names) {
      const grade = name === first.name ? 'excellent' : 'qualified';
      await phone.locator(`[data-test="peer-item"][data-name="${name}"] button[data-grade="${grade}"]`).tap();
    }
    await phone
      .locator('[data-test="peer-item"]')
      .first()
      .locator('[data-test="peer-comment"] input')
      .fill('工作认真负责');
    await phone.locator('[data-test="peer-save"]').tap();
    await phone.locator('[data-test="peer-count"]', { hasText: '已评 2/2' }).waitFor();
    await phone.locator('[data-test="peer-save"][disabled], [data-test="peer-save"].van-button--disabled').waitFor();
    await translated(phone);
    await phoneShot(phone, `03-member-${index + 1}-rated`);
  }

  log('the secretary invites the employee from the roster and gets the one-time code on a slip');
  await desk.reload();
  await desk.locator('#tab-mass').click();
  const search = desk.locator('[data-test="mass-search"] input');
  await search.fill(raterCard);
  await search.press('Enter');
  const candidate = desk.locator('[data-test="mass-candidates"] .el-table__row', { hasText: raterName });
  await candidate.waitFor();
  await candidate.locator('.el-checkbox').click();
  await desk.locator('[data-test="mass-invite"]').click();
  const slips = desk.locator('[data-test="slips-dialog"]:visible');
  await slips.waitFor();
  await slips.locator('[data-test="slips-once"]').waitFor();
  const slip = slips.locator('[data-test="slip"]').first();
  const code = await slip.getAttribute('data-code');
  const slipUrl = await slip.getAttribute('data-url');
  expect(/^[A-Z0-9]{8}$/.test(code ?? ''), `an eight-character code (${code})`);
  expect(
    slipUrl === `${portalUrl}/ballot#${code}`,
    `the slip's QR code opens the ballot with the code in the fragment (${slipUrl})`,
  );
  await slip.locator('svg[data-test="slip-qr"]').waitFor();
  await translated(desk);
  await shot(desk, '04-slip');
  await slips.locator('[data-test="slips-close"]').click();
  await slips.waitFor({ state: 'hidden' });
  await desk.locator('[data-test="mass-invitations"] [data-test="invitation-voted"][data-voted="0"]').waitFor();
  expect((await desk.locator('body').innerText()).indexOf(code) < 0, 'the code is gone once the slips are closed');

  log('the employee votes by the slip’s link on a phone, without an account');
  const rater = await session.page({ ...PHONE, viewport: { width: 375, height: 812 } });
  const ballotRequests = [];
  rater.on('request', (request) => ballotRequests.push(request.url()));
  await rater.goto(slipUrl);
  await rater.locator('[data-test="ballot"][data-step="ballot"]').waitFor();
  expect(!rater.url().includes(code), 'the code left the address bar');
  expect(!ballotRequests.some((url) => url.includes(code)), 'no request carried the code in its URL');
  const people = await rater
    .locator('[data-test="ballot-person"]')
    .evaluateAll((items) => items.map((i) => i.dataset.name));
  expect(people.length === 3 && !people.includes(probationary), `the graded members to rate: ${people}`);
  await translated(rater);
  await phoneShot(rater, '05-ballot');
  for (const name of people) {
    const grade = name === first.name ? 'excellent' : 'qualified';
    await rater.locator(`[data-test="ballot-person"][data-name="${name}"] button[data-grade="${grade}"]`).tap();
  }
  await rater.locator('[data-test="ballot-branch"] button[data-grade="excellent"]').tap();
  await phoneShot(rater, '06-ballot-filled');
  await rater.locator('[data-test="ballot-submit"]').tap();
  await rater.locator('.van-dialog__confirm').tap();
  await rater.locator('[data-test="ballot"][data-step="done"]').waitFor();
  await rater.locator('[data-test="ballot-end-title"]', { hasText: '测评已提交' }).waitFor();
  await translated(rater);
  await phoneShot(rater, '07-ballot-done');

  log('the same code again is refused');
  await rater.goto(slipUrl);
  await rater.locator('[data-test="ballot"][data-step="used"]').waitFor();
  await rater.locator('[data-test="ballot-end-title"]', { hasText: '此测评码已使用' }).waitFor();
  await phoneShot(rater, '08-code-used');

  log('the secretary sees the vote counted (no link to the ballot), closes the round and decides');
  await desk.reload();
  await desk.locator('[data-test="mass-counts-text"][data-voted="1"]').waitFor();
  await desk.locator('[data-test="mass-invitations"] [data-test="invitation-voted"][data-voted="1"]').waitFor();
  await desk.locator('[data-test="round-close"]').click();
  await confirmBox(desk);
  await desk.locator('[data-test="round-status"][data-status="closed"]').waitFor();
  await desk.locator('[data-test="mass-branch"] [data-test="grade-tally"][data-total="1"]').waitFor();
  await desk.locator('#tab-participants').click();
  await desk.locator('[data-test="participants-table"] [data-test="grade-tally"][data-total="2"]').first().waitFor();
  await translated(desk);
  await shot(desk, '09-closed-tallies');
  await desk.locator('#tab-decision').click();
  const cap = desk.locator('[data-test="decision-cap"]');
  await cap.waitFor();
  await desk.locator('[data-test^="decision-line-"]').nth(2).waitFor();
  expect((await cap.getAttribute('data-cap')) === '1', 'one 优秀 at most of three full members');
  const line = (name) => desk.locator(`[data-test^="decision-line-"][data-name="${name}"]`);
  await line(first.name).locator('label[data-grade="excellent"]').click();
  await desk.locator('[data-test="decision-cap"][data-count="1"]').waitFor();
  expect(
    await line(second.name).locator('label[data-grade="excellent"] input').isDisabled(),
    'a second 优秀 is not offered over the cap',
  );
  await line(second.name).locator('label[data-grade="qualified"]').click();
  await line(secretary.name).locator('label[data-grade="qualified"]').click();
  await translated(desk);
  await shot(desk, '10-decision');
  await desk.locator('[data-test="decision-submit"]').click();
  await confirmBox(desk);
  await desk.locator('[data-test="round-status"][data-status="decided"]').waitFor();
  await desk.locator('[data-test="results-summary"]', { hasText: '优秀 1 人，合格 2 人' }).waitFor();
  await shot(desk, '11-decided');

  log('the tenant admin, the upper committee, confirms: the results are locked');
  const top = await session.page();
  await signInToConsole(top, consoleUrl, admin);
  await top.goto(roundUrl);
  await top.locator('[data-test="round-status"][data-status="decided"]').waitFor();
  await top.locator('[data-test="round-confirm"]').click();
  await confirmBox(top);
  await top.locator('[data-test="round-status"][data-status="confirmed"]').waitFor();
  await top.locator('[data-test="round-locked"]').waitFor();
  await top.locator(`[data-test="result-grade"][data-name="${first.name}"][data-grade="excellent"]`).waitFor();
  await top.locator(`[data-test="result-grade"][data-name="${probationary}"][data-grade=""]`).waitFor();
  await translated(top);
  await shot(top, '12-confirmed');

  log('the member sees their grade and the totals of what they received, never who');
  const phone = phones[0];
  await phone.reload();
  await phone.locator('[data-test="my-round-status"][data-status="confirmed"]').waitFor();
  await phone.locator('[data-test="my-grade"][data-grade="excellent"]').waitFor();
  await phone.locator('[data-test="my-peer"] [data-test="grade-tally"]').waitFor();
  await translated(phone);
  await phoneShot(phone, '13-member-grade');

  log('the annual report’s table 6 counts the grades');
  await top.goto(`${consoleUrl}/annual-report`);
  const dateInput = top.locator('.el-date-editor input').first();
  await dateInput.waitFor();
  await dateInput.fill(today);
  await dateInput.press('Enter');
  await top.locator('[data-test="annual-period"]', { hasText: String(year) }).waitFor();
  const table6 = top.locator('[data-test^="annual-table-"]', { hasText: '表6' });
  await table6.waitFor();
  await table6.scrollIntoViewIfNeeded();
  const text = await table6.innerText();
  log(`table 6: ${text.replace(/\s+/g, ' ')}`);
  expect(
    /\b1 2 0 0 1 4\b/.test(text.replace(/\s+/g, ' ')),
    'table 6: 优秀 1, 合格 2, 基本合格 0, 不合格 0, 未评定 1 (the probationary member), 合计 4',
  );
  await translated(top);
  await top.evaluate(() => window.scrollTo(0, 0));
  await shot(top, '14-table-6');
});
