// A member on a phone (390×844) finds the live lessons from home: the live tab first (something
// is live), the upcoming one with its calendar link, the past one. The upcoming lesson's page
// counts down; the member chats and asks a question there; the live lesson's page says live.
import { config, expect, expectTranslated, log, PHONE, scenario, shot, signIn } from './lib.mjs';

const { portalUrl, member, upcoming, live, past } = config;

await scenario('portal_live', async (session) => {
  const page = await session.page(PHONE);

  log('sign in and open 直播党课 from home');
  await page.goto(`${portalUrl}/`);
  await page.waitForURL(/\/login/);
  await signIn(page, member, { tap: true });
  await page.waitForURL(`${portalUrl}/`);
  // Something is live: home says so at the top.
  await page.locator('[data-test="home-live-now"]', { hasText: live.title }).waitFor();
  await shot(page, '00-home');
  await page.locator('[data-test="home-live"]').tap();
  await page.waitForURL(/\/live(\?|$)/);

  log('the live tab opens first, with the live lesson');
  const liveCard = page.locator('[data-test="live-card"][data-status="live"]', { hasText: live.title });
  await liveCard.waitFor();
  await expectTranslated(page);
  await shot(page, '01-list-live');

  log('upcoming: the scheduled lesson with its calendar link');
  await page.locator('[data-test="live-tab-upcoming"]').tap();
  const upcomingCard = page.locator('[data-test="live-card"]', { hasText: upcoming.title });
  await upcomingCard.waitFor();
  const ics = await upcomingCard.locator('[data-test="live-calendar"]').getAttribute('href');
  expect(ics === `/api/v1/live/watch/tenant/${upcoming.id}/calendar.ics`, `calendar link ${ics}`);
  const calendar = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return { type: response.headers.get('content-type'), text: await response.text() };
  }, ics);
  expect(calendar.type?.startsWith('text/calendar'), `the .ics is text/calendar (${calendar.type})`);
  expect(calendar.text.includes('BEGIN:VEVENT'), 'the .ics has an event');
  await shot(page, '02-list-upcoming');

  log('past: the ended lesson');
  await page.locator('[data-test="live-tab-past"]').tap();
  await page.locator('[data-test="live-card"][data-status="ended"]', { hasText: past.title }).waitFor();
  await shot(page, '03-list-past');

  log('the upcoming lesson: countdown, chat connected');
  await page.locator('[data-test="live-tab-upcoming"]').tap();
  await upcomingCard.tap();
  await page.waitForURL(`${portalUrl}/live/tenant/${upcoming.id}`);
  await page.locator('[data-test="live-countdown"]').waitFor();
  const countdown = await page.locator('[data-test="live-countdown"]').innerText();
  expect(/^0?1:5\d:\d\d$/.test(countdown.trim()), `about two hours to go (${countdown})`);
  await page.locator('[data-test="live-connection"]').waitFor({ state: 'detached' });
  await expectTranslated(page);
  await shot(page, '04-upcoming-page');

  log('say something');
  const input = page.locator('[data-test="chat-input"]');
  await input.fill('老师好，准时收看！');
  await page.locator('[data-test="chat-send"]').tap();
  await page.locator('[data-test="chat-message"]', { hasText: '老师好，准时收看！' }).waitFor();
  const who = await page.locator('[data-test="chat-message"]').last().innerText();
  expect(who.includes(member.name), `the message shows the sender (${who})`);
  expect((await input.inputValue()) === '', 'the box is cleared after sending');

  log('a refusal comes back as a toast with the server’s message, and nothing is shown');
  await input.fill('机密★ 本次会议的内部材料');
  await page.locator('[data-test="chat-send"]').tap();
  await page.locator('.van-toast', { hasText: '涉密内容不得上互联网系统' }).waitFor();
  await shot(page, '05a-refused');
  expect(!(await page.locator('[data-test="chat-message"]', { hasText: '内部材料' }).count()), 'not in the chat');
  expect((await input.inputValue()).includes('内部材料'), 'the text stays in the box to fix');

  log('blank text is not sent; the box stops at 500 characters');
  await input.fill('   ');
  expect(await page.locator('[data-test="chat-send"]').isDisabled(), 'nothing to send');
  await input.fill('长'.repeat(501));
  expect((await input.inputValue()).length === 500, 'the box stops at 500 characters');

  log('ask a question');
  await input.fill('');
  await page.locator('[data-test="chat-tab-questions"]').tap();
  await input.fill('如何把全会精神落实到支部工作中？');
  await page.locator('[data-test="chat-send"]').tap();
  const question = page.locator('[data-test="chat-question"]', { hasText: '如何把全会精神落实到支部工作中？' });
  await question.waitFor();
  expect(await question.locator('[data-test="question-upvote"]').isDisabled(), 'no upvoting one’s own question');
  await shot(page, '05b-question');

  log('the lesson details on the 简介 tab');
  await page.locator('[data-test="chat-tab-intro"]').tap();
  await page.locator('[data-test="live-info"]', { hasText: '陈教授' }).waitFor();
  await shot(page, '06-intro');

  log('the live lesson: live badge and viewer count');
  await page.goto(`${portalUrl}/live/tenant/${live.id}`);
  await page.locator('[data-test="live-player"][data-state="live"]').waitFor();
  await page.locator('[data-test="live-badge"]').waitFor();
  await page.locator('[data-test="chat-viewers"]').waitFor();
  log('like: taps aggregated');
  for (let i = 0; i < 5; i += 1) await page.locator('[data-test="live-like"]').tap();
  await page.locator('[data-test="live-likes"]', { hasText: '5' }).waitFor();
  await expectTranslated(page);
  await shot(page, '07-live-page');

  log('a desktop window: the chat beside the player');
  const desk = await session.page();
  await desk.goto(`${portalUrl}/login`);
  await signIn(desk, member);
  await desk.waitForURL(`${portalUrl}/`);
  await desk.goto(`${portalUrl}/live/tenant/${upcoming.id}`);
  await desk.locator('[data-test="chat-message"]', { hasText: '老师好，准时收看！' }).waitFor();
  const player = await desk.locator('[data-test="live-player"]').boundingBox();
  const chat = await desk.locator('[data-test="live-chat"]').boundingBox();
  expect(player && chat && chat.x > player.x + player.width - 1, 'the chat is to the right of the player');
  await shot(desk, '08-desktop');
});
