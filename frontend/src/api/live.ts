/**
 * Live lessons' organizer API (`tenants.live`): tenant lessons on a tenant host (schedule, edit,
 * cancel, stream key, attendance, chat export, sensitive words) and group lessons on the root
 * host (`/api/v1/group/live/...`). The viewer endpoints the console also reads (`watch/…`
 * detail: can_host, chat_url, playback) are here only as far as the monitor needs them; the
 * portal's are in liveWatch.ts. Errors are `ApiError`s with the server's translated message.
 * Each function is one operation of `schema.d.ts`, typed by its path.
 */
import { api, call } from './client';
import type { Query } from './operation';
import type { components } from './schema';
import type { Page } from './types';

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

type LessonRequest = Schemas['LessonRequest'];

/** What the schedule/edit dialog sends (the audience field depends on the scope; materials as resource uuids). */
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

export type Verdict = Schemas['VerdictEnum'];
/** Counts of an audience: expected, present, partly, absent, 补学 (replay); `rate` present ÷ expected in percent. */
export type AttendanceCounts = Schemas['AttendanceCounts'];
export type OrganizationAttendance = Schemas['OrganizationAttendance'];
export type MemberAttendance = Schemas['MemberAttendance'];
/** `lessons/{id}/attendance` (tenant lessons; a tenant's part of a group lesson): rule, totals, organizations, members. */
export type Attendance = Schemas['LessonAttendance'];
/** One subsidiary's part of a group lesson (with its own rule version). */
export type TenantAttendance = Schemas['TenantAttendance'];
/** `group/live/lessons/{id}/attendance` (root host). */
export type GroupAttendance = Schemas['GroupLessonAttendance'];

export type SensitiveWord = Schemas['SensitiveWord'];

const byId = (id: number) => ({ params: { path: { id } } });

// ------------------------------------------------------------------ tenant lessons (tenant host)

const TENANT = '/api/v1/live';

export const listLessons = (query: LessonQuery) => call(api.GET('/api/v1/live/lessons', { params: { query } }));
export const getLesson = (id: number): Promise<Lesson> => call(api.GET('/api/v1/live/lessons/{id}', byId(id)));
/** Schedule (`id` null) or change a lesson. */
export const saveLesson = (id: number | null, body: LessonBody): Promise<Lesson> =>
  call(
    id === null
      ? api.POST('/api/v1/live/lessons', { body: body as LessonRequest })
      : api.PATCH('/api/v1/live/lessons/{id}', { ...byId(id), body: body as LessonRequest }),
  );
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
  call(
    id === null
      ? api.POST('/api/v1/group/live/lessons', { body })
      : api.PATCH('/api/v1/group/live/lessons/{id}', { ...byId(id), body }),
  ) as Promise<GroupLesson>;
export const cancelGroupLesson = (id: number) => call(api.POST('/api/v1/group/live/lessons/{id}/cancel', byId(id)));
export const issueGroupStreamKey = (id: number): Promise<IssuedKey> =>
  call(api.POST('/api/v1/group/live/lessons/{id}/stream-key', byId(id)));

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

/** The lessons the caller may watch (`when`: upcoming, live, past), as cards: the console's list of group lessons. */
export const listWatchCards = (query: Query<'/api/v1/live/watch/'>) =>
  call(api.GET('/api/v1/live/watch/', { params: { query } }));

/** The viewer detail (`can_host`, `chat_url`, `playback`): tenant host only (the root host has no watch API). */
export const watchLesson = (scope: LessonScope, id: number): Promise<LessonDetail> =>
  call(api.GET('/api/v1/live/watch/{scope}/{lesson_id}', { params: { path: { scope, lesson_id: String(id) } } }));

// ------------------------------------------------------------------ attendance

export const lessonAttendance = (id: number, organization?: number | null): Promise<Attendance> =>
  call(
    api.GET('/api/v1/live/lessons/{lesson_id}/attendance', {
      params: { path: { lesson_id: id }, query: { organization: organization ?? undefined } },
    }),
  );
/** The workbook of a tenant lesson's attendance, or of this tenant's part of a group lesson. */
export const attendanceExportUrl = (id: number, organization?: number | null, scope: LessonScope = 'tenant'): string =>
  `${TENANT}/${scope === 'tenant' ? 'lessons' : 'watch/group'}/${id}/attendance.xlsx${organization ? `?organization=${organization}` : ''}`;
/** A tenant's part of a group lesson (tenant host: its admins and secretaries). */
export const groupLessonTenantAttendance = (id: number, organization?: number | null): Promise<Attendance> =>
  call(
    api.GET('/api/v1/live/watch/group/{lesson_id}/attendance', {
      params: { path: { lesson_id: id }, query: { organization: organization ?? undefined } },
    }),
  );
/** A group lesson's attendance per subsidiary (root host). */
export const groupLessonAttendance = (id: number): Promise<GroupAttendance> =>
  call(api.GET('/api/v1/group/live/lessons/{lesson_id}/attendance', { params: { path: { lesson_id: id } } }));

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
