/**
 * The QR screen's live feed: the notifications socket (`/ws/notifications`) pushes
 * `{type: "meetings.signed_in", meeting, attendee, name, method}` to the managers watching a
 * meeting. The screen also polls the meeting every 5 s, so the socket only makes it faster:
 * a lost connection is retried with backoff and never shown as an error.
 */
import { backoffDelay } from '@/shared/backoff';

export interface SignedInEvent {
  type: 'meetings.signed_in';
  meeting: number;
  attendee: number;
  name: string;
  method: string;
}

/** The event for `meeting` in a socket message, or null (other types, other meetings, junk). */
export function signedInEventFor(data: unknown, meeting: number): SignedInEvent | null {
  let message: unknown = data;
  if (typeof data === 'string') {
    try {
      message = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (typeof message !== 'object' || message === null) return null;
  const event = message as Partial<SignedInEvent>;
  if (event.type !== 'meetings.signed_in' || Number(event.meeting) !== meeting) return null;
  return {
    type: 'meetings.signed_in',
    meeting,
    attendee: Number(event.attendee),
    name: String(event.name ?? ''),
    method: String(event.method ?? ''),
  };
}

/** Listen for sign-ins to `meeting` until the returned function is called. */
export function watchSignIns(meeting: number, onEvent: (event: SignedInEvent) => void): () => void {
  if (typeof WebSocket === 'undefined') return () => undefined;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let stopped = false;

  function connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/ws/notifications`);
    socket.onopen = () => {
      attempt = 0;
    };
    socket.onmessage = (message) => {
      const event = signedInEventFor(message.data, meeting);
      if (event) onEvent(event);
    };
    socket.onclose = () => {
      socket = null;
      if (stopped) return;
      timer = setTimeout(connect, backoffDelay(attempt++, 2_000, 60_000, Math.random));
    };
  }

  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close();
  };
}
