/**
 * What the live page needs of the chat socket, and how it gets it. The room (`useLiveRoom`)
 * talks to a `ChatSource` only; `connectChat` makes one for a lesson's `/ws/live/{scope}/{id}`.
 */
import type { ChatEvent, ChatMe } from './chatState';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChatWelcome {
  lesson: { scope: string; id: number; title: string; status: string };
  me: ChatMe;
  viewers: number;
  likes: number;
  pinned: { text: string; at: string } | null;
  slow_mode_seconds: number;
  events: ChatEvent[];
  last_event_id: number | null;
  resumed: boolean;
}

export interface ChatHandlers {
  welcome: (welcome: ChatWelcome) => void;
  events: (events: ChatEvent[]) => void;
  counts: (viewers: number, likes: number) => void;
  connection: (state: ConnectionState, closeCode?: number) => void;
}

/** A refusal of what I sent: the server's code and message (in my language). */
export class ChatRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ChatSource {
  say: (text: string) => Promise<unknown>;
  ask: (text: string) => Promise<unknown>;
  upvote: (questionId: number) => Promise<unknown>;
  like: (count: number) => void;
  close: () => void;
}

export type ChatConnector = (chatUrl: string, handlers: ChatHandlers) => ChatSource;
