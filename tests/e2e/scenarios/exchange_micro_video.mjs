// Scenario: a micro-video from a phone to a colleague's comment (issue 17). The author, on a phone,
// opens 交流 from the tab bar, sees the upload limits, picks a tiny mp4, gives it a title and a few
// words and submits it: the post page says 待审核 and 我的投稿 lists it. The branch secretary opens
// 交流平台 in the console, finds it under 待我审核 and approves it. A colleague on another phone finds
// it among the micro-videos, likes it and comments. The author opens the video again and reads
// the comment. Screenshots at every step; no untranslated keys on any page.
import { PHONE, config, expect, expectTranslated, log, scenario, shot, signIn, signInToConsole } from './lib.mjs';

const { consoleUrl, portalUrl, secretary, author, commenter, videoFile, title, description, comment } = config;

/** expectTranslated's list predates the exchange: look for this module's keys too. */
async function expectExchangeTranslated(page) {
  await expectTranslated(page);
  const keys = (await page.locator('body').innerText()).match(/\bexchange\.[a-zA-Z]+(?:\.[a-zA-Z_]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

/** No toast over the picture (Vant's toasts close after two seconds). */
async function toastsGone(page) {
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.van-toast')].some((node) => getComputedStyle(node).display !== 'none'),
  );
}

/** Nothing wider than the phone's screen (a long title or link must wrap, not push the page). */
async function expectNoSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `the page scrolls sideways by ${overflow}px at ${page.url()}`);
}

await scenario('exchange_micro_video', async (session) => {
  log('the author signs in on a phone and opens 交流');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/`);
  await signIn(phone, author, { tap: true });
  await phone.waitForURL(`${portalUrl}/`);
  await phone.locator('[data-test="feed-empty"], [data-test="feed-news"]').first().waitFor();
  await expectExchangeTranslated(phone);
  await shot(phone, '01-home-feed');
  await phone.locator('[data-test="tab-exchange"]').tap();
  await phone.waitForURL(/\/exchange(\?|$)/);
  await phone.locator('[data-test="exchange-tabs"]').getByText('微视频').tap();
  await phone.locator('[data-test="posts-empty"]').first().waitFor();
  await expectExchangeTranslated(phone);
  await shot(phone, '02-exchange-empty');

  log('uploads a micro-video within the limits shown before the upload');
  await phone.locator('[data-test="to-upload"]').tap();
  await phone.waitForURL(`${portalUrl}/exchange/upload`);
  await phone.locator('[data-test="upload-limits"]').getByText('视频不超过').waitFor();
  await phone.locator('[data-test="upload-input"]').setInputFiles(videoFile);
  await phone.locator('[data-test="upload-progress"]').getByText('✓').waitFor();
  await phone.locator('[data-test="upload-title"] input').fill(title);
  await phone.locator('[data-test="upload-description"] textarea').fill(description);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '03-upload-ready');
  await phone.locator('[data-test="upload-submit"]').tap();
  await phone.waitForURL(/\/exchange\/posts\/[0-9a-f-]{36}$/);
  const postUrl = phone.url();
  await phone.locator('[data-test="post-status-note"]').getByText('待审核').waitFor();
  await phone.locator('[data-test="post-title"]').getByText(title).waitFor();
  await expectExchangeTranslated(phone);
  await toastsGone(phone);
  await shot(phone, '04-awaiting-review');
  await phone.goto(`${portalUrl}/exchange/mine`);
  await phone.locator('[data-test="post-card"]', { hasText: title }).getByText('待审核').waitFor();
  await shot(phone, '05-my-posts');

  log('the branch secretary approves it in the console');
  const desk = await session.page();
  await signInToConsole(desk, consoleUrl, secretary);
  await desk.locator('.el-menu').getByText('交流平台', { exact: true }).click();
  await desk.waitForURL(`${consoleUrl}/exchange`);
  await desk.locator('[data-test="exchange-tabs"]').getByRole('tab', { name: '待我审核' }).click();
  await desk.locator('[data-test="review-table"] .el-table__row', { hasText: title }).waitFor();
  await expectExchangeTranslated(desk);
  await shot(desk, '06-review-queue');
  await desk.locator('[data-test="review-link"]', { hasText: title }).click();
  const drawer = desk.locator('[data-test="post-drawer"]');
  await drawer.locator('[data-test="drawer-status"]').getByText('待审核').waitFor();
  await shot(desk, '07-review-drawer');
  await drawer.locator('[data-test="drawer-approve"]').click();
  const box = desk.locator('.el-message-box');
  await box.locator('textarea').fill('内容积极向上，同意发布。');
  await box.getByRole('button', { name: '通过' }).click();
  await drawer.locator('[data-test="drawer-status"]').getByText('已发布').waitFor();
  await desk.locator('[data-test="drawer-counts"]').getByText('点赞 0').waitFor();
  await shot(desk, '08-approved');

  log('a colleague on another phone finds it, likes it and comments');
  const other = await session.page(PHONE);
  await other.goto(`${portalUrl}/exchange?tab=micro_video`);
  await signIn(other, commenter, { tap: true });
  await other.goto(`${portalUrl}/exchange?tab=micro_video`);
  const card = other.locator('[data-test="post-card"]', { hasText: title });
  await card.waitFor();
  await shot(other, '09-micro-videos');
  await card.tap();
  await other.waitForURL(postUrl);
  await other.locator('[data-test="post-video"], [data-test="post-video-wait"]').first().waitFor();
  await other.locator('[data-test="comments-empty"]').waitFor();
  const like = other.locator('[data-test="like"]');
  await like.tap();
  await other.waitForFunction(
    () => document.querySelector('[data-test="like"]')?.getAttribute('aria-pressed') === 'true',
  );
  await expect((await like.innerText()).trim() === '1', `one like after tapping: ${await like.innerText()}`);
  await other.locator('[data-test="comment-input"] textarea').fill(comment);
  await other.locator('[data-test="comment-send"]').tap();
  await other.locator('[data-test="comment-body"]', { hasText: comment }).waitFor();
  expect((await like.innerText()).trim() === '1', `the like stays after commenting: ${await like.innerText()}`);
  await other.locator('[data-test="mention"]').waitFor();
  await expectNoSidewaysScroll(other);
  await toastsGone(other);
  await expectExchangeTranslated(other);
  await shot(other, '10-commented');

  log('the author sees the comment under the video');
  await phone.goto(postUrl);
  await phone.locator('[data-test="post-detail"]').waitFor();
  expect((await phone.locator('[data-test="post-status-note"]').count()) === 0, 'the post shows as published');
  const seen = phone.locator('[data-test="comment"]', { hasText: comment });
  await seen.waitFor();
  await seen.getByText(commenter.name).waitFor();
  await seen.scrollIntoViewIfNeeded();
  await expectExchangeTranslated(phone);
  await shot(phone, '11-author-sees-comment');
});
