/**
 * The live lesson chat over its WebSocket (`/ws/live/{scope}/{id}`, protocol in docs/live.md,
 * "Chat"). Framework-free: the portal's lesson page and the console's monitor use only this class.
 *
 * - Reconnects after a drop with exponential backoff (with jitter) and resumes with
 *   `?after=<last event id>`: the server sends exactly the events missed, and every event is
 *   handed over once (deduplicated by id, in id order).
 * - Commands (`say`, `ask`, host moderation …) return promises resolved by the server's `ack`
 *   (with the new event's id) and rejected with a `ChatRefusal` (`code`, `message` in the user's
 *   language) on `refused`, when offline, or when no answer comes in time.
 * - Likes: taps are added up and sent at most every `likeInterval` ms (never one message per tap).
 * - 4401 (signed out) and 4404 (not in the audience) stop the client: `onClosed(code)`.
 */

import { backoffDelay } from '@/shared/backoff';

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_NOT_FOUND = 4404;
export const MAX_TEXT = 500;
export const MAX_LIKES_PER_MESSAGE = 50;

export type LessonScope = 'tenant' | 'group';
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChatPerson {
  tenant: string;
  user_id: number;
}

export interface ChatSender extends ChatPerson {
  name: string;
  unit: string;
  display: string;
}

interface EventBase {
  id: number;
  at: string;
}

export type ChatEvent = EventBase &
  (
    | { kind: 'message'; sender: ChatSender; text: string }
    | { kind: 'question'; sender: ChatSender; text: string; upvotes: number; answered: boolean }
    | { kind: 'answered'; question_id: number }
    | { kind: 'upvotes'; question_id: number; upvotes: number }
    | { kind: 'removed'; event_id: number }
    | { kind: 'pinned'; text: string }
    | { kind: 'unpinned' }
    | { kind: 'muted' | 'unmuted'; user: ChatPerson & { display: string } }
    | { kind: 'slow_mode'; seconds: number }
    | { kind: 'status'; status: 'live' | 'ended' | 'cancelled' }
  );

export type ChatEventKind = ChatEvent['kind'];

export interface ChatMe extends ChatSender {
  is_host: boolean;
  muted: boolean;
}

export interface ChatLesson {
  scope: LessonScope;
  id: number;
  title: string;
  status: string;
}

export interface Pinned {
  text: string;
  at: string;
}

export interface Welcome {
  type: 'welcome';
  lesson: ChatLesson;
  me: ChatMe;
  viewers: number;
  likes: number;
  pinned: Pinned | null;
  slow_mode_seconds: number;
  events: ChatEvent[];
  last_event_id: number | null;
  resumed: boolean;
}

type ServerMessage =
  | Welcome
  | { type: 'batch'; events: ChatEvent[]; viewers: number; likes: number }
  | { type: 'ack'; client_id: string | null; event_id: number | null }
  | { type: 'refused'; client_id: string | null; code: string; message: string }
  | { type: 'pong' };

/** The server refused a command (`code` e.g. `live.chat_sensitive`), or it could not be sent. */
export class ChatRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatRefusal';
  }
}

/** Codes of refusals made by the client itself. */
export const OFFLINE = 'client.offline';
export const TIMEOUT = 'client.timeout';

export interface LiveChatOptions {
  /** `ws(s)://host/ws/live/{scope}/{id}` (see `chatUrl`), with `?token=` for native apps. */
  url: string;
  /** New events in id order, each once; `fresh` when the list starts over (a join that could not resume). */
  onEvents?: (events: ChatEvent[], fresh: boolean) => void;
  onWelcome?: (welcome: Welcome) => void;
  onViewers?: (viewers: number) => void;
  onLikes?: (likes: number) => void;
  onPinned?: (pinned: Pinned | null) => void;
  onMe?: (me: ChatMe) => void;
  onSlowMode?: (seconds: number) => void;
  onLessonStatus?: (status: string) => void;
  onConnection?: (state: ConnectionState) => void;
  /** The server closed for good: 4401 signed out, 4404 not in the audience. */
  onClosed?: (code: number) => void;
  createSocket?: (url: string) => WebSocket;
  minDelay?: number;
  maxDelay?: number;
  pingInterval?: number;
  ackTimeout?: number;
  likeInterval?: number;
  random?: () => number;
}

