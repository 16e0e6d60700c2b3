// Scenario 3: a member on a phone-sized screen signs in on the member portal, sees home,
// profile and notifications; a notification sent while the page is open arrives over the
// WebSocket; the portal registers its service worker (PWA). A member without notifications
// sees the empty state.
import { config, expect, expectTranslated, log, scenario, shot, signal, signIn, waitForLine } from './lib.mjs';

const { portalUrl, member, quietMember } = config;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function signInAt(page, user) {
  await page.goto(`${portalUrl}/`);
  await page.waitForURL(/\/login/);
  await page.locator('[data-test="site-name"]').getByText(config.siteName).waitFor();
  await signIn(page, user, { tap: true });
  await page.waitForURL(`${portalUrl}/`);
}

await scenario('portal', async (session) => {
  const page = await session.page(PHONE);

  log('the login page');
  await page.goto(`${portalUrl}/notifications`);
  await page.waitForURL(/\/login\?redirect=/);
  await page.locator('[data-test="site-name"]').getByText(config.siteName).waitFor();
  await shot(page, '01-login');

  log('a wrong password explains itself in Chinese');
  await page.locator('input[name="identifier"]').fill(member.identifier);
  await page.locator('input[name="password"]').fill('wrong-password-1');
  await page.locator('[data-test="login-submit"]').tap();
  // The server blames the password field: the message sits under it.
  await page.locator('.van-field__error-message', { hasText: '次' }).waitFor();
  await shot(page, '02-login-error');

  log('sign in: back to the page asked for');
  await page.locator('input[name="password"]').fill(member.password);
  await page.locator('[data-test="login-submit"]').tap();
  await page.waitForURL(`${portalUrl}/notifications`);
  await page.locator('[data-test="notification"]', { hasText: config.notificationTitle }).waitFor();
  await page.locator('[data-test="live-status"]', { hasText: '实时推送已连接' }).waitFor();
  await expectTranslated(page);
  await shot(page, '03-notifications');

  log('home');
  await page.locator('[data-test="tab-home"]').tap();
  await page.waitForURL(`${portalUrl}/`);
  await page.locator('[data-test="greeting"]', { hasText: member.name }).waitFor();
  await page.locator('[data-test="notification-bell"] .van-badge', { hasText: '1' }).waitFor();
  await expectTranslated(page);
  await shot(page, '04-home');

  log('profile');
  await page.locator('[data-test="tab-me"]').tap();
  await page.locator('[data-test="profile-name"]', { hasText: member.name }).waitFor();
  await page.getByText(member.phone).waitFor();
  await expectTranslated(page);
  await shot(page, '05-profile');

  log('changing the password with a wrong current one says so under that field');
  await page.locator('[data-test="password-link"]').tap();
  await page.locator('input[name="old_password"]').fill('not-my-password-1');
  await page.locator('input[name="new_password"]').fill('another2026pass');
  await page.locator('input[name="repeat"]').fill('another2026pass');
  await page.getByRole('button', { name: '提交' }).tap();
  const oldField = page.locator('.van-field', { has: page.locator('input[name="old_password"]') });
  await oldField.locator('.van-field__error-message').waitFor();
  await shot(page, '06-password-wrong');

  log('a notification sent now arrives over the WebSocket');
  await page.locator('[data-test="tab-notifications"]').tap();
  await page.locator('[data-test="live-status"]', { hasText: '实时推送已连接' }).waitFor();
  signal('READY');
  await waitForLine('SENT');
  await page.locator('[data-test="notification"]', { hasText: config.liveTitle }).waitFor();
  await page.locator('[data-test="tab-notifications"] .van-badge', { hasText: '2' }).waitFor();
  await shot(page, '07-live-notification');

  log('mark all read');
  await page.locator('[data-test="read-all"]').tap();
  await page.locator('.van-toast', { hasText: '已全部标为已读' }).waitFor();
  await page.locator('[data-test="tab-notifications"] .van-badge').waitFor({ state: 'detached' });

  log('installable: manifest and service worker');
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest.start_url === '/' && manifest.icons.length >= 2, 'the manifest has a start URL and icons');
  const scope = await page.evaluate(async () => {
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no service worker within 10 s')), 10000)),
    ]);
    return registration.scope;
  });
  expect(scope === `${portalUrl}/`, `the service worker controls the whole site (scope ${scope})`);

  log('a member without notifications sees the empty state');
  const quiet = await session.page(PHONE);
  await signInAt(quiet, quietMember);
  await quiet.locator('[data-test="tab-notifications"]').tap();
  await quiet.locator('[data-test="empty"]', { hasText: '暂无通知' }).waitFor();
  await shot(quiet, '08-notifications-empty');
});
