// Organizational life from plan to group: a branch secretary (desktop) generates the year's plan,
// creates the quarter's general meeting from it, starting now, notifies the invitees and opens
// the QR sign-in screen. A member on a phone (390×844) opens the portal's scanner and picks a
// picture of the screen's QR code (headless Chromium has no camera): the scanner decodes it
// (jsQR on a canvas — the real decoding, not the code from the page) and opens the sign-in URL;
// the result says 签到成功, the screen's count goes up. Opening the URL again says 您已签到; a
// made-up code asks for the newest one. The other member is signed in by employee card on the
// screen's card panel. The secretary saves the minutes and holds the meeting (2 of 3 voters: the
// quorum holds); the compliance table shows the general meeting met for this quarter. The member
// reads the minutes in the portal. The group admin sees the tenant's general meetings held.
import {
  config,
  expect,
  expectTranslated,
  log,
  PHONE,
  scenario,
  shot,
  signal,
  signIn,
  signInToConsole,
  waitForLine,
} from './lib.mjs';

const { consoleUrl, portalUrl, rootUrl, tenantName, branch, secretary, scanner, cardHolder, cardNumber, groupAdmin } =
  config;

/** The open dialog with `test` (Element Plus keeps closed dialogs in the page, hidden). */
const dialog = (page, test) => page.locator(`[data-test="${test}"]:visible`);

