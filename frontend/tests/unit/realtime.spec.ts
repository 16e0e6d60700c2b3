import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RealtimeMessage } from '@/api/types';
import { backoffDelay, notificationsUrl, RealtimeChannel } from '@/portal/realtime';

/** A WebSocket double the test opens, feeds and closes by hand. */
class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

describe('the realtime channel', () => {
  let sockets: FakeSocket[];
  let messages: RealtimeMessage[];
  let channel: RealtimeChannel;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    sockets = [];
    messages = [];
    channel = new RealtimeChannel({
      url: 'ws://alpha.partycloud.test/ws/notifications',
      onMessage: (message) => messages.push(message),
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
      random: () => 1, // no jitter: delays are exactly 1 s, 2 s, 4 s …
    });
  });

  afterEach(() => {
    channel.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('builds the socket URL from the page', () => {
    expect(notificationsUrl({ protocol: 'https:', host: 'alpha.example.cn' })).toBe(
      'wss://alpha.example.cn/ws/notifications',
    );
    expect(notificationsUrl({ protocol: 'http:', host: 'alpha.localhost:8000' })).toBe(
      'ws://alpha.localhost:8000/ws/notifications',
    );
  });

  it('hands over the JSON messages', () => {
    channel.start();
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: '{"type":"hello","tenant":"alpha","unread":4}' });
    expect(messages).toEqual([{ type: 'hello', tenant: 'alpha', unread: 4 }]);
  });

  it('reconnects with a growing delay and starts over once connected', () => {
    channel.start();
    sockets[0]!.close(1006);
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.close(1006);
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    sockets[2]!.close(1006);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(4);
  });

  it('caps the delay and jitters it', () => {
    expect(backoffDelay(10, 1000, 30000, () => 1)).toBe(30000);
    expect(backoffDelay(10, 1000, 30000, () => 0)).toBe(15000);
    expect(backoffDelay(0, 1000, 30000, () => 0.5)).toBe(750);
  });

  it('gives up when the server says the user is signed out', () => {
    const refused = vi.fn();
    channel = new RealtimeChannel({
      url: 'ws://x/ws/notifications',
      onMessage: () => undefined,
      onRefused: refused,
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    });
    channel.start();
    sockets[0]!.close(4401);
    vi.advanceTimersByTime(60000);
    expect(sockets).toHaveLength(1);
    expect(refused).toHaveBeenCalledWith(4401);
  });

  it('stops for good when stopped', () => {
    channel.start();
    channel.stop();
    vi.advanceTimersByTime(60000);
    expect(sockets).toHaveLength(1);
  });
});
