// Issue 13's scenario, end to end with real video. The group admin schedules a group-wide lesson
// for two subsidiaries on the group site and reads its stream key and RTMP URL from the page; this
// script pushes an ffmpeg test pattern there. Member A (subsidiary one, a phone) opens the lesson
// list, the lesson, sees it turn live by itself and plays it; chats and asks a question. Member B
// (subsidiary two, desktop) sees A's message with A's unit·name. A member of a third subsidiary
// finds no such lesson. The group admin mutes A on the monitor: A's next message is refused. B
// keeps playing; the encoder stops; both pages turn ended; the attendance page shows the two
// subsidiaries with their counts, and not the third.
import { spawn } from 'node:child_process';

import {
  config,
  expect,
  expectTranslated,
  log,
  PHONE,
  scenario,
  shot,
  signIn,
  waitPlaying,
  writeJson,
} from './lib.mjs';

const { rootUrl, groupAdmin, title, one, two, outsider } = config;
const MINUTE = 60 * 1000;

const visible = (page, test) => page.locator(`[data-test="${test}"]:visible`);

/** "YYYY-MM-DD HH:mm" in Beijing time (the browser contexts' zone), the date pickers' format. */
const beijing = (date) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);

async function signInAt(page, person, url) {
  await page.waitForURL(/\/login/);
  await signIn(page, person);
  await page.waitForURL(url);
}

const videoTime = (page) =>
  page.locator('[data-test="live-player"] video').evaluate((element) => ({
    time: element.currentTime,
    paused: element.paused,
    ready: element.readyState,
  }));

/** Each page's heartbeats and what the server answered (counted seconds, or a refusal). */
const beats = { A: [], B: [] };
function watchBeats(page, who) {
  page.on('response', async (response) => {
    if (!response.url().endsWith('/heartbeat')) return;
    const body = await response.json().catch(() => null);
    beats[who].push({
      at: new Date().toISOString(),
      status: response.status(),
      sent: response.request().postDataJSON(),
      body,
    });
  });
}

let ffmpeg = null;
process.on('exit', () => ffmpeg?.kill('SIGKILL'));

