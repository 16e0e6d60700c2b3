/**
 * What the live page needs of the chat socket. The room (`useLiveRoom`) talks to a `ChatSource`
 * only; `connectChat` makes one over the shared `LiveChat` client, tests pass a fake.
 */
import type { ChatEvent, ChatMe, ConnectionState, Welcome } from '@/shared/live/chatClient';

export type { ConnectionState };

export interface ChatHandlers {
  welcome: (welcome: Welcome) => void;
  /** New events in id order; `fresh`: the list starts over (a join that could not resume). */
  events: (events: ChatEvent[], fresh: boolean) => void;
  counts: (viewers: number, likes: number) => void;
  me: (me: ChatMe) => void;
  /** The lesson's status as the room says it (on joining, and from `status` events). */
  status: (status: string) => void;
  connection: (state: ConnectionState, closeCode?: number) => void;
}

export interface ChatSource {
  say: (text: string) => Promise<unknown>;
  ask: (text: string) => Promise<unknown>;
  upvote: (questionId: number) => Promise<unknown>;
  like: (count: number) => void;
  close: () => void;
}

export type ChatConnector = (chatPath: string, handlers: ChatHandlers) => ChatSource;