/** `ws(s)://<this host>/ws/live/{scope}/{id}`. */
export function chatUrl(
  scope: LessonScope,
  id: number,
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/live/${scope}/${id}`;
}

/** The URL with `after=<id>` set (replacing an earlier one). */
export function withAfter(url: string, after: number | null): string {
  const [base, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  if (after === null) params.delete('after');
  else params.set('after', String(after));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

interface Pending {
  resolve: (eventId: number | null) => void;
  reject: (error: ChatRefusal) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Options = Required<
  Pick<
    LiveChatOptions,
    'url' | 'createSocket' | 'minDelay' | 'maxDelay' | 'pingInterval' | 'ackTimeout' | 'likeInterval' | 'random'
  >
> &
  LiveChatOptions;

export class LiveChat {
  /** Every event seen, in id order. */
  readonly events: ChatEvent[] = [];
  lastEventId: number | null = null;
  viewers = 0;
  likes = 0;
  pinned: Pinned | null = null;
  slowModeSeconds = 0;
  me: ChatMe | null = null;
  lesson: ChatLesson | null = null;
  connection: ConnectionState = 'closed';

  private readonly seen = new Set<number>();
  private readonly pending = new Map<string, Pending>();
  private readonly options: Options;
  private socket: WebSocket | null = null;
  private running = false;
  private attempt = 0;
  private counter = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private likeTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingLikes = 0;

  constructor(options: LiveChatOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url),
      minDelay: 1000,
      maxDelay: 30000,
      pingInterval: 25000,
      ackTimeout: 10000,
      likeInterval: 1000,
      random: Math.random,
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.flushLikes();
    if (this.likeTimer !== null) clearTimeout(this.likeTimer);
    this.likeTimer = null;
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
    this.failPending();
    this.setConnection('closed');
  }

  // ------------------------------------------------------------------ commands

  say(text: string): Promise<number | null> {
    return this.command({ type: 'say', text });
  }

  ask(text: string): Promise<number | null> {
    return this.command({ type: 'ask', text });
  }

  upvote(questionId: number): Promise<number | null> {
    return this.command({ type: 'upvote', question_id: questionId });
  }

  /** Add taps to the like counter; sent in one message (≤ 50 each) every `likeInterval` ms. */
  like(taps = 1): void {
    this.pendingLikes += Math.max(0, Math.floor(taps));
    if (this.pendingLikes >= MAX_LIKES_PER_MESSAGE) this.flushLikes();
    if (this.pendingLikes > 0 && this.likeTimer === null) {
      this.likeTimer = setTimeout(() => {
        this.likeTimer = null;
        this.flushLikes();
      }, this.options.likeInterval);
    }
  }

  answer(questionId: number): Promise<number | null> {
    return this.command({ type: 'answer', question_id: questionId });
  }

  pin(text: string): Promise<number | null> {
    return this.command({ type: 'pin', text });
  }

  unpin(): Promise<number | null> {
    return this.command({ type: 'unpin' });
  }

  mute(user: ChatPerson): Promise<number | null> {
    return this.command({ type: 'mute', user: { tenant: user.tenant, user_id: user.user_id } });
  }

  unmute(user: ChatPerson): Promise<number | null> {
    return this.command({ type: 'unmute', user: { tenant: user.tenant, user_id: user.user_id } });
  }

  remove(eventId: number): Promise<number | null> {
    return this.command({ type: 'remove', event_id: eventId });
  }

  setSlowMode(seconds: number): Promise<number | null> {
    return this.command({ type: 'slow_mode', seconds });
  }

  // ------------------------------------------------------------------ the socket

  private connect(): void {
    this.setConnection(this.attempt === 0 && this.lastEventId === null ? 'connecting' : 'reconnecting');
    const socket = this.options.createSocket(withAfter(this.options.url, this.lastEventId));
    this.socket = socket;
    socket.onopen = () => {
      this.stopPing();
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.options.pingInterval);
    };
    socket.onmessage = (event: MessageEvent) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      this.handle(message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.stopPing();
      this.failPending();
      if (!this.running) return;
      if (event.code === CLOSE_UNAUTHENTICATED || event.code === CLOSE_NOT_FOUND) {
        this.stop();
        this.options.onClosed?.(event.code);
        return;
      }
      this.setConnection('reconnecting');
      const { minDelay, maxDelay, random } = this.options;
      const delay = backoffDelay(this.attempt++, minDelay, maxDelay, random);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.running) this.connect();
      }, delay);
    };
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.welcome(message);
        break;
      case 'batch':
        this.add(message.events, false);
        this.setCounts(message.viewers, message.likes);
        break;
      case 'ack': {
        const pending = this.takePending(message.client_id);
        pending?.resolve(message.event_id);
        break;
      }
      case 'refused': {
        const pending = this.takePending(message.client_id);
        pending?.reject(new ChatRefusal(message.code, message.message));
        break;
      }
      default:
        break;
    }
  }

  private welcome(welcome: Welcome): void {
    this.attempt = 0;
    this.lesson = welcome.lesson;
    this.me = welcome.me;
    this.options.onMe?.(welcome.me);
    this.pinned = welcome.pinned;
    this.options.onPinned?.(welcome.pinned);
    this.slowModeSeconds = welcome.slow_mode_seconds;
    this.options.onSlowMode?.(welcome.slow_mode_seconds);
    this.options.onLessonStatus?.(welcome.lesson.status);
    if (!welcome.resumed) {
      // Could not resume (first join, or too far behind): the list starts over.
      this.events.length = 0;
      this.seen.clear();
      this.lastEventId = null;
    }
    this.add(welcome.events, !welcome.resumed);
    if (welcome.last_event_id !== null && (this.lastEventId === null || welcome.last_event_id > this.lastEventId)) {
      this.lastEventId = welcome.last_event_id;
    }
    this.setCounts(welcome.viewers, welcome.likes);
    this.setConnection('open');
    this.options.onWelcome?.(welcome);
    this.flushLikes();
  }

  private add(events: ChatEvent[], fresh: boolean): void {
    const added: ChatEvent[] = [];
    for (const event of events) {
      if (this.seen.has(event.id)) continue;
      this.seen.add(event.id);
      if (this.lastEventId === null || event.id > this.lastEventId) {
        this.events.push(event);
        this.lastEventId = event.id;
      } else {
        const at = this.events.findIndex((other) => other.id > event.id);
        this.events.splice(at < 0 ? this.events.length : at, 0, event);
      }
      this.apply(event);
      added.push(event);
    }
    if (added.length || fresh) this.options.onEvents?.(added, fresh);
  }

  /** What an event changes of the room's state. */
  private apply(event: ChatEvent): void {
    switch (event.kind) {
      case 'pinned':
        this.pinned = { text: event.text, at: event.at };
        this.options.onPinned?.(this.pinned);
        break;
      case 'unpinned':
        this.pinned = null;
        this.options.onPinned?.(null);
        break;
      case 'slow_mode':
        this.slowModeSeconds = event.seconds;
        this.options.onSlowMode?.(event.seconds);
        break;
      case 'muted':
      case 'unmuted':
        if (this.me && event.user.tenant === this.me.tenant && event.user.user_id === this.me.user_id) {
          this.me = { ...this.me, muted: event.kind === 'muted' };
          this.options.onMe?.(this.me);
        }
        break;
      case 'status':
        if (this.lesson) this.lesson = { ...this.lesson, status: event.status };
        this.options.onLessonStatus?.(event.status);
        break;
      default:
        break;
    }
  }

  private setCounts(viewers: number, likes: number): void {
    if (viewers !== this.viewers) {
      this.viewers = viewers;
      this.options.onViewers?.(viewers);
    }
    if (likes !== this.likes) {
      this.likes = likes;
      this.options.onLikes?.(likes);
    }
  }

  private setConnection(state: ConnectionState): void {
    if (state === this.connection) return;
    this.connection = state;
    this.options.onConnection?.(state);
  }

  private command(message: Record<string, unknown>): Promise<number | null> {
    if (this.connection !== 'open' || this.socket === null) {
      return Promise.reject(new ChatRefusal(OFFLINE, 'not connected'));
    }
    const clientId = `c${++this.counter}`;
    return new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(clientId);
        reject(new ChatRefusal(TIMEOUT, 'no answer from the server'));
      }, this.options.ackTimeout);
      this.pending.set(clientId, { resolve, reject, timer });
      this.send({ ...message, client_id: clientId });
    });
  }

  private takePending(clientId: string | null): Pending | undefined {
    if (clientId === null) return undefined;
    const pending = this.pending.get(clientId);
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(clientId);
    }
    return pending;
  }

  private failPending(): void {
    for (const [clientId, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ChatRefusal(OFFLINE, 'the connection closed'));
      this.pending.delete(clientId);
    }
  }

  private flushLikes(): void {
    while (this.pendingLikes > 0 && this.socket !== null && this.connection === 'open') {
      const count = Math.min(this.pendingLikes, MAX_LIKES_PER_MESSAGE);
      this.pendingLikes -= count;
      this.send({ type: 'like', count });
    }
  }

  private send(message: unknown): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
