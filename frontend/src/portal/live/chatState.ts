/**
 * The live page's view of the chat: the room's events (contract of issue 13, `/ws/live/...`)
 * folded into what the page shows — messages, questions with upvotes and answered badges, the
 * pinned notice, slow mode, whether I am muted, the lesson's status. Pure, so it is tested
 * without a socket; the socket (LiveChat) hands its events here in id order, deduplicated.
 */
import type { ChatEvent, ChatMe, ChatSender } from '@/shared/live/chatClient';

export type { ChatEvent, ChatMe, ChatSender };

export interface ChatLine {
  id: number;
  at: string;
  sender: ChatSender;
  text: string;
  mine: boolean;
}

export interface ChatQuestion extends ChatLine {
  upvotes: number;
  answered: boolean;
}

export interface ChatView {
  messages: ChatLine[];
  questions: ChatQuestion[];
  pinned: { text: string; at: string } | null;
  slowModeSeconds: number;
  muted: boolean;
  /** The lesson's status as the room last said it (null: nothing said yet). */
  status: 'live' | 'ended' | 'cancelled' | null;
  lastEventId: number | null;
}

/** Older messages are dropped beyond this many (a long lesson's chat on a phone). */
export const MAX_MESSAGES = 500;

export function emptyView(): ChatView {
  return {
    messages: [],
    questions: [],
    pinned: null,
    slowModeSeconds: 0,
    muted: false,
    status: null,
    lastEventId: null,
  };
}

function isMe(me: ChatMe | null, who: { tenant: string; user_id: number }): boolean {
  return !!me && me.user_id === who.user_id && me.tenant === who.tenant;
}

/** `view` with `events` applied (in place, returned for convenience); old or repeated ids are skipped. */
export function applyEvents(view: ChatView, events: readonly ChatEvent[], me: ChatMe | null): ChatView {
  for (const event of events) {
    if (view.lastEventId !== null && event.id <= view.lastEventId) continue;
    view.lastEventId = event.id;
    switch (event.kind) {
      case 'message':
        view.messages.push({
          id: event.id,
          at: event.at,
          sender: event.sender,
          text: event.text,
          mine: isMe(me, event.sender),
        });
        if (view.messages.length > MAX_MESSAGES) view.messages.splice(0, view.messages.length - MAX_MESSAGES);
        break;
      case 'question':
        view.questions.push({
          id: event.id,
          at: event.at,
          sender: event.sender,
          text: event.text,
          mine: isMe(me, event.sender),
          upvotes: event.upvotes,
          answered: event.answered,
        });
        break;
      case 'answered': {
        const question = view.questions.find((item) => item.id === event.question_id);
        if (question) question.answered = true;
        break;
      }
      case 'upvotes': {
        const question = view.questions.find((item) => item.id === event.question_id);
        if (question) question.upvotes = event.upvotes;
        break;
      }
      case 'removed':
        view.messages = view.messages.filter((item) => item.id !== event.event_id);
        view.questions = view.questions.filter((item) => item.id !== event.event_id);
        break;
      case 'pinned':
        view.pinned = { text: event.text, at: event.at };
        break;
      case 'unpinned':
        view.pinned = null;
        break;
      case 'muted':
      case 'unmuted':
        if (isMe(me, event.user)) view.muted = event.kind === 'muted';
        break;
      case 'slow_mode':
        view.slowModeSeconds = event.seconds;
        break;
      case 'status':
        view.status = event.status;
        break;
    }
  }
  return view;
}

/** Questions as the 提问 tab lists them: open ones first, most upvoted first, then oldest first. */
export function sortedQuestions(questions: readonly ChatQuestion[]): ChatQuestion[] {
  return [...questions].sort((a, b) => Number(a.answered) - Number(b.answered) || b.upvotes - a.upvotes || a.id - b.id);
}

/**
 * Older events (a page of `…/chat?before=`) put in front of what the view has: messages and
 * questions not there yet, in id order. Removals among them drop what they removed.
 */
export function prependHistory(view: ChatView, events: readonly ChatEvent[], me: ChatMe | null): number {
  const older = emptyView();
  applyEvents(
    older,
    [...events].sort((a, b) => a.id - b.id),
    me,
  );
  const have = new Set([...view.messages, ...view.questions].map((item) => item.id));
  const messages = older.messages.filter((item) => !have.has(item.id));
  const questions = older.questions.filter((item) => !have.has(item.id));
  view.messages = [...messages, ...view.messages];
  view.questions = [...questions, ...view.questions];
  return messages.length + questions.length;
}
