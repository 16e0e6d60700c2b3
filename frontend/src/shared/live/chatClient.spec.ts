import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { backoffDelay } from '@/shared/backoff';
import {
  type ChatEvent,
  ChatRefusal,
  chatUrl,
  LiveChat,
  OFFLINE,
  type Welcome,
  withAfter,
} from '@/shared/live/chatClient';

/** A WebSocket double the test opens, feeds and closes by hand. */
class FakeSocket {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const sender = { tenant: 'alpha', user_id: 7, name: '张三', unit: '中能电力', display: '中能电力·张三' };

function message(id: number, text = `消息${id}`): ChatEvent {
  return { id, kind: 'message', at: '2026-12-07T10:00:00+08:00', sender, text };
}

function welcome(events: ChatEvent[], extra: Partial<Welcome> = {}): Welcome {
  return {
    type: 'welcome',
    lesson: { scope: 'tenant', id: 3, title: '党课', status: 'live' },
    me: { ...sender, is_host: false, muted: false },
    viewers: 2,
    likes: 5,
    pinned: null,
    slow_mode_seconds: 0,
    events,
    last_event_id: events.length ? events[events.length - 1]!.id : null,
    resumed: false,
    ...extra,
  };
}

describe('the live chat client', () => {
  let sockets: FakeSocket[];
  let delivered: ChatEvent[];
  let closed: number[];
  let chat: LiveChat;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    delivered = [];
    closed = [];
    chat = new LiveChat({
      url: 'ws://alpha.partycloud.test/ws/live/tenant/3?token=abc',
      onEvents: (events) => delivered.push(...events),
      onClosed: (code) => closed.push(code),
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
      random: () => 1,
    });
  });

  afterEach(() => {
    chat.stop();
    vi.useRealTimers();
  });

  function connect(events: ChatEvent[], extra: Partial<Welcome> = {}): FakeSocket {
    chat.start();
    const socket = sockets[sockets.length - 1]!;
    socket.open();
    socket.receive(welcome(events, extra));
    return socket;
  }

  it('builds the URLs', () => {
    expect(chatUrl('group', 9, { protocol: 'https:', host: 'alpha.example.cn' })).toBe(
      'wss://alpha.example.cn/ws/live/group/9',
    );
    expect(withAfter('ws://h/ws/live/tenant/3?token=abc', 12)).toBe('ws://h/ws/live/tenant/3?token=abc&after=12');
    expect(withAfter('ws://h/ws/live/tenant/3?after=4', 12)).toBe('ws://h/ws/live/tenant/3?after=12');
    expect(withAfter('ws://h/ws/live/tenant/3', null)).toBe('ws://h/ws/live/tenant/3');
    expect(backoffDelay(3, 1000, 30000, () => 0)).toBe(4000);
  });

  it('takes the welcome and the batches, each event once and in order', () => {
    const socket = connect([message(1), message(2)]);
    expect(chat.connection).toBe('open');
    expect(chat.viewers).toBe(2);
    socket.receive({ type: 'batch', events: [message(2), message(3)], viewers: 4, likes: 9 });
    expect(chat.events.map((event) => event.id)).toEqual([1, 2, 3]);
    expect(delivered.map((event) => event.id)).toEqual([1, 2, 3]);
    expect([chat.viewers, chat.likes]).toEqual([4, 9]);
  });

