import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref, type Ref } from 'vue';

import { useStudyHeartbeat, type StudyBeat, type StudyHeartbeatOptions } from './useStudyHeartbeat';

let visibility: DocumentVisibilityState = 'visible';

function setVisibility(value: DocumentVisibilityState, { announce = true } = {}): void {
  visibility = value;
  if (announce) document.dispatchEvent(new Event('visibilitychange'));
}

/** The composable inside a scope that `unmount()` stops, like a component's setup. */
function mountHeartbeat(options: Partial<StudyHeartbeatOptions> & { active: Ref<boolean> }) {
  const beats: StudyBeat[] = [];
  const send = vi.fn(async (beat: StudyBeat) => {
    beats.push(beat);
  });
  const scope = effectScope();
  const heartbeat = scope.run(() => useStudyHeartbeat({ send, ...options }))!;
  const states = () => beats.map((beat) => beat.state);
  return { beats, states, send, heartbeat, unmount: () => scope.stop() };
}

const SECOND = 1000;

beforeEach(() => {
  vi.useFakeTimers();
  visibility = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete (document as { visibilityState?: unknown }).visibilityState;
});

describe('useStudyHeartbeat for a video', () => {
  it('sends start when playing starts, a tick every interval and stop on pause', () => {
    const playing = ref(false);
    let currentTime = 0;
    const { beats, states, heartbeat, unmount } = mountHeartbeat({ active: playing, position: () => currentTime });

    vi.advanceTimersByTime(60 * SECOND);
    expect(beats).toEqual([]); // Not playing: nothing counts.

    playing.value = true;
    expect(heartbeat.counting.value).toBe(true);
    expect(beats).toEqual([{ state: 'start', session: heartbeat.session, position: 0 }]);

    currentTime = 15;
    vi.advanceTimersByTime(15 * SECOND);
    expect(beats.at(-1)).toEqual({ state: 'tick', session: heartbeat.session, position: 15 });
    vi.advanceTimersByTime(30 * SECOND);
    expect(states()).toEqual(['start', 'tick', 'tick', 'tick']);

    currentTime = 47.5;
    playing.value = false;
    expect(beats.at(-1)).toEqual({ state: 'stop', session: heartbeat.session, position: 47.5 });
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual(['start', 'tick', 'tick', 'tick', 'stop']);
    unmount();
    expect(states()).toHaveLength(5); // Already stopped: no second stop.
  });

  it('uses the interval asked for and one random session per mount', () => {
    const first = mountHeartbeat({ active: ref(true), intervalMs: 5 * SECOND });
    vi.advanceTimersByTime(20 * SECOND);
    expect(first.states()).toEqual(['start', 'tick', 'tick', 'tick', 'tick']);
    expect(new Set(first.beats.map((beat) => beat.session)).size).toBe(1);
    expect(first.beats[0]).not.toHaveProperty('position');

    const second = mountHeartbeat({ active: ref(true) });
    expect(second.heartbeat.session).not.toBe(first.heartbeat.session);
    expect(second.heartbeat.session).toMatch(/^[0-9a-f-]{32,36}$/);
    first.unmount();
    second.unmount();
  });

  it('never counts while the tab is hidden', () => {
    const playing = ref(true);
    const { states, heartbeat, unmount } = mountHeartbeat({ active: playing });
    vi.advanceTimersByTime(15 * SECOND);

    setVisibility('hidden');
    expect(heartbeat.counting.value).toBe(false);
    expect(states()).toEqual(['start', 'tick', 'stop']);
    vi.advanceTimersByTime(5 * 60 * SECOND);
    expect(states()).toEqual(['start', 'tick', 'stop']);

    setVisibility('visible');
    expect(states()).toEqual(['start', 'tick', 'stop', 'start']);
    unmount();
  });

  it('does not start while hidden, even when playing', () => {
    setVisibility('hidden');
    const { states, unmount } = mountHeartbeat({ active: ref(true) });
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual([]);
    unmount();
  });

  it('stops instead of ticking when the page turned hidden without an event', () => {
    const { states, unmount } = mountHeartbeat({ active: ref(true) });
    setVisibility('hidden', { announce: false });
    vi.advanceTimersByTime(15 * SECOND);
    expect(states()).toEqual(['start', 'stop']);
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual(['start', 'stop']);
    unmount();
  });

  it('sends stop on unmount and then listens to nothing', () => {
    const { states, unmount } = mountHeartbeat({ active: ref(true) });
    unmount();
    expect(states()).toEqual(['start', 'stop']);
    setVisibility('hidden');
    setVisibility('visible');
    window.dispatchEvent(new Event('pagehide'));
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual(['start', 'stop']);
  });

  it('keeps going when a beat fails to send', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const send = vi.fn(async () => {
      throw new Error('offline');
    });
    const scope = effectScope();
    scope.run(() => useStudyHeartbeat({ send, active: ref(true) }));
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    expect(send).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalled();
    scope.stop();
  });
});