await scenario('live_group_lesson', async (session) => {
  const timeline = [];
  const mark = (what) => timeline.push({ at: new Date().toISOString(), what });

  // ------------------------------------------------------------------ the group admin schedules
  const admin = await session.page();
  log('the group admin signs in on the root host and schedules a lesson for two subsidiaries');
  await admin.goto(`${rootUrl}/live`);
  await signInAt(admin, groupAdmin, `${rootUrl}/live`);
  await admin.locator('[data-test="lessons-table"]').waitFor();
  await admin.locator('[data-test="lesson-create"]').click();
  const form = visible(admin, 'lesson-dialog');
  await form.locator('input[data-test="lesson-title"]').fill(title);
  await form.locator('input[data-test="lesson-lecturer"]').fill('集团党委书记');
  const start = new Date(Date.now() + 2.5 * MINUTE);
  const startInput = form.locator('[data-test="lesson-start"] input');
  for (const [test, when] of [
    ['lesson-start', start],
    ['lesson-end', new Date(start.getTime() + 60 * MINUTE)],
  ]) {
    const input = form.locator(`[data-test="${test}"] input`);
    await input.click();
    await input.fill(beijing(when));
    await input.press('Enter');
  }
  await form.locator('input[data-test="lesson-title"]').click(); // close any open picker
  await form.locator('[data-test="lesson-audience-tenants"]').click();
  for (const unit of [one, two])
    await admin.locator('.el-select-dropdown__item:visible', { hasText: unit.name }).click();
  await form.locator('input[data-test="lesson-title"]').click(); // close the dropdown
  expect((await startInput.inputValue()) === beijing(start), 'the start time took');
  await shot(admin, '01-schedule-dialog');
  await form.locator('[data-test="lesson-save"]').click();
  await admin.locator('.el-message--success', { hasText: `已安排「${title}」` }).waitFor();
  const row = admin.locator('[data-test="lessons-table"] .el-table__row', { hasText: title }).first();
  await row.getByText(one.shortName).waitFor();
  await row.getByText(two.shortName).waitFor();
  await expectTranslated(admin);
  await shot(admin, '02-scheduled');
  mark('scheduled');

  log('the stream key and the RTMP URL, read from the page');
  await row.locator('[data-test="lesson-key"]').click();
  const keyDialog = visible(admin, 'stream-key-dialog');
  const keyInput = keyDialog.locator('input[data-test="key-value"]');
  await keyInput.waitFor();
  const key = await keyInput.inputValue();
  const rtmp = await keyDialog.locator('input[data-test="key-rtmp"]').inputValue();
  expect(key.startsWith('public.'), `a group lesson's key (${key})`);
  expect(rtmp.startsWith('rtmp://'), `the RTMP URL is shown (${rtmp})`);
  await shot(admin, '03-stream-key');
  await keyDialog.getByRole('button', { name: '完成' }).click();

  log('the monitor (the group admins host group lessons)');
  await row.locator('[data-test="lesson-monitor"]').click();
  await admin.waitForURL(/\/live\/\d+\/monitor$/);
  const lessonId = Number(new URL(admin.url()).pathname.split('/')[2]);
  const monitor = admin.locator('[data-test="live-monitor"]');
  await monitor.locator('[data-test="monitor-connection"]', { hasText: '已连接' }).waitFor();
  const lessonPath = `/live/group/${lessonId}`;

  // ------------------------------------------------------------------ member A, on a phone
  const phone = await session.page(PHONE);
  watchBeats(phone, 'A');
  log('member A (subsidiary one) opens the lesson list on a phone, then the lesson');
  await phone.goto(`${one.url}/live`);
  await signInAt(phone, one.member, /\/live(\?|$)/);
  await phone.locator('[data-test="live-tab-upcoming"]').click();
  const card = phone.locator('[data-test="live-card"]', { hasText: title });
  await card.waitFor();
  await expectTranslated(phone);
  await shot(phone, '04-A-list');
  await card.click();
  await phone.waitForURL(`${one.url}${lessonPath}`);
  await phone.locator('[data-test="live-player"][data-state="scheduled"]').waitFor();
  await phone.locator('[data-test="live-connection"]').waitFor({ state: 'detached' });
  await shot(phone, '05-A-waiting');

  // ------------------------------------------------------------------ member B, desktop
  const desk = await session.page();
  watchBeats(desk, 'B');
  log('member B (subsidiary two) opens the same lesson on a desktop');
  await desk.goto(`${two.url}${lessonPath}`);
  await signInAt(desk, two.member, `${two.url}${lessonPath}`);
  await desk.locator('[data-test="live-player"][data-state="scheduled"]').waitFor();
  await desk.locator('[data-test="live-connection"]').waitFor({ state: 'detached' });

  // ------------------------------------------------------------------ the third subsidiary
  const third = await session.page(PHONE);
  log('a member of the third subsidiary: no such lesson');
  await third.goto(`${outsider.url}/live`);
  await signInAt(third, outsider.member, /\/live(\?|$)/);
  await third.locator('[data-test="live-tab-upcoming"]').click();
  await third.locator('[data-test="live-empty-upcoming"], [data-test="live-card"]').first().waitFor();
  expect(!(await third.locator('[data-test="live-card"]', { hasText: title }).count()), 'not in the third’s list');
  await shot(third, '06-C-list');
  await third.goto(`${outsider.url}${lessonPath}`);
  await third.locator('[data-test="live-not-found"]').waitFor();
  await expectTranslated(third);
  await shot(third, '07-C-not-found');

  // ------------------------------------------------------------------ the encoder starts
  log(`ffmpeg pushes a test pattern to ${rtmp}/public.…`);
  // prettier-ignore
  const args = [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', '170', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', '50', '-c:a', 'aac', '-f', 'flv', `${rtmp}/${key}`,
  ];
  ffmpeg = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'inherit'] });
  const ffmpegExit = new Promise((resolve) => ffmpeg.on('exit', (code, sig) => resolve({ code, sig })));
  mark('ffmpeg started');

  log('A sees it go live by itself, and it plays');
  await phone.locator('[data-test="live-player"][data-state="live"]').waitFor({ timeout: 30000 });
  mark('A live');
  await waitPlaying(phone);
  // The video's time advances by 2 s (polled: on a loaded machine the player may rebuffer once).
  const a1 = await videoTime(phone);
  let a2 = a1;
  for (let waited = 0; waited < 20000 && !(a2.time > a1.time + 2); waited += 500) {
    await phone.waitForTimeout(500);
    a2 = await videoTime(phone);
  }
  expect(!a2.paused && a2.time > a1.time + 2, `A's video time advances (${a1.time} → ${a2.time})`);
  await shot(phone, '08-A-playing');

  log('B too');
  await desk.locator('[data-test="live-player"][data-state="live"]').waitFor({ timeout: 30000 });
  await waitPlaying(desk);

  log('while it is live, the third subsidiary still has no such lesson, and its chat socket is refused');
  await third.goto(`${outsider.url}/live?when=live`);
  await third.locator('[data-test="live-empty-live"], [data-test="live-card"]').first().waitFor();
  expect(!(await third.locator('[data-test="live-card"]', { hasText: title }).count()), 'not live for the third');
  const closed = await third.evaluate(
    (path) =>
      new Promise((resolve) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws${path}`);
        socket.onclose = (event) => resolve(event.code);
      }),
    lessonPath,
  );
  expect(closed === 4404, `the third's socket is closed 4404 (${closed})`);
  await shot(third, '08b-C-live-tab');
  await third.context().close();

  log('A chats and asks a question');
  const message = '林晓燕：画面和声音都很清楚！';
  const question = '请问学习心得需要在什么时候提交？';
  const input = phone.locator('[data-test="chat-input"]');
  await input.fill(message);
  await phone.locator('[data-test="chat-send"]').click();
  await phone.locator('[data-test="chat-message"]', { hasText: message }).waitFor();
  await phone.locator('[data-test="chat-tab-questions"]').click();
  await input.fill(question);
  await phone.locator('[data-test="chat-send"]').click();
  await phone.locator('[data-test="chat-question"]', { hasText: question }).waitFor();
  await shot(phone, '09-A-question');
  await phone.locator('[data-test="chat-tab-chat"]').click();

  log("B sees A's message with A's unit·name");
  const seen = desk.locator('[data-test="chat-message"]', { hasText: message });
  await seen.waitFor();
  const who = await seen.locator('.pc-chat-who').innerText();
  expect(who === `${one.shortName}·${one.member.name}`, `B sees the sender as unit·name (${who})`);
  await shot(desk, '10-B-sees-message');

  log('the group admin sees both and mutes A');
  await monitor.locator('[data-test="question-line"]', { hasText: question }).waitFor();
  const line = monitor.locator('[data-test="chat-line"]', { hasText: message });
  await line.waitFor();
  await line.locator('[data-test="line-mute"]').click();
  await admin.locator('.el-message--success', { hasText: '已禁言' }).waitFor();
  await monitor.locator('[data-test="muted-user"]', { hasText: one.member.name }).waitFor();
  await expectTranslated(admin);
  await shot(admin, '11-monitor-muted');
  mark('A muted');

  log("A's next message is refused: the box says so, and the server refuses what the socket sends");
  await input.waitFor();
  await phone.waitForFunction(() => document.querySelector('[data-test="chat-input"]')?.disabled === true);
  const placeholder = await input.getAttribute('placeholder');
  expect(placeholder === '您已被禁言', `the box says muted (${placeholder})`);
  const refused = await phone.evaluate(
    (path) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws${path}`);
        setTimeout(() => reject(new Error('no answer from the chat socket')), 10000);
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.type === 'welcome')
            socket.send(JSON.stringify({ type: 'say', text: '我还能发言吗？', client_id: 'e2e-1' }));
          if (frame.type === 'refused' || frame.type === 'ack') {
            socket.close();
            resolve(frame);
          }
        };
      }),
    lessonPath,
  );
  expect(refused.type === 'refused' && refused.code === 'live.chat_muted', `refused: ${JSON.stringify(refused)}`);
  expect(refused.message === '主持人已将您禁言。', `in Chinese: ${refused.message}`);
  await shot(phone, '12-A-muted');
  await desk.waitForTimeout(1000);
  expect(!(await desk.locator('[data-test="chat-message"]', { hasText: '我还能发言吗' }).count()), 'B never sees it');

  log('B keeps playing ~20 s');
  const b1 = await videoTime(desk);
  await desk.waitForTimeout(20000);
  const b2 = await videoTime(desk);
  expect(!b2.paused && b2.time > b1.time + 10, `B's video plays on (${b1.time} → ${b2.time})`);
  await shot(desk, '13-B-still-playing');

  log('the encoder stops: both pages turn ended by themselves');
  ffmpeg.stdin.write('q');
  const exit = await Promise.race([ffmpegExit, new Promise((resolve) => setTimeout(() => resolve(null), 15000))]);
  expect(exit !== null, 'ffmpeg stopped');
  mark('ffmpeg stopped');
  for (const page of [phone, desk]) {
    await page.locator('[data-test="live-player"][data-state="ended"]').waitFor({ timeout: 30000 });
    await page.locator('[data-test="live-ended"]').waitFor();
  }
  mark('both ended');
  await shot(phone, '14-A-ended');
  await shot(desk, '15-B-ended');

  log("the group site's attendance: the two subsidiaries with their counts, not the third");
  await admin.goto(`${rootUrl}/live/${lessonId}/attendance`);
  const table = admin.locator('[data-test="attendance-units"]');
  const rowOf = (unit) => table.locator('.el-table__row', { hasText: unit.name });
  await rowOf(one).waitFor();
  const counts = {};
  for (const [name, unit] of [
    ['one', one],
    ['two', two],
  ]) {
    const cells = await rowOf(unit).locator('td').allInnerTexts();
    const [expected, present, partly, absent] = cells.slice(1, 5).map((cell) => Number(cell.trim()));
    counts[name] = { expected, present, partly, absent, rate: cells[6]?.trim() };
    expect(expected === 1 && present + partly === 1 && absent === 0, `${unit.name}: ${JSON.stringify(counts[name])}`);
  }
  expect(!(await table.locator('.el-table__row', { hasText: outsider.name }).count()), 'the third is not there');
  expect((await table.locator('.el-table__row').count()) === 2, 'two subsidiaries');
  await expectTranslated(admin);
  await shot(admin, '16-attendance');
  writeJson('outcome', {
    lessonId,
    timeline,
    counts,
    a: [a1, a2],
    b: [b1, b2],
    refused,
    outsiderSocket: closed,
    beats,
  });
});