  it('reconnects with backoff and resumes after the last event id', () => {
    const first = connect([message(1), message(2)]);
    first.close(1006);
    expect(chat.connection).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    const second = sockets[1]!;
    expect(second.url).toBe('ws://alpha.partycloud.test/ws/live/tenant/3?token=abc&after=2');
    second.open();
    second.receive(welcome([message(3), message(4)], { resumed: true }));
    second.receive({ type: 'batch', events: [message(4), message(5)], viewers: 1, likes: 5 });
    expect(chat.events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5]);
    expect(delivered.map((event) => event.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts over when the server could not resume', () => {
    const first = connect([message(1)]);
    first.close(1006);
    vi.advanceTimersByTime(1000);
    sockets[1]!.open();
    sockets[1]!.receive(welcome([message(70), message(71)]));
    expect(chat.events.map((event) => event.id)).toEqual([70, 71]);
  });

  it('stops for good on 4401 and 4404', () => {
    chat.start();
    sockets[0]!.close(4404);
    vi.advanceTimersByTime(60000);
    expect(sockets).toHaveLength(1);
    expect(closed).toEqual([4404]);
  });

  it('resolves commands by ack and rejects them by refused', async () => {
    const socket = connect([]);
    const said = chat.say('大家好');
    expect(socket.sent[0]).toEqual({ type: 'say', text: '大家好', client_id: 'c1' });
    socket.receive({ type: 'ack', client_id: 'c1', event_id: 12 });
    await expect(said).resolves.toBe(12);
    const refused = chat.ask('敏感词');
    socket.receive({ type: 'refused', client_id: 'c2', code: 'live.chat_sensitive', message: '消息中含有…' });
    await expect(refused).rejects.toEqual(new ChatRefusal('live.chat_sensitive', '消息中含有…'));
    const pending = chat.pin('通知');
    socket.close(1006);
    await expect(pending).rejects.toMatchObject({ code: OFFLINE });
    await expect(chat.unpin()).rejects.toMatchObject({ code: OFFLINE });
  });

  it('sends host commands in the protocol form', () => {
    const socket = connect([]);
    void chat.mute({ tenant: 'beta', user_id: 4 }).catch(() => undefined);
    void chat.remove(9).catch(() => undefined);
    void chat.setSlowMode(30).catch(() => undefined);
    void chat.upvote(5).catch(() => undefined);
    expect(socket.sent.map(({ client_id: _id, ...rest }) => rest)).toEqual([
      { type: 'mute', user: { tenant: 'beta', user_id: 4 } },
      { type: 'remove', event_id: 9 },
      { type: 'slow_mode', seconds: 30 },
      { type: 'upvote', question_id: 5 },
    ]);
  });

  it('adds up like taps into few messages of at most 50', () => {
    const socket = connect([]);
    chat.like();
    chat.like(2);
    expect(socket.sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(socket.sent).toEqual([{ type: 'like', count: 3 }]);
    chat.like(120);
    expect(socket.sent.slice(1)).toEqual([
      { type: 'like', count: 50 },
      { type: 'like', count: 50 },
      { type: 'like', count: 20 },
    ]);
  });

  it('keeps pinned, slow mode, mute and lesson status from the events', () => {
    const pinned: (string | null)[] = [];
    chat = new LiveChat({
      url: 'ws://h/ws/live/tenant/3',
      onPinned: (value) => pinned.push(value?.text ?? null),
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    });
    const socket = connect([]);
    const at = '2026-12-07T10:00:00+08:00';
    socket.receive({
      type: 'batch',
      viewers: 1,
      likes: 0,
      events: [
        { id: 1, at, kind: 'pinned', text: '八点开始' },
        { id: 2, at, kind: 'slow_mode', seconds: 10 },
        { id: 3, at, kind: 'muted', user: { tenant: 'alpha', user_id: 7, display: '中能电力·张三' } },
        { id: 4, at, kind: 'status', status: 'ended' },
        { id: 5, at, kind: 'unpinned' },
      ],
    });
    expect(pinned).toEqual([null, '八点开始', null]);
    expect(chat.slowModeSeconds).toBe(10);
    expect(chat.me?.muted).toBe(true);
    expect(chat.lesson?.status).toBe('ended');
  });

  it('pings while open', () => {
    const socket = connect([]);
    vi.advanceTimersByTime(25000);
    expect(socket.sent).toEqual([{ type: 'ping' }]);
  });
});
