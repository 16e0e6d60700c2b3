/**
 * Live lessons' organizer API (`tenants.live`): tenant lessons on a tenant host (schedule, edit,
 * cancel, stream key, attendance, chat export, sensitive words) and group lessons on the root
 * host (`/api/v1/group/live/...`). The viewer endpoints the console also reads (`watch/…`
 * detail: can_host, chat_url, playback) are here only as far as the monitor needs them; the
 * portal's are in liveWatch.ts. Errors are `ApiError`s with the server's translated message.
 *
 * The operations that are in `schema.d.ts` are typed by their path; the rest follow the issue-13
 * contract (docs/live.md) through `request()` until the schema carries them.
 */
import { api, call, readCookie } from './client';
import { errorFromResponse, networkError } from './errors';
import type { Query } from './operation';
import type { components } from './schema';
import type { Page } from './types';

import { serverLanguage } from '@/i18n';

type Schemas = components['schemas'];

export type LessonScope = 'tenant' | 'group';
export type LessonStatus = Schemas['LessonStatusEnum'];
export type IssuedKey = Schemas['IssuedKey'];
export type ObsHint = Schemas['ObsHint'];

/** The upload purpose of a lesson's cover image. */
export const COVER_PURPOSE = 'live_cover';

/** A library resource handed out with a lesson (`shared`: the group's shared library). */
export type LessonMaterial = Schemas['Material'];

/** A tenant lesson as the organizer's API returns it. */
export type Lesson = Schemas['Lesson'];

/** A group-wide lesson (root host): the audience is a list of subsidiaries ([] = all active ones). */
export type GroupLesson = Schemas['GroupLesson'] & { audience_tenants: number[] };

/** Either kind, for the components both apps share. */
export type AnyLesson = Lesson | GroupLesson;

/**
 * What the schedule/edit dialog sends (the audience field depends on the scope). `materials`
 * is written as resource uuids (the schema's MaterialRequest is how it reads, not what it takes).
 */
export interface LessonBody {
  title: string;
  lecturer: string;
  description: string;
  starts_at: string;
  planned_end_at: string;
  counts_as_party_lesson: boolean;
  cover: string | null;
  materials: string[];
  organization?: number | null;
  audience_tenants?: number[];
}

export type LessonQuery = Query<'/api/v1/live/lessons'>;
export type GroupLessonQuery = Query<'/api/v1/group/live/lessons'>;

/** The viewer's card of a lesson (`watch/`). */
export type LessonCard = Schemas['LessonCard'];
export type Playback = Schemas['Playback'];
export type Replay = Schemas['Replay'];
/** `watch/{scope}/{id}`: materials, can_host, chat_url, playback, replay. */
export type LessonDetail = Schemas['WatchLesson'];

export type Verdict = 'present' | 'partly' | 'absent';

export interface AttendanceCounts {
  /** The members of the audience. */
  expected: number;
  present: number;
  partly: number;
  absent: number;
  /** 补学: made up on the replay, whatever the verdict. */
  replay: number;
  /** present ÷ expected, in percent; null without an audience. */
  rate: number | null;
}

export interface OrganizationAttendance extends AttendanceCounts {
  id: number;
  name: string;
}

export interface MemberAttendance {
  member_id: number;
  name: string;
  organization_id: number;
  organization: string;
  watched_seconds: number;
  replay_seconds: number;
  verdict: Verdict;
}

/** The lesson an attendance report is about. */
export interface AttendanceLesson {
  scope: LessonScope;
  id: number;
  title: string;
  status: LessonStatus;
  went_live_at: string | null;
  ended_at: string | null;
  counts_as_party_lesson: boolean;
}

/** `lessons/{id}/attendance` (tenant lessons; a tenant's part of a group lesson). */
export interface Attendance {
  lesson: AttendanceLesson;
  /** The tenant's attendance rule: present from `share` of the actual duration (`share_label`, e.g. "2/3"). */
  rule: { version: string; share: number; share_label: string };
  actual_seconds: number;
  totals: AttendanceCounts;
  organizations: OrganizationAttendance[];
  members: MemberAttendance[];
}

/** One subsidiary's part of a group lesson (with its own rule version). */
export interface TenantAttendance extends AttendanceCounts {
  tenant: number;
  name: string;
  rule_version: string;
}

/** `group/live/lessons/{id}/attendance` (root host). */
export interface GroupAttendance {
  lesson: AttendanceLesson;
  actual_seconds: number;
  totals: AttendanceCounts;
  tenants: TenantAttendance[];
}

export type SensitiveWord = Schemas['SensitiveWord'];

// ------------------------------------------------------------------ plumbing

type Params = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query: Params = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One JSON call to an endpoint of the contract that `schema.d.ts` does not list yet: same
 * origin, session cookie, CSRF token and language as the typed client; errors as ApiError.
 */
async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': serverLanguage() };
  if (method !== 'GET') {
    const token = readCookie('csrftoken');
    if (token) headers['X-CSRFToken'] = token;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await globalThis.fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw networkError();
  }
  const data: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw errorFromResponse(response.status, data);
  return data as T;
}

const byId = (id: number) => ({ params: { path: { id } } });

// ------------------------------------------------------------------ tenant lessons (tenant host)

const TENANT = '/api/v1/live';

