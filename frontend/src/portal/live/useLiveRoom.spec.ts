import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';

import type { ChatMe, Welcome } from '@/shared/live/chatClient';

import type { ChatHandlers, ChatSource } from './chatSource';
import { useLiveRoom } from './useLiveRoom';

const me: ChatMe = {
  tenant: 't_a',
  user_id: 7,
  name: '李红',
  unit: '一支部',
  display: '一支部·李红',
  is_host: false,
  muted: false,
};
const at = '2026-12-07T10:00:00Z';

function welcome(extra: Partial<Welcome> = {}): Welcome {
  return {
    type: 'welcome',
    lesson: { scope: 'tenant', id: 1, title: '党课', status: 'scheduled' },
    me,
    viewers: 3,
    likes: 10,
    pinned: { text: '请准时', at },
    slow_mode_seconds: 0,
    events: [],
    last_event_id: null,
    resumed: false,
    ...extra,
  };
}

function mount() {
  let handlers!: ChatHandlers;
  const likes: number[] = [];
  const source: ChatSource = {
    say: vi.fn(async () => 1),
    ask: vi.fn(async () => 2),
    upvote: vi.fn(async () => null),
    like: (count) => likes.push(count),
    close: vi.fn(),
  };
  const scope = effectScope();
  const room = scope.run(() =>
    useLiveRoom('/ws/live/tenant/1', (_path, given) => {
      handlers = given;
      return source;
    }),
  )!;
  return { room, handlers, likes, source, unmount: () => scope.stop() };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useLiveRoom', () => {
  it('folds the welcome, events, counts, my mute and the status', () => {
    const { room, handlers, unmount } = mount();
    handlers.welcome(welcome());
    handlers.connection('open');
    handlers.events(
      [
        {
          id: 1,
          at,
          kind: 'message',
          sender: { tenant: 't_a', user_id: 8, name: '王静', unit: '二支部', display: '二支部·王静' },
          text: '好',
        },
      ],
      true,
    );
    handlers.counts(4, 12);
    handlers.me({ ...me, muted: true });
    handlers.status('live');
    expect(room.connection.value).toBe('open');
    expect(room.view.messages.map((line) => line.text)).toEqual(['好']);
    expect(room.view.pinned?.text).toBe('请准时');
    expect([room.viewers.value, room.likes.value]).toEqual([4, 12]);
    expect(room.view.muted).toBe(true);
    expect(room.view.status).toBe('live');
    // A join that could not resume starts the list over.
    handlers.events([], true);
    expect(room.view.messages).toEqual([]);
    expect(room.view.pinned?.text).toBe('请准时');
    unmount();
  });

  it('aggregates like taps (at once, then one per second) and shows mine at once', () => {
    const { room, handlers, likes, source, unmount } = mount();
    handlers.welcome(welcome());
    for (let i = 0; i < 6; i += 1) room.like();
    expect(likes).toEqual([1]);
    expect(room.likes.value + room.myUncounted.value).toBe(16);
    vi.advanceTimersByTime(1000);
    expect(likes).toEqual([1, 5]);
    // The server counts them back: no double counting.
    handlers.counts(3, 16);
    expect(room.likes.value + room.myUncounted.value).toBe(16);
    room.like();
    unmount();
    expect(likes).toEqual([1, 5, 1]); // flushed on leaving
    expect(source.close).toHaveBeenCalled();
  });
});
