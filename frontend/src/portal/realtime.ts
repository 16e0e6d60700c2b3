import type { RealtimeMessage } from '@/api/types';
import { backoffDelay } from '@/shared/backoff';

export { backoffDelay };

/** Close codes the server uses for refusals (services/realtime/consumers.py): no retry. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_UNKNOWN_TENANT = 4404;

export interface RealtimeOptions {
  url: string;
  onMessage: (message: RealtimeMessage) => void;
  onStatus?: (connected: boolean) => void;
  /** The server refused us (signed out, unknown tenant): we stop retrying. */
  onRefused?: (code: number) => void;
  createSocket?: (url: string) => WebSocket;
  minDelay?: number;
  maxDelay?: number;
  pingInterval?: number;
  random?: () => number;
}

/** `ws(s)://<this host>/ws/notifications`. */
export function notificationsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/notifications`;
}

/**
 * One WebSocket that stays open: reconnects with exponential backoff after drops, sends a
 * ping now and then so proxies keep it, and retries at once when the browser is back online.
 */
export class RealtimeChannel {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private running = false;
  private readonly options: Required<Omit<RealtimeOptions, 'onStatus' | 'onRefused'>> &
    Pick<RealtimeOptions, 'onStatus' | 'onRefused'>;

  constructor(options: RealtimeOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url),
      minDelay: 1000,
      maxDelay: 30000,
      pingInterval: 25000,
      random: Math.random,
      ...options,
    };
  }

  private readonly online = () => {
    if (this.running && this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect();
    }
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    window.addEventListener('online', this.online);
    this.connect();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener('online', this.online);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  private connect(): void {
    const socket = this.options.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onStatus?.(true);
      this.stopPing();
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.options.pingInterval);
    };
    socket.onmessage = (event: MessageEvent) => {
      try {
        this.options.onMessage(JSON.parse(String(event.data)) as RealtimeMessage);
      } catch {
        // Not JSON: ignore.
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.stopPing();
      this.options.onStatus?.(false);
      if (!this.running) return;
      if (event.code === CLOSE_UNAUTHENTICATED || event.code === CLOSE_UNKNOWN_TENANT) {
        this.stop();
        this.options.onRefused?.(event.code);
        return;
      }
      const { minDelay, maxDelay, random } = this.options;
      const delay = backoffDelay(this.attempt++, minDelay, maxDelay, random);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.running) this.connect();
      }, delay);
    };
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
