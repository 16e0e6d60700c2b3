/**
 * The part of the chat client (`LiveChat`, chatClient.ts) the live monitor uses: what it hears
 * and the host's commands. The monitor takes a factory so its spec can hand it a fake.
 */
import type { ChatEvent, ChatUserRef, Pinned } from './monitorModel';

/** The socket's state, for the "reconnecting" hint. */
export type ChatConnection = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the server said on connecting (a fresh join or a resume). */
export interface ChatWelcome {
  lesson?: { status?: string; title?: string };
  me?: { is_host?: boolean; display?: string };
  viewers: number;
  likes: number;
  pinned: Pinned | null;
  slow_mode_seconds: number;
  events: ChatEvent[];
}

export interface MonitorListener {
  welcome: (welcome: ChatWelcome) => void;
  /** New events; `fresh`: the list starts over (a join that could not resume). */
  events: (events: ChatEvent[], fresh?: boolean) => void;
  counts: (viewers: number, likes: number) => void;
  connection: (state: ChatConnection) => void;
}

/** The host's commands; each resolves on the server's ack and rejects with its refusal (an Error with the message). */
export interface MonitorChat {
  answer: (questionId: number) => Promise<unknown>;
  pin: (text: string) => Promise<unknown>;
  unpin: () => Promise<unknown>;
  mute: (user: ChatUserRef) => Promise<unknown>;
  unmute: (user: ChatUserRef) => Promise<unknown>;
  remove: (eventId: number) => Promise<unknown>;
  setSlowMode: (seconds: number) => Promise<unknown>;
  close: () => void;
}

/** Open the chat of `url` (`/ws/live/{scope}/{id}`) and report to `listener`. */
export type MonitorChatFactory = (url: string, listener: MonitorListener) => MonitorChat;
