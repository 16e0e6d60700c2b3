/**
 * The viewer's side of live lessons (`tenants.live`, `/api/v1/live/watch/...`): the list of
 * lessons a member may watch, one lesson with its signed playback URL, renewing that URL, the
 * calendar entry, attendance heartbeats and older chat events. The console's organizer calls
 * are in live.ts.
 */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { components } from './schema';

type Schemas = components['schemas'];

// Enums taken from the objects that use them: drf-spectacular renames enum components.
export type LessonScope = Schemas['LessonCard']['scope'];
export type LessonStatus = Schemas['LessonCard']['status'];
export type WatchWhen = NonNullable<Query<'/api/v1/live/watch/'>['when']>;

/** A lesson in the viewer's list. */
export type LessonCard = Schemas['LessonCard'];
/** A library resource handed out with the lesson. */
export type LessonMaterial = Schemas['Material'];
/** A signed HLS playlist URL, valid until `expires_at`. */
export type Playback = Schemas['Playback'];
/** The recording, once published to the learning library. */
export type Replay = Schemas['Replay'];
/** One lesson's page: the card, materials, chat socket path, playback (live only), replay. */
export type WatchDetail = Schemas['WatchLesson'];
export type Page<T> = { count: number; next?: string | null; previous?: string | null; results: T[] };

export type HeartbeatBody = Body<'/api/v1/live/watch/{scope}/{lesson_id}/heartbeat'>;
export type HeartbeatState = HeartbeatBody['state'];
export type WatchMode = HeartbeatBody['mode'];
export type HeartbeatResult = Schemas['LiveBeat'];

/** A page of older chat events (`?before=<event id>`), oldest first, in the WebSocket's event form. */
export interface ChatHistory<E = unknown> {
  events: E[];
  has_more: boolean;
}

// The lesson's page is routed by a regular expression (its id a string in the schema), the others by path converters.
const lessonPage = (scope: LessonScope, id: number) => ({ params: { path: { scope, lesson_id: String(id) } } });
const lesson = (scope: LessonScope, id: number) => ({ params: { path: { scope, lesson_id: id } } });

/** The path of one lesson under watch/. */
export const lessonPath = (scope: LessonScope, id: number) => `/api/v1/live/watch/${scope}/${id}`;

/** The lessons the caller may watch: upcoming (soonest first), live, past (newest first). */
export const listWatchable = (when: WatchWhen, page = 1): Promise<Page<LessonCard>> =>
  call(api.GET('/api/v1/live/watch/', { params: { query: { when, page } } }));

/** One lesson as its viewer sees it; 404 outside its audience. */
export const getWatch = (scope: LessonScope, id: number): Promise<WatchDetail> =>
  call(api.GET('/api/v1/live/watch/{scope}/{lesson_id}', lessonPage(scope, id)));

/** A fresh signed playlist URL (409 `live.not_live` when the lesson is not live). */
export const renewPlayback = (scope: LessonScope, id: number): Promise<Playback> =>
  call(api.POST('/api/v1/live/watch/{scope}/{lesson_id}/playback', lesson(scope, id)));

/** The .ics entry (a plain link: the browser downloads it). */
export const calendarUrl = (scope: LessonScope, id: number): string => `${lessonPath(scope, id)}/calendar.ics`;

/** Watching time: every 15 s while playing and visible, and once when that stops. */
export const sendHeartbeat = (scope: LessonScope, id: number, body: HeartbeatBody): Promise<HeartbeatResult> =>
  call(api.POST('/api/v1/live/watch/{scope}/{lesson_id}/heartbeat', { ...lesson(scope, id), body }));

/** Chat events before `before` (50 per page), for scrolling back. */
export async function chatHistory<E = unknown>(
  scope: LessonScope,
  id: number,
  before?: number,
): Promise<ChatHistory<E>> {
  const page = await call(
    api.GET('/api/v1/live/watch/{scope}/{id}/chat', { params: { path: { scope, id }, query: { before } } }),
  );
  return page as unknown as ChatHistory<E>;
}
