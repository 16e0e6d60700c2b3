/**
 * The viewer's side of live lessons (`tenants.live`, `/api/v1/live/watch/...`): the list of
 * lessons a member may watch, one lesson with its signed playback URL, renewing that URL, the
 * calendar entry, attendance heartbeats and older chat events. The console's organizer calls
 * are in live.ts.
 */
import { serverLanguage } from '@/i18n';

import { call, readCookie } from './client';

export type LessonScope = 'tenant' | 'group';
export type LessonStatus = 'scheduled' | 'live' | 'ended' | 'cancelled';
export type WatchWhen = 'upcoming' | 'live' | 'past';

/** A lesson in the viewer's list. */
export interface LessonCard {
  scope: LessonScope;
  id: number;
  title: string;
  lecturer: string;
  description: string;
  cover_url: string | null;
  starts_at: string;
  planned_end_at: string;
  status: LessonStatus;
  went_live_at: string | null;
  ended_at: string | null;
  organizer_unit: string;
  audience_label: string;
  counts_as_party_lesson: boolean;
  has_replay: boolean;
}

/** A library resource handed out with the lesson. */
export interface LessonMaterial {
  uuid: string;
  title: string;
  kind: string;
  shared: boolean;
}

/** A signed HLS playlist URL, valid until `expires_at`. */
export interface Playback {
  url: string;
  expires_at: string;
}

/** The recording, once published to the learning library. */
export interface Replay {
  video_uuid: string;
  status: string;
}

export interface WatchDetail extends LessonCard {
  materials: LessonMaterial[];
  can_host: boolean;
  /** `/ws/live/{scope}/{id}` */
  chat_url: string;
  calendar_url: string;
  /** Present only while the lesson is live. */
  playback: Playback | null;
  replay: Replay | null;
  media_server_configured: boolean;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type HeartbeatState = 'playing' | 'paused' | 'hidden';
export type WatchMode = 'live' | 'replay';

export interface HeartbeatBody {
  /** One uuid per browser tab. */
  session: string;
  state: HeartbeatState;
  mode: WatchMode;
}

export interface HeartbeatResult {
  counted_seconds: number;
  watched_seconds: number;
  mode: WatchMode;
}

/** A page of older chat events (`?before=<event id>`), oldest first. */
export interface ChatHistory<E = unknown> {
  results: E[];
  next: string | null;
}

const BASE = '/api/v1/live/watch';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The path of one lesson under watch/. */
export const lessonPath = (scope: LessonScope, id: number) => `${BASE}/${scope}/${id}`;

/**
 * Same headers as the typed client (CSRF for unsafe methods, the UI language) and the same
 * errors (`call`): an `ApiError` with the server's code and message.
 */
async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  return call<T>(
    (async () => {
      const headers = new Headers({ Accept: 'application/json', 'Accept-Language': serverLanguage() });
      if (UNSAFE.has(method)) {
        const token = readCookie('csrftoken');
        if (token) headers.set('X-CSRFToken', token);
      }
      if (body !== undefined) headers.set('Content-Type', 'application/json');
      const response = await globalThis.fetch(
        new Request(new URL(url, window.location.origin), {
          method,
          headers,
          credentials: 'same-origin',
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      let data: unknown;
      const text = await response.text();
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        data = undefined;
      }
      return response.ok ? { data: data as T, response } : { error: data, response };
    })(),
  );
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The lessons the caller may watch: upcoming (soonest first), live, past (newest first). */
export const listWatchable = (when: WatchWhen, page = 1): Promise<Page<LessonCard>> =>
  request('GET', `${BASE}${query({ when, page })}`);

/** One lesson as its viewer sees it; 404 outside its audience. */
export const getWatch = (scope: LessonScope, id: number): Promise<WatchDetail> => request('GET', lessonPath(scope, id));

/** A fresh signed playlist URL (409 `live.not_live` when the lesson is not live). */
export const renewPlayback = (scope: LessonScope, id: number): Promise<Playback> =>
  request('POST', `${lessonPath(scope, id)}/playback`);

/** The .ics entry (a plain link: the browser downloads it). */
export const calendarUrl = (scope: LessonScope, id: number): string => `${lessonPath(scope, id)}/calendar.ics`;

/** Watching time: every 15 s while playing and visible, and once when that stops. */
export const sendHeartbeat = (scope: LessonScope, id: number, body: HeartbeatBody): Promise<HeartbeatResult> =>
  request('POST', `${lessonPath(scope, id)}/heartbeat`, body);

/** Chat events before `before` (50 per page), for scrolling back. */
export const chatHistory = <E = unknown>(scope: LessonScope, id: number, before?: number): Promise<ChatHistory<E>> =>
  request('GET', `${lessonPath(scope, id)}/chat${query({ before })}`);
