// Scenario: a tenant admin schedules a live lesson (直播党课) in the console — the dialog first
// refuses an empty title — gets the stream key (shown once, with the RTMP server and the OBS
// settings), sees the list say the key is issued, opens the live monitor of the lesson (not
// started yet; chat and questions panes; connected to the chat socket), pins a notice and sets
// slow mode through the socket, then opens the sensitive-word list and adds a word.
import { config, expect, expectTranslated, log, scenario, shot, signal, signInToConsole, waitForLine } from './lib.mjs';

const { consoleUrl, admin, lessonTitle, lecturer } = config;

/** The open dialog with `test` (Element Plus keeps closed dialogs in the page, hidden). */
const dialog = (page, test) => page.locator(`[data-test="${test}"]:visible`);

/** expectTranslated, and no key of the `live` namespace on the page either. */
async function translated(page) {
  await expectTranslated(page);
  const text = await page.locator('body').innerText();
  const keys = text.match(/\blive\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

await scenario('console_live_lesson', async (session) => {
  const page = await session.page();

  log('the admin signs in and opens 直播党课 from the menu');
  await signInToConsole(page, consoleUrl, admin);
  await page.locator('.el-menu').getByText('直播党课').click();
  await page.waitForURL(`${consoleUrl}/live`);
  await page.getByText('还没有直播党课').waitFor();
  await translated(page);
  await shot(page, '01-empty');

  log('the dialog refuses an empty title, then schedules the lesson');
  await page.locator('[data-test="lesson-create"]').click();
  const form = dialog(page, 'lesson-dialog');
  await form.waitFor();
  await form.locator('[data-test="lesson-save"]').click();
  await form.locator('.el-form-item__error', { hasText: '请填写标题' }).waitFor();
  await shot(page, '02-dialog-refused');
  await form.locator('input[data-test="lesson-title"]').fill(lessonTitle);
  await form.locator('input[data-test="lesson-lecturer"]').fill(lecturer);
  await translated(page);
  await shot(page, '03-dialog-filled');
  await form.locator('[data-test="lesson-save"]').click();
  await page.locator('.el-message--success', { hasText: `已安排「${lessonTitle}」` }).waitFor();
  await form.waitFor({ state: 'hidden' });
  const row = page.locator('[data-test="lessons-table"] .el-table__row', { hasText: lessonTitle }).first();
  await row.getByText('未开始').waitFor();
  await row.getByText('未生成').waitFor();
  await shot(page, '04-scheduled');

  log('the stream key is shown once, with the server and the OBS settings');
  // The actions column is fixed to the right: Element Plus renders it in a copy of the table.
  await page
    .locator('[data-test="lessons-table"] .el-table__row', { hasText: lessonTitle })
    .locator('[data-test="lesson-key"]:visible')
    .first()
    .click();
  const keys = dialog(page, 'stream-key-dialog');
  await keys.waitFor();
  const key = keys.locator('input[data-test="key-value"]');
  await key.waitFor();
  const value = await key.inputValue();
  expect(/^[a-z0-9_]+\.[A-Za-z0-9_-]{20,}$/.test(value), `a stream key <schema>.<secret> is shown (${value})`);
  await keys.getByText('密钥只显示这一次').waitFor();
  expect((await keys.locator('[data-test="key-obs"] .el-table__row').count()) > 0, 'the OBS settings are listed');
  await translated(page);
  await shot(page, '05-stream-key');
  await keys.getByRole('button', { name: '完成' }).click();
  await keys.waitFor({ state: 'hidden' });
  await row.getByText('已生成').waitFor();

  log('opening the key again offers to rotate it instead of showing it');
  await page
    .locator('[data-test="lessons-table"] .el-table__row', { hasText: lessonTitle })
    .locator('[data-test="lesson-key"]:visible')
    .first()
    .click();
  await dialog(page, 'stream-key-dialog').locator('[data-test="key-rotate-hint"]').waitFor();
  expect(
    (await dialog(page, 'stream-key-dialog').locator('input[data-test="key-value"]').count()) === 0,
    'an issued key is not shown again',
  );
  await shot(page, '06-key-rotate-offer');
  await dialog(page, 'stream-key-dialog').getByRole('button', { name: '完成' }).click();

  log('the monitor of the lesson: not started, chat and questions');
  await page
    .locator('[data-test="lessons-table"] .el-table__row', { hasText: lessonTitle })
    .locator('[data-test="lesson-monitor"]:visible')
    .first()
    .click();
  await page.waitForURL(/\/console\/live\/\d+\/monitor$/);
  const monitor = page.locator('[data-test="live-monitor"]');
  await monitor.getByText(lessonTitle).waitFor();
  await monitor.locator('[data-test="monitor-state"]', { hasText: '直播尚未开始' }).waitFor();
  await monitor.locator('[data-test="monitor-chat"]').getByText('暂无消息').waitFor();
  await monitor.locator('[data-test="monitor-questions"]').getByText('暂无提问').waitFor();
  await monitor.locator('[data-test="monitor-connection"]', { hasText: '已连接' }).waitFor();
  await translated(page);
  await shot(page, '07-monitor');

  log('the host pins a notice and sets slow mode through the chat socket');
  await monitor.locator('[data-test="pin-edit"]').click();
  await monitor.locator('textarea[data-test="pin-input"]').fill('请各支部组织党员集中收看');
  await monitor.locator('[data-test="pin-save"]').click();
  // The notice shows when the server's `pinned` event comes back in a batch.
  await monitor.locator('[data-test="pinned-text"]', { hasText: '请各支部组织党员集中收看' }).waitFor();
  await monitor.locator('[data-test="slow-mode"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '每人每 30 秒一条' }).click();
  await monitor.locator('[data-test="slow-mode"]', { hasText: '每人每 30 秒一条' }).waitFor();
  await shot(page, '08-monitor-pinned');

  if (!config.wordsApi) {
    log('the sensitive-word API is not wired in on this branch: skipping the word list');
    return;
  }
  log('the lesson ran and ended: the monitor says so by itself, then the attendance');
  signal('END');
  await waitForLine('ENDED');
  await monitor.locator('[data-test="monitor-state"]', { hasText: '直播已结束' }).waitFor({ timeout: 45000 });
  await monitor.locator('[data-test="monitor-attendance"]').click();
  await page.waitForURL(/\/console\/live\/\d+\/attendance$/);
  const report = page.locator('[data-test="attendance-page"]');
  await report.locator('[data-test="attendance-present"]', { hasText: '1' }).waitFor();
  const figures = {};
  for (const kind of ['expected', 'present', 'partly', 'absent', 'replay']) {
    figures[kind] = (await report.locator(`[data-test="attendance-${kind}"]`).innerText()).trim();
  }
  expect(
    JSON.stringify(figures) === JSON.stringify({ expected: '4', present: '1', partly: '1', absent: '2', replay: '1' }),
    `the totals: ${JSON.stringify(figures)}`,
  );
  await report.locator('[data-test="attendance-units"]').getByText('机关党支部').waitFor();
  await report
    .locator('[data-test="attendance-members"] .el-table__row', { hasText: '张建华' })
    .getByText('出席')
    .waitFor();
  await translated(page);
  await shot(page, '09-attendance');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    report.locator('[data-test="attendance-export"]').click(),
  ]);
  expect(download.suggestedFilename().endsWith('.xlsx'), `an Excel file (${download.suggestedFilename()})`);

  log("the group's lessons for this tenant are a tab of their own");
  await page.locator('.el-menu').getByText('直播党课').click();
  await page.waitForURL(`${consoleUrl}/live`);
  await page.locator('[data-test="live-tabs"] .el-tabs__item', { hasText: '集团直播' }).click();
  await page.locator('[data-test="group-lessons-table"]').waitFor();
  await translated(page);
  await page.locator('[data-test="live-tabs"] .el-tabs__item', { hasText: '本单位直播' }).click();

  log('the sensitive-word list: add a word');
  await page.locator('[data-test="sensitive-words-link"]').click();
  await page.waitForURL(`${consoleUrl}/live/sensitive-words`);
  await page.locator('[data-test="word-create"]').click();
  const words = dialog(page, 'word-dialog');
  await words.locator('input[data-test="word-input"]').fill('刷屏广告');
  await words.locator('[data-test="word-save"]').click();
  await page.locator('[data-test="words-table"] .el-table__row', { hasText: '刷屏广告' }).waitFor();
  await translated(page);
  await shot(page, '10-sensitive-words');
});