describe('useStudyHeartbeat when the page goes away', () => {
  it('sends the stop with sendBeacon as a form with the CSRF token', () => {
    document.cookie = 'csrftoken=tok123';
    const sendBeacon = vi.fn((_url: string, _body?: BodyInit | null) => true);
    vi.stubGlobal('navigator', { ...navigator, sendBeacon });
    const { states, heartbeat, unmount } = mountHeartbeat({
      active: ref(true),
      position: () => 12,
      beaconUrl: '/api/v1/learning/heartbeats',
      beaconFields: { resource: 'res-1' },
    });

    window.dispatchEvent(new Event('pagehide'));

    expect(states()).toEqual(['start']); // The stop left by beacon, not by `send`.
    expect(sendBeacon).toHaveBeenCalledTimes(1);
    const [url, body] = sendBeacon.mock.calls[0]!;
    expect(url).toBe('/api/v1/learning/heartbeats');
    expect(Object.fromEntries(body as URLSearchParams)).toEqual({
      resource: 'res-1',
      state: 'stop',
      session: heartbeat.session,
      position: '12',
      csrfmiddlewaretoken: 'tok123',
    });
    vi.advanceTimersByTime(60 * SECOND);
    expect(states()).toEqual(['start']);

    // Back from the back-forward cache: counting again, same session.
    window.dispatchEvent(new Event('pageshow'));
    expect(states()).toEqual(['start', 'start']);
    unmount();
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('falls back to send without a beacon URL', () => {
    const { states, unmount } = mountHeartbeat({ active: ref(true) });
    window.dispatchEvent(new Event('pagehide'));
    expect(states()).toEqual(['start', 'stop']);
    unmount();
    expect(states()).toEqual(['start', 'stop']);
  });
});

describe('useStudyHeartbeat for an article', () => {
  it('counts only while the reader interacted in the last two minutes', () => {
    const open = ref(true);
    const { states, heartbeat, unmount } = mountHeartbeat({ active: open, requireInteraction: true });
    // Opening the article counts as an interaction.
    expect(states()).toEqual(['start']);

    vi.advanceTimersByTime(100 * SECOND);
    window.dispatchEvent(new Event('scroll'));
    vi.advanceTimersByTime(100 * SECOND); // 200 s: the scroll at 100 s keeps it going.
    expect(heartbeat.counting.value).toBe(true);
    expect(states().filter((state) => state === 'tick')).toHaveLength(13);

    vi.advanceTimersByTime(20 * SECOND); // 220 s: two minutes without a scroll, key or pointer.
    expect(heartbeat.counting.value).toBe(false);
    expect(states().at(-1)).toBe('stop');
    const stopped = states().length;
    vi.advanceTimersByTime(10 * 60 * SECOND);
    expect(states()).toHaveLength(stopped);

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
    expect(states().at(-1)).toBe('start');
    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    vi.advanceTimersByTime(15 * SECOND);
    expect(states().at(-1)).toBe('tick');
    unmount();
    expect(states().at(-1)).toBe('stop');
  });

  it('ignores interaction while hidden or not on the article', () => {
    const open = ref(false);
    const { states, unmount } = mountHeartbeat({ active: open, requireInteraction: true });
    window.dispatchEvent(new Event('scroll'));
    expect(states()).toEqual([]);
    setVisibility('hidden');
    open.value = true;
    window.dispatchEvent(new Event('scroll'));
    expect(states()).toEqual([]);
    unmount();
  });
});
