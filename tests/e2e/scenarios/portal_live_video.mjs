// Real video: a member on a phone waits on a lesson's page (countdown); the test pushes an ffmpeg
// test pattern to the real nginx-rtmp ingest and the page turns live by itself (the chat socket's
// status event) and plays the signed HLS stream. The signed URL lives only a few seconds here:
// the player renews it and keeps playing past the first URL's expiry, sending heartbeats every
// 15 s. When the encoder stops, the page turns "ended" by itself.
import {
  config,
  expect,
  log,
  PHONE,
  scenario,
  shot,
  signal,
  signIn,
  waitForLine,
  waitPlaying,
  writeJson,
} from './lib.mjs';

const { portalUrl, member, lesson, playbackTtlSeconds } = config;

await scenario('portal_live_video', async (session) => {
  const page = await session.page(PHONE);
  const hls = [];
  const heartbeats = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes('/shls/')) hls.push({ at: Date.now(), url });
    if (url.endsWith('/heartbeat')) heartbeats.push({ at: Date.now(), body: request.postDataJSON() });
  });
  const refused = [];
  page.on('response', (response) => {
    // 403: a bad or expired signature (a 404 is the playlist not written yet, in the first seconds).
    if (response.url().includes('/shls/') && response.status() === 403)
      refused.push(`${response.status()} ${response.url()}`);
  });

  log('sign in and wait on the lesson page');
  await page.goto(`${portalUrl}/live/${lesson.scope}/${lesson.id}`);
  await page.waitForURL(/\/login\?redirect=/);
  await signIn(page, member, { tap: true });
  await page.waitForURL(`${portalUrl}/live/${lesson.scope}/${lesson.id}`);
  await page.locator('[data-test="live-countdown"]').waitFor();
  await page.locator('[data-test="live-connection"]').waitFor({ state: 'detached' });
  const h264 = await page.evaluate(() =>
    globalThis.MediaSource ? MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"') : false,
  );
  log(`this Chromium plays H.264 through MSE: ${h264}`);
  await shot(page, '01-waiting');

  log('the encoder starts: the page goes live by itself');
  signal('PUSH');
  await waitForLine('PUSHING', 30000);
  await page.locator('[data-test="live-player"][data-state="live"]').waitFor({ timeout: 20000 });
  await page.locator('[data-test="live-badge"]').waitFor();
  expect(h264, 'Chromium without H.264: cannot check playback');

  log('it plays');
  const video = await waitPlaying(page);
  const started = Date.now();
  const firstTime = await video.evaluate((element) => element.currentTime);
  await shot(page, '02-playing');

  log(`keep watching past the first URL's expiry (${playbackTtlSeconds} s)`);
  await page.waitForTimeout((playbackTtlSeconds + 8) * 1000);
  const state = await video.evaluate((element) => ({
    paused: element.paused,
    time: element.currentTime,
    ready: element.readyState,
  }));
  const tokens = [...new Set(hls.map((request) => request.url.split('/shls/')[1].split('/').slice(0, 2).join('/')))];
  writeJson('requests', { tokens, hls: hls.slice(-20), heartbeats, refused, state });
  expect(!state.paused && state.time > firstTime + playbackTtlSeconds - 5, `still playing: ${JSON.stringify(state)}`);
  expect(tokens.length >= 3, `the signed URL was renewed (${tokens.length} tokens)`);
  const lastExpiry = Math.max(...tokens.map((token) => Number(token.split('/')[1])));
  expect(lastExpiry * 1000 > started + playbackTtlSeconds * 1000, 'segments fetched under a URL newer than the first');
  expect(!refused.length, `no signed request refused: ${refused.slice(0, 3).join(', ')}`);
  const playing = heartbeats.filter((beat) => beat.body?.state === 'playing' && beat.body?.mode === 'live');
  expect(playing.length >= 3, `a heartbeat every 15 s while playing (${playing.length})`);
  const sessions = new Set(heartbeats.map((beat) => beat.body?.session));
  expect(sessions.size === 1, 'one session id for the tab');
  await shot(page, '03-still-playing');

  log('the encoder stops: the page says ended by itself');
  signal('STOP');
  await waitForLine('STOPPED', 40000);
  await page.locator('[data-test="live-player"][data-state="ended"]').waitFor({ timeout: 20000 });
  await page.locator('[data-test="live-ended"]').waitFor();
  await shot(page, '04-ended');
});