export const listLessons = (query: LessonQuery) => call(api.GET('/api/v1/live/lessons', { params: { query } }));
export const getLesson = (id: number): Promise<Lesson> => call(api.GET('/api/v1/live/lessons/{id}', byId(id)));
/** Schedule (`id` null) or change a lesson. */
export const saveLesson = (id: number | null, body: LessonBody): Promise<Lesson> =>
  id === null ? request('POST', `${TENANT}/lessons`, body) : request('PATCH', `${TENANT}/lessons/${id}`, body);
export const cancelLesson = (id: number) => call(api.POST('/api/v1/live/lessons/{id}/cancel', byId(id)));
/** Issue the lesson's stream key or a new one: the only time the key is shown. */
export const issueStreamKey = (id: number): Promise<IssuedKey> =>
  call(api.POST('/api/v1/live/lessons/{id}/stream-key', byId(id)));

// ------------------------------------------------------------------ group lessons (root host)

const GROUP = '/api/v1/group/live';

export const listGroupLessons = (query: GroupLessonQuery) =>
  call(api.GET('/api/v1/group/live/lessons', { params: { query } })) as Promise<Page<GroupLesson>>;
export const getGroupLesson = (id: number) =>
  call(api.GET('/api/v1/group/live/lessons/{id}', byId(id))) as Promise<GroupLesson>;
export const saveGroupLesson = (id: number | null, body: LessonBody): Promise<GroupLesson> =>
  id === null ? request('POST', `${GROUP}/lessons`, body) : request('PATCH', `${GROUP}/lessons/${id}`, body);
export const cancelGroupLesson = (id: number): Promise<GroupLesson> => request('POST', `${GROUP}/lessons/${id}/cancel`);
export const issueGroupStreamKey = (id: number): Promise<IssuedKey> =>
  request('POST', `${GROUP}/lessons/${id}/stream-key`);

// ------------------------------------------------------------------ one lesson, either scope

/** The organizer's API of a scope: the tenant's lessons on a tenant host, the group's on the root host. */
export interface LessonApi {
  scope: LessonScope;
  save: (id: number | null, body: LessonBody) => Promise<AnyLesson>;
  cancel: (id: number) => Promise<unknown>;
  streamKey: (id: number) => Promise<IssuedKey>;
  /** The lesson the monitor watches (status, title). */
  get: (id: number) => Promise<AnyLesson>;
  chatExportUrl: (id: number) => string;
}

export const tenantLessonApi: LessonApi = {
  scope: 'tenant',
  save: saveLesson,
  cancel: cancelLesson,
  streamKey: issueStreamKey,
  get: getLesson,
  chatExportUrl: (id) => `${TENANT}/lessons/${id}/chat.xlsx`,
};

export const groupLessonApi: LessonApi = {
  scope: 'group',
  save: saveGroupLesson,
  cancel: cancelGroupLesson,
  streamKey: issueGroupStreamKey,
  get: getGroupLesson,
  chatExportUrl: (id) => `${GROUP}/lessons/${id}/chat.xlsx`,
};

/** The viewer detail (`can_host`, `chat_url`, `playback`): tenant host only (the root host has no watch API). */
export const watchLesson = (scope: LessonScope, id: number): Promise<LessonDetail> =>
  call(api.GET('/api/v1/live/watch/{scope}/{lesson_id}', { params: { path: { scope, lesson_id: String(id) } } }));

// ------------------------------------------------------------------ attendance

export const lessonAttendance = (id: number, organization?: number | null): Promise<Attendance> =>
  request('GET', withQuery(`${TENANT}/lessons/${id}/attendance`, { organization }));
export const attendanceExportUrl = (id: number, organization?: number | null): string =>
  withQuery(`${TENANT}/lessons/${id}/attendance.xlsx`, { organization });
/** A tenant admin's part of a group lesson's attendance (tenant host). */
export const groupLessonTenantAttendance = (id: number): Promise<Attendance> =>
  request('GET', `${TENANT}/watch/group/${id}/attendance`);
/** A group lesson's attendance per subsidiary (root host). */
export const groupLessonAttendance = (id: number): Promise<GroupAttendance> =>
  request('GET', `${GROUP}/lessons/${id}/attendance`);

// ------------------------------------------------------------------ sensitive words

export type SensitiveWordQuery = Query<'/api/v1/live/sensitive-words'>;

/** The list of a tenant (tenant host) or, with `group`, of the group (root host). */
export const listSensitiveWords = (query: SensitiveWordQuery, group = false) =>
  call(
    group
      ? api.GET('/api/v1/group/live/sensitive-words', { params: { query } })
      : api.GET('/api/v1/live/sensitive-words', { params: { query } }),
  );
export const addSensitiveWord = (word: string, group = false): Promise<SensitiveWord> =>
  call(
    group
      ? api.POST('/api/v1/group/live/sensitive-words', { body: { word } })
      : api.POST('/api/v1/live/sensitive-words', { body: { word } }),
  );
export async function deleteSensitiveWord(id: number, group = false): Promise<void> {
  await call(
    group
      ? api.DELETE('/api/v1/group/live/sensitive-words/{id}', byId(id))
      : api.DELETE('/api/v1/live/sensitive-words/{id}', byId(id)),
  );
}
