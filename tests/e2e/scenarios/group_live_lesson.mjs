// Scenario: a group admin schedules a group-wide live lesson (集团直播党课) on the root host for
// one subsidiary, gets its stream key (`public.<secret>`), opens the monitor (the group admins
// are the hosts) and pins a notice through the chat socket.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, admin, lessonTitle, tenantName, tenantShortName } = config;

const dialog = (page, test) => page.locator(`[data-test="${test}"]:visible`);

await scenario('group_live_lesson', async (session) => {
  const page = await session.page();

  log('sign in on the root host and open 集团直播党课');
  await page.goto(`${rootUrl}/`);
  await page.waitForURL(/\/login/);
  await signIn(page, admin);
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('.el-menu').getByText('集团直播党课').click();
  await page.waitForURL(`${rootUrl}/live`);
  await page.locator('[data-test="lessons-table"]').waitFor();
  await expectTranslated(page);

  log('schedule a lesson for one subsidiary');
  await page.locator('[data-test="lesson-create"]').click();
  const form = dialog(page, 'lesson-dialog');
  await form.locator('input[data-test="lesson-title"]').fill(lessonTitle);
  await form.locator('[data-test="lesson-audience-tenants"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: tenantName }).click();
  await form.locator('input[data-test="lesson-title"]').click(); // close the dropdown
  await shot(page, '01-dialog');
  await form.locator('[data-test="lesson-save"]').click();
  await page.locator('.el-message--success', { hasText: `已安排「${lessonTitle}」` }).waitFor();
  const row = page.locator('[data-test="lessons-table"] .el-table__row', { hasText: lessonTitle }).first();
  await row.getByText(tenantShortName).waitFor();
  await shot(page, '02-scheduled');

  log('the stream key of a group lesson');
  await row.locator('[data-test="lesson-key"]').click();
  const key = dialog(page, 'stream-key-dialog').locator('input[data-test="key-value"]');
  await key.waitFor();
  const value = await key.inputValue();
  expect(value.startsWith('public.'), `a group lesson's key starts with public. (${value})`);
  await shot(page, '03-stream-key');
  await dialog(page, 'stream-key-dialog').getByRole('button', { name: '完成' }).click();

  log('the monitor: connected, a pinned notice through the socket');
  await row.locator('[data-test="lesson-monitor"]').click();
  await page.waitForURL(/\/live\/\d+\/monitor$/);
  const monitor = page.locator('[data-test="live-monitor"]');
  await monitor.locator('[data-test="monitor-connection"]', { hasText: '已连接' }).waitFor();
  await monitor.locator('[data-test="pin-edit"]').click();
  await monitor.locator('textarea[data-test="pin-input"]').fill('各单位请提前调试收看设备');
  await monitor.locator('[data-test="pin-save"]').click();
  await monitor.locator('[data-test="pinned-text"]', { hasText: '各单位请提前调试收看设备' }).waitFor();
  await expectTranslated(page);
  await shot(page, '04-monitor');
});
