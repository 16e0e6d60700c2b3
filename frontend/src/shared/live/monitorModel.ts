/**
 * What the live monitor shows, kept from the chat's events (the issue-13 WebSocket protocol,
 * docs/live.md "Chat"): the messages (removed ones drop out), the questions sorted by upvotes,
 * the pinned notice, slow mode, who is muted, the viewer and like counts and the lesson's status.
 * Framework-light (Vue reactivity only) so the monitor's spec drives it with plain events.
 */
import { computed, reactive } from 'vue';

export type ChatEventKind =
  | 'message'
  | 'question'
  | 'answered'
  | 'upvotes'
  | 'removed'
  | 'pinned'
  | 'unpinned'
  | 'muted'
  | 'unmuted'
  | 'slow_mode'
  | 'status';

/** Who said something: their tenant (schema), user id and `unit·name`. */
export interface ChatSender {
  tenant: string;
  user_id: number;
  name?: string;
  unit?: string;
  display: string;
}

export interface ChatUserRef {
  tenant: string;
  user_id: number;
  display?: string;
}

/** One event of a room (fields by kind; see the contract). */
export interface ChatEvent {
  id: number;
  kind: ChatEventKind | string;
  at: string;
  sender?: ChatSender;
  text?: string;
  upvotes?: number;
  answered?: boolean;
  question_id?: number;
  event_id?: number;
  user?: ChatUserRef;
  seconds?: number;
  status?: string;
}

export interface Pinned {
  text: string;
  at: string;
}

/** The lesson as the monitor tracks it. */
export type MonitorStatus = 'scheduled' | 'live' | 'ended' | 'cancelled';

/** A message or question on the monitor. */
export interface ChatLine {
  id: number;
  kind: 'message' | 'question';
  at: string;
  sender: ChatSender;
  text: string;
  upvotes: number;
  answered: boolean;
}

export const userKey = (user: { tenant: string; user_id: number }) => `${user.tenant}:${user.user_id}`;

/** Most lines the monitor keeps (older ones are in the chat export). */
export const MAX_LINES = 500;

export function useMonitorModel(initialStatus: MonitorStatus = 'scheduled') {
  const state = reactive({
    lines: [] as ChatLine[],
    pinned: null as Pinned | null,
    slowModeSeconds: 0,
    muted: {} as Record<string, ChatUserRef>,
    viewers: 0,
    likes: 0,
    status: initialStatus as MonitorStatus,
    lastEventId: null as number | null,
  });
  const seen = new Set<number>();

  function apply(event: ChatEvent): void {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (state.lastEventId === null || event.id > state.lastEventId) state.lastEventId = event.id;
    switch (event.kind) {
      case 'message':
      case 'question':
        if (!event.sender) return;
        state.lines.push({
          id: event.id,
          kind: event.kind,
          at: event.at,
          sender: event.sender,
          text: event.text ?? '',
          upvotes: event.upvotes ?? 0,
          answered: event.answered ?? false,
        });
        if (state.lines.length > MAX_LINES) state.lines.splice(0, state.lines.length - MAX_LINES);
        return;
      case 'answered': {
        const line = state.lines.find((item) => item.id === event.question_id);
        if (line) line.answered = true;
        return;
      }
      case 'upvotes': {
        const line = state.lines.find((item) => item.id === event.question_id);
        if (line) line.upvotes = event.upvotes ?? line.upvotes;
        return;
      }
      case 'removed': {
        const index = state.lines.findIndex((item) => item.id === event.event_id);
        if (index >= 0) state.lines.splice(index, 1);
        return;
      }
      case 'pinned':
        state.pinned = { text: event.text ?? '', at: event.at };
        return;
      case 'unpinned':
        state.pinned = null;
        return;
      case 'muted':
        if (event.user) state.muted[userKey(event.user)] = event.user;
        return;
      case 'unmuted':
        if (event.user) delete state.muted[userKey(event.user)];
        return;
      case 'slow_mode':
        state.slowModeSeconds = event.seconds ?? 0;
        return;
      case 'status':
        if (event.status === 'live' || event.status === 'ended') state.status = event.status;
        return;
      default:
        return;
    }
  }

  /** Forget the lines (the chat starts over); pinned, slow mode and counts come with the welcome. */
  function reset(): void {
    state.lines.splice(0);
    seen.clear();
    state.lastEventId = null;
  }

  /** Events in any order or repeated (a resume, a batch): applied once each, in id order. */
  function applyAll(events: readonly ChatEvent[]): void {
    for (const event of [...events].sort((a, b) => a.id - b.id)) apply(event);
  }

  const messages = computed(() => state.lines.filter((line) => line.kind === 'message'));
  /** Open questions first, then by upvotes (most first), then oldest first. */
  const questions = computed(() =>
    state.lines
      .filter((line) => line.kind === 'question')
      .sort((a, b) => Number(a.answered) - Number(b.answered) || b.upvotes - a.upvotes || a.id - b.id),
  );
  const isMuted = (user: { tenant: string; user_id: number }) => userKey(user) in state.muted;

  return { state, apply, applyAll, reset, messages, questions, isMuted };
}

export type MonitorModel = ReturnType<typeof useMonitorModel>;