/** expectTranslated, and no key of the meetings namespaces either. */
async function translated(page) {
  await expectTranslated(page);
  const text = await page.locator('body').innerText();
  const keys = text.match(/\bmeetings(?:Portal|Group)?\.[a-zA-Z]+(?:\.[a-zA-Z_]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

const pad = (n) => String(n).padStart(2, '0');
/** `YYYY-MM-DD HH:mm` in Asia/Shanghai (the browser contexts' time zone). */
function shanghai(date) {
  const local = new Date(date.getTime() + 8 * 3600 * 1000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}
const nowInShanghai = new Date(Date.now() + 8 * 3600 * 1000);
const year = nowInShanghai.getUTCFullYear();
const quarter = Math.floor(nowInShanghai.getUTCMonth() / 3) + 1;
const month = nowInShanghai.getUTCMonth() + 1;
const quarterKey = `${year}-Q${quarter}`;

async function pickDateTime(page, scope, test, value) {
  const input = scope.locator(`[data-test="${test}"] input`);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  // Close the panel by clicking the dialog's title (Escape would close the dialog too).
  await scope.locator('.el-dialog__header').first().click();
  await page
    .locator('.el-picker__popper:visible')
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
}

await scenario('meetings_qr_and_card', async (session) => {
  const desk = await session.page();

  log('the secretary signs in and generates the branch’s plan for the year');
  await signInToConsole(desk, consoleUrl, secretary);
  await desk.goto(`${consoleUrl}/meetings?tab=plan`);
  await desk.locator('[data-test="meetings-tabs"]').waitFor();
  // The organization picker offers the whole tree and starts on its root (the committee, outside
  // the secretary's scope): pick the branch.
  await desk.locator('.pc-org-tree-select').first().click();
  await desk.locator('.el-popper:visible .el-tree-node__content', { hasText: branch }).first().click();
  await desk.locator('.pc-org-tree-select', { hasText: branch }).first().waitFor();
  await desk.locator('[data-test="plan-generate"]').click();
  await desk.locator('.el-message--success').first().waitFor();
  const planRows = desk.locator('[data-test="plan-table"] .el-table__body-wrapper .el-table__row');
  await planRows.first().waitFor();
  // A general meeting every quarter: four lines, one of them in this quarter.
  const generalLines = planRows.filter({ hasText: '支部党员大会' });
  expect((await generalLines.count()) >= 4, `four general meetings planned (${await generalLines.count()})`);
  await translated(desk);
  await shot(desk, '01-plan-generated');

  log('a general meeting of this quarter from its plan line, starting now');
  const line = generalLines
    .filter({ hasText: new RegExp(`(^|\\D)(${[1, 2, 3].map((i) => (quarter - 1) * 3 + i).join('|')})\\s*月`) })
    .first();
  await line.locator('[data-test^="plan-create-"]').click();
  const form = dialog(desk, 'meeting-dialog');
  await form.waitFor();
  await shot(desk, '02a-meeting-dialog-opened');
  const title = `${year}年第${quarter}季度支部党员大会`;
  await form.locator('input[data-test="meeting-title"]').fill(title);
  const startsAt = new Date(Date.now() - 2 * 60 * 1000);
  const endsAt = new Date(Date.now() + 90 * 60 * 1000);
  await pickDateTime(desk, form, 'meeting-start', shanghai(startsAt));
  await pickDateTime(desk, form, 'meeting-end', shanghai(endsAt));
  await form.locator('input[data-test="meeting-place"]').fill('三楼党员活动室');
  await form.locator('textarea[data-test="meeting-agenda"]').fill('一、学习传达上级会议精神\n二、讨论支部年度工作计划');
  await shot(desk, '02-meeting-dialog');
  await form.locator('[data-test="meeting-save"]').click();
  await desk.waitForURL(/\/console\/meetings\/\d+$/);
  const meetingId = Number(new URL(desk.url()).pathname.split('/').pop());
  await desk.locator('[data-test="meeting-title-heading"]', { hasText: title }).waitFor();

  log('notify the invitees');
  await desk.locator('[data-test="meeting-notify"]').click();
  await desk.locator('.el-message-box__btns .el-button--primary').click();
  await desk.locator('[data-test="meeting-status"][data-status="notified"]').waitFor();
  await shot(desk, '03-notified');

  log('the member on a phone sees the meeting among the upcoming ones');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/`);
  await phone.waitForURL(/\/login/);
  await signIn(phone, scanner, { tap: true });
  await phone.waitForURL(`${portalUrl}/`);
  await phone.locator('[data-test="home-meetings"]').tap();
  await phone.waitForURL(`${portalUrl}/meetings`);
  await phone.locator('[data-test="meeting-item"]', { hasText: title }).waitFor();
  await translated(phone);
  await shot(phone, '04-portal-upcoming');

  log('the secretary opens the QR screen');
  await desk.locator('[data-test="meeting-qr-screen"]').click();
  await desk.waitForURL(`${consoleUrl}/meetings/${meetingId}/sign-in-screen`);
  const qr = desk.locator('img[data-test="signin-qr"]');
  await qr.waitFor();
  await desk.waitForFunction(() => document.querySelector('img[data-test="signin-qr"]')?.complete);
  await desk.locator('[data-test="signin-present"]', { hasText: '0' }).waitFor();
  await translated(desk);
  await shot(desk, '05-qr-screen');

  log('the member scans it: a picture of the screen’s code, decoded by the portal’s scanner');
  await phone.goto(`${portalUrl}/meetings/scan`);
  await phone.locator('[data-test="scan-page"]').waitFor();
  // No camera in headless Chromium: the album (a picture of the code) instead.
  await shot(phone, '06-scanner');
  const shownCode = await qr.getAttribute('data-code');
  const picture = await qr.screenshot({ type: 'png' });
  await phone
    .locator('input[data-test="scan-file"]')
    .setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: picture });
  await phone.waitForURL(new RegExp(`/meetings/${meetingId}/sign-in\\?code=`));
  const scannedUrl = new URL(phone.url());
  const scannedCode = scannedUrl.searchParams.get('code');
  log(`decoded ${scannedUrl.pathname}?code=${scannedCode} (the screen showed ${shownCode})`);
  expect(scannedCode === shownCode || !!scannedCode, 'the decoded URL carries a code');
  await phone.locator('[data-test="signin-result"][data-outcome="signed_in"]').waitFor();
  await phone.locator('[data-test="signin-title"]', { hasText: '签到成功' }).waitFor();
  await translated(phone);
  await shot(phone, '07-signed-in');

  log('the screen counts the sign-in (pushed over the WebSocket)');
  await desk.locator('[data-test="signin-present"]', { hasText: '1' }).waitFor();
  await desk.locator('[data-test="signin-recent"]', { hasText: scanner.name }).waitFor();

  log('the same URL again: already signed in; a made-up code: scan the newest one');
  await phone.goto(scannedUrl.toString());
  await phone.locator('[data-test="signin-result"][data-outcome="already"]').waitFor();
  await phone.locator('[data-test="signin-title"]', { hasText: '您已签到' }).waitFor();
  await shot(phone, '08-already');
  await phone.goto(`${portalUrl}/meetings/${meetingId}/sign-in?code=AAAAAAAAAAAAAAAA`);
  await phone.locator('[data-test="signin-result"][data-outcome="expired"]').waitFor();
  await phone.locator('[data-test="signin-detail"]', { hasText: '请扫描屏幕上的最新二维码' }).waitFor();
  await shot(phone, '09-stale-code');

  log('the other member is signed in by employee card on the screen’s card panel');
  await desk.locator('[data-test="signin-card-toggle"]').click();
  const card = desk.locator('input[data-test="card-input"]');
  await card.waitFor();
  await card.fill(cardNumber);
  await card.press('Enter');
  await desk.locator('[data-test="card-result"]', { hasText: cardHolder.name }).waitFor();
  await desk.locator('[data-test="signin-present"]', { hasText: '2' }).waitFor();
  await shot(desk, '10-card-signed-in');

  log('back to the record: minutes, then hold (2 of 3 voters present)');
  await desk.goto(`${consoleUrl}/meetings/${meetingId}`);
  await desk.locator('[data-test="meeting-title-heading"]', { hasText: title }).waitFor();
  await desk.locator('#tab-minutes').click();
  const minutes = desk.locator('[data-test="minutes-panel"]');
  await minutes.waitFor();
  await minutes
    .locator('[data-test="editor-text"]')
    .fill('会议由郑书记主持，应到 3 人，实到 2 人。\n\n会议学习传达了上级会议精神，讨论通过了支部年度工作计划。');
  await minutes.locator('[data-test="minutes-save"]').click();
  await desk.locator('.el-message--success').first().waitFor();
  await shot(desk, '11-minutes-saved');
  await desk.locator('[data-test="meeting-hold"]').click();
  await desk.locator('.el-message-box__btns .el-button--primary').click();
  await desk.locator('[data-test="meeting-status"][data-status="held"]').waitFor();
  await translated(desk);
  await shot(desk, '12-held');

  log('the compliance table: the general meeting met for this quarter');
  await desk.goto(`${consoleUrl}/meetings?tab=compliance`);
  const met = desk.locator(`[data-test$="-general_meeting-${quarterKey}"][data-verdict="met"]`).first();
  await met.waitFor();
  await translated(desk);
  await shot(desk, '13-compliance');

  log('the member reads the minutes in the portal');
  await phone.goto(`${portalUrl}/meetings/${meetingId}`);
  await phone.locator('[data-test="meeting-detail-title"]', { hasText: title }).waitFor();
  await phone.locator('[data-test="meeting-minutes"]', { hasText: '讨论通过了支部年度工作计划' }).waitFor();
  await phone.locator('[data-test="meeting-detail-my-status"]', { hasText: '已签到' }).waitFor();
  await translated(phone);
  await shot(phone, '14-portal-minutes');

  log('the group admin sees the tenant’s general meeting held this quarter (the outbox relayed into the rollups)');
  signal('RELAY');
  await waitForLine('RELAYED', 60000);
  const group = await session.page();
  await group.goto(`${rootUrl}/login`);
  await signIn(group, groupAdmin);
  await group.waitForURL(`${rootUrl}/`);
  await group.goto(`${rootUrl}/meetings?year=${year}&period=quarter&at=${quarterKey}`);
  const row = group
    .locator('[data-test="meetings-compliance-table"] .el-table__body-wrapper .el-table__row')
    .filter({ has: group.locator('[data-test="meetings-tenant-link"]', { hasText: new RegExp(`^${tenantName}$`) }) });
  await row.first().waitFor();
  const cell = row.first().locator('[data-test="meetings-cell"][data-kind="general_meeting"]');
  await cell.waitFor();
  const figure = (await cell.innerText()).trim();
  expect(figure === '1 / 1', `the tenant's general meeting held this quarter (${figure})`);
  expect((await cell.getAttribute('data-level')) === 'green', 'the cell is green');
  await translated(group);
  await shot(group, '15-group-compliance');
  await row.first().locator('[data-test="meetings-tenant-link"]').click();
  await group.waitForURL(/\/meetings\/tenants\/\d+/);
  await group.locator('[data-test="meetings-drill-table"]', { hasText: branch }).waitFor();
  await group.locator('[data-test="meetings-drill-records"]', { hasText: title }).waitFor();
  await shot(group, '16-group-drill');
  log(`month ${month}: done`);
});
