// Notifications outside the app: a member on a phone opens 我的 → 通知设置, sees every kind
// with its channels (SMS on only for urgent kinds), turns email on for other notices (kept after
// a reload), sees the quiet hours and the button that turns push on for this phone. A tenant
// admin opens 消息投递 in the console on the dead-letter list and retries a dead SMS.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { portalUrl, consoleUrl, member, admin, deadTitle } = config;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

await scenario('notify', async (session) => {
  const phone = await session.page(PHONE);

  log('sign in on the portal, then 我的 → 通知设置');
  await phone.goto(`${portalUrl}/me`);
  await phone.waitForURL(/\/login/);
  await signIn(phone, member, { tap: true });
  await phone.waitForURL(`${portalUrl}/me`);
  await phone.locator('[data-test="notification-settings-link"]').tap();
  await phone.waitForURL(`${portalUrl}/me/notifications`);
  await phone.locator('[data-test="kind"]', { hasText: '组织关系转接逾期' }).waitFor();
  const kinds = await phone.locator('[data-test="kind"]').count();
  // With the two of organizational life (issue 15) and the five of the exchange and supervision (issue 17).
  expect(kinds === 13, `every notification kind is listed (${kinds})`);
  const urgentSms = phone.locator('[data-test="switch-transfers.overdue-sms"]');
  expect(await urgentSms.evaluate((el) => el.classList.contains('van-switch--on')), 'SMS is on for urgent transfers');
  const generalSms = phone.locator('[data-test="switch-general-sms"]');
  expect(!(await generalSms.evaluate((el) => el.classList.contains('van-switch--on'))), 'SMS is off for other notices');
  await phone.locator('[data-test="push-enable"]').waitFor();
  await phone.locator('[data-test="unreachable"]', { hasText: '邮件暂不可用' }).waitFor();
  await phone.getByText('22:00').waitFor();
  await phone.getByText('07:00').waitFor();
  await expectTranslated(phone);
  await shot(phone, '01-settings');

  log('turn email on for other notices; it stays on after a reload');
  await phone.locator('[data-test="switch-general-email"]').tap();
  await phone.locator('.van-toast', { hasText: '已保存' }).waitFor();
  await phone.reload();
  await phone.locator('[data-test="switch-general-email"].van-switch--on').waitFor();
  await shot(phone, '02-settings-saved');

  log('the notifications page links to the settings');
  await phone.goto(`${portalUrl}/notifications`);
  await phone.locator('[data-test="notification-settings"]').tap();
  await phone.waitForURL(`${portalUrl}/me/notifications`);

  log('console: 消息投递 opens on the dead-letter list; retry a dead SMS');
  const desk = await session.page();
  await desk.goto(`${consoleUrl}/deliveries`);
  await desk.waitForURL(/\/console\/login/);
  await signIn(desk, admin);
  await desk.waitForURL(`${consoleUrl}/deliveries`);
  const row = desk.locator('[data-test="delivery-table"] .el-table__row', { hasText: deadTitle });
  await row.getByText('已放弃').waitFor();
  await row.getByText('短信').waitFor();
  await row.getByText('provider rate limit').waitFor();
  await expectTranslated(desk);
  await shot(desk, '03-deliveries-dead');
  await row.locator('[data-test="delivery-retry"]').click();
  await desk.locator('.el-message-box', { hasText: deadTitle }).waitFor();
  await shot(desk, '04-retry-confirm');
  await desk.locator('.el-message-box .el-button--primary').click();
  await desk.locator('.el-message--success', { hasText: '已安排重新发送' }).waitFor();
  await row.waitFor({ state: 'detached' });
  await desk.locator('[data-test="delivery-status"]').getByText('全部').click();
  await desk
    .locator('[data-test="delivery-table"] .el-table__row', { hasText: deadTitle })
    .getByText(/待发送|已送达/)
    .waitFor();
  await shot(desk, '05-deliveries-retried');
});
