/**
 * The chat socket for the live page (contract of issue 13: `/ws/live/{scope}/{id}`): reconnects
 * after drops and resumes after the last event it saw (`?after=`), sends a ping now and then,
 * and settles `say`/`ask` by the server's `ack` or `refused`.
 */
import type { ChatEvent } from './chatState';
import { ChatRefused, type ChatConnector, type ChatHandlers, type ChatSource, type ChatWelcome } from './chatSource';

const PING_MS = 25_000;
const ACK_TIMEOUT_MS = 10_000;
/** Closed for good: not signed in (4401), not in the audience / unknown (4404). */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);

interface Pending {
  resolve: (eventId: number) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

function socketUrl(path: string, after: number | null): string {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
  return after === null ? base : `${base}${base.includes('?') ? '&' : '?'}after=${after}`;
}

export const connectChat: ChatConnector = (chatUrl: string, handlers: ChatHandlers): ChatSource => {
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let lastEventId: number | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let counter = 0;
  const pending = new Map<string, Pending>();

  function deliver(events: ChatEvent[]): void {
    const fresh = events.filter((event) => lastEventId === null || event.id > lastEventId);
    if (!fresh.length) return;
    lastEventId = fresh[fresh.length - 1]!.id;
    handlers.events(fresh);
  }

  function onMessage(raw: MessageEvent): void {
    let data: { type?: string; [key: string]: unknown };
    try {
      data = JSON.parse(String(raw.data));
    } catch {
      return;
    }
    switch (data.type) {
      case 'welcome': {
        const welcome = data as unknown as ChatWelcome;
        attempt = 0;
        handlers.connection('open');
        handlers.welcome(welcome);
        deliver(welcome.events ?? []);
        if (welcome.last_event_id !== null && (lastEventId === null || welcome.last_event_id > lastEventId))
          lastEventId = welcome.last_event_id;
        break;
      }
      case 'batch':
        deliver((data.events as ChatEvent[]) ?? []);
        handlers.counts(Number(data.viewers ?? 0), Number(data.likes ?? 0));
        break;
      case 'ack':
      case 'refused': {
        const waiting = pending.get(String(data.client_id));
        if (!waiting) break;
        pending.delete(String(data.client_id));
        clearTimeout(waiting.timer);
        if (data.type === 'ack') waiting.resolve(Number(data.event_id));
        else waiting.reject(new ChatRefused(String(data.code), String(data.message)));
        break;
      }
    }
  }

  function open(): void {
    if (closed) return;
    handlers.connection(attempt === 0 && lastEventId === null ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(socketUrl(chatUrl, lastEventId));
    socket = ws;
    ws.onmessage = onMessage;
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      if (pingTimer !== null) clearInterval(pingTimer);
      pingTimer = null;
      if (closed) return;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        closed = true;
        handlers.connection('closed', event.code);
        return;
      }
      attempt += 1;
      handlers.connection('reconnecting', event.code);
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)) * (0.75 + Math.random() * 0.5);
      retryTimer = setTimeout(open, delay);
    };
    ws.onopen = () => {
      pingTimer = setInterval(() => send({ type: 'ping' }), PING_MS);
    };
  }

  function send(message: Record<string, unknown>): boolean {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  function request(type: 'say' | 'ask', text: string): Promise<number> {
    const clientId = `c${Date.now().toString(36)}${(counter += 1)}`;
    return new Promise<number>((resolve, reject) => {
      if (!send({ type, text, client_id: clientId })) {
        reject(new ChatRefused('offline', ''));
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(clientId);
        reject(new ChatRefused('timeout', ''));
      }, ACK_TIMEOUT_MS);
      pending.set(clientId, { resolve, reject, timer });
    });
  }

  if (typeof WebSocket !== 'undefined') open();

  return {
    say: (text) => request('say', text),
    ask: (text) => request('ask', text),
    upvote: async (questionId) => send({ type: 'upvote', question_id: questionId }),
    like: (count) => void send({ type: 'like', count }),
    close(): void {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      if (pingTimer !== null) clearInterval(pingTimer);
      for (const waiting of pending.values()) clearTimeout(waiting.timer);
      pending.clear();
      socket?.close(1000);
      socket = null;
    },
  };
};
