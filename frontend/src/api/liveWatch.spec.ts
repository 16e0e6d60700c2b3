import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../tests/unit/helpers';

import { calendarUrl, chatHistory, getWatch, listWatchable, renewPlayback, sendHeartbeat } from './liveWatch';

afterEach(() => vi.unstubAllGlobals());

describe('liveWatch', () => {
  it('calls the viewer endpoints of the contract', async () => {
    freshApp();
    const calls = fakeFetch(({ url }) => {
      if (url.includes('/heartbeat')) return [200, { counted_seconds: 15, watched_seconds: 30, mode: 'live' }];
      if (url.includes('/playback')) return [200, { url: 'http://x/shls/a/1/n/index.m3u8', expires_at: 'z' }];
      if (url.includes('/chat')) return [200, { events: [{ id: 3 }], has_more: false }];
      if (url.startsWith('/api/v1/live/watch/?')) return [200, { count: 0, next: null, previous: null, results: [] }];
      return [200, { id: 7, scope: 'group' }];
    });
    expect((await listWatchable('live', 2)).count).toBe(0);
    expect((await getWatch('group', 7)).id).toBe(7);
    expect((await renewPlayback('tenant', 5)).expires_at).toBe('z');
    const beat = await sendHeartbeat('tenant', 5, { session: 's-1', state: 'playing', mode: 'live' });
    expect(beat.watched_seconds).toBe(30);
    expect((await chatHistory('tenant', 5, 40)).events).toEqual([{ id: 3 }]);
    expect(calls.map((call) => [call.method, call.url])).toEqual([
      ['GET', '/api/v1/live/watch/?when=live&page=2'],
      ['GET', '/api/v1/live/watch/group/7'],
      ['POST', '/api/v1/live/watch/tenant/5/playback'],
      ['POST', '/api/v1/live/watch/tenant/5/heartbeat'],
      ['GET', '/api/v1/live/watch/tenant/5/chat?before=40'],
    ]);
    expect(calls[3]!.body).toEqual({ session: 's-1', state: 'playing', mode: 'live' });
    expect(calendarUrl('group', 7)).toBe('/api/v1/live/watch/group/7/calendar.ics');
  });
});
