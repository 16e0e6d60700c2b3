import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';

import type { HeartbeatBody, WatchMode } from '@/api/liveWatch';

import { tabSession, useLiveHeartbeat } from './useLiveHeartbeat';

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(value: DocumentVisibilityState, { announce = true } = {}): void {
  visibility = value;
  if (announce) document.dispatchEvent(new Event('visibilitychange'));
}

function mount(mode: WatchMode = 'live') {
  const beats: HeartbeatBody[] = [];
  const playing = ref(false);
  const modeRef = ref<WatchMode>(mode);
  const send = vi.fn(async (body: HeartbeatBody) => {
    beats.push(body);
    return { counted_seconds: 15, watched_seconds: 15 * beats.length, mode: body.mode };
  });
  const scope = effectScope();
  const heartbeat = scope.run(() => useLiveHeartbeat({ send, playing, mode: modeRef }))!;
  const states = () => beats.map((beat) => beat.state);
  return { beats, states, playing, mode: modeRef, heartbeat, unmount: () => scope.stop() };
}

const SECOND = 1000;

beforeEach(() => {
  vi.useFakeTimers();
  visibility = 'visible';
  sessionStorage.clear();
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
});
afterEach(() => {
  vi.useRealTimers();
  delete (document as { visibilityState?: unknown }).visibilityState;
});

describe('useLiveHeartbeat', () => {
  it('beats every 15 s while playing, and once paused when playing stops', async () => {
    const { beats, states, playing, heartbeat, unmount } = mount();
    vi.advanceTimersByTime(60 * SECOND);
    expect(beats).toEqual([]);

    playing.value = true;
    expect(beats).toEqual([{ session: heartbeat.session, state: 'playing', mode: 'live' }]);
    vi.advanceTimersByTime(14 * SECOND);
    expect(states()).toEqual(['playing']);
    vi.advanceTimersByTime(SECOND);
    expect(states()).toEqual(['playing', 'playing']);
    vi.advanceTimersByTime(30 * SECOND);
    expect(states()).toEqual(['playing', 'playing', 'playing', 'playing']);

    playing.value = false;
    expect(states().at(-1)).toBe('paused');
    vi.advanceTimersByTime(60 * SECOND);
    expect(beats).toHaveLength(5);
    await vi.runAllTimersAsync();
    expect(heartbeat.last.value?.watched_seconds).toBe(75);
    unmount();
  });

  it('stops with hidden when the tab is hidden and starts again when it is back', () => {
    const { states, playing, heartbeat, unmount } = mount();
    playing.value = true;
    setVisibility('hidden');
    expect(heartbeat.counting.value).toBe(false);
    expect(states()).toEqual(['playing', 'hidden']);
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual(['playing', 'hidden']);
    setVisibility('visible');
    expect(states()).toEqual(['playing', 'hidden', 'playing']);
    unmount();
  });

  it('notices a hidden page at the next tick even without the event', () => {
    const { states, playing, unmount } = mount();
    playing.value = true;
    setVisibility('hidden', { announce: false });
    vi.advanceTimersByTime(15 * SECOND);
    expect(states()).toEqual(['playing', 'hidden']);
    unmount();
  });

  it('sends the mode; a mode change (the lesson ended) closes the stretch with a last beat, the next playing opens one', () => {
    const { beats, states, playing, mode, unmount } = mount('live');
    playing.value = true;
    expect(beats[0]!.mode).toBe('live');
    mode.value = 'replay';
    vi.advanceTimersByTime(60 * SECOND);
    // One closing live beat (counted up to the lesson's end), then nothing until the replay plays.
    expect(beats.map((beat) => [beat.state, beat.mode])).toEqual([
      ['playing', 'live'],
      ['paused', 'live'],
    ]);
    playing.value = false;
    playing.value = true;
    expect(beats.map((beat) => [beat.state, beat.mode])).toEqual([
      ['playing', 'live'],
      ['paused', 'live'],
      ['playing', 'replay'],
    ]);
    vi.advanceTimersByTime(15 * SECOND);
    expect(states()).toEqual(['playing', 'paused', 'playing', 'playing']);
    unmount();
    expect(states()).toEqual(['playing', 'paused', 'playing', 'playing', 'paused']);
    vi.advanceTimersByTime(60 * SECOND);
    expect(beats).toHaveLength(5);
  });

  it('keeps one session per tab', () => {
    const first = mount();
    const second = mount();
    expect(first.heartbeat.session).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.heartbeat.session).toBe(first.heartbeat.session);
    expect(tabSession()).toBe(first.heartbeat.session);
    first.unmount();
    second.unmount();
  });
});
