/**
 * Organizational life (`tenants.meetings`, issue 15) as the console uses it: activity kinds and
 * rule versions, annual plans, meeting records (attendance, minutes, resolutions, files, notify,
 * hold, cancel), sign-in (rotating QR, employee card, manual) and the compliance table.
 *
 * The generated schema.d.ts does not have these paths yet (the backend branches are merged
 * later), so the types below are written by hand from the contract (briefs/meetings-api.md) and
 * the calls go through `request()` below, which fails exactly like the typed client: `call()`
 * turns the server's `{code, message, field}` into an `ApiError` and a 401 into the sign-in.
 */
import { serverLanguage } from '@/i18n';
import { queryString } from '@/shared/files';

import { call, readCookie } from './client';
import type { Page } from './types';

const BASE = '/api/v1/meetings';

// ------------------------------------------------------------------ types (from the contract)

export type MeetingStatus = 'planned' | 'notified' | 'held' | 'cancelled';
export type AttendanceStatus = 'invited' | 'present' | 'absent' | 'leave_requested' | 'leave_approved';
export type SignInMethod = 'qr' | 'card' | 'manual' | 'live';
export type RulePeriod = 'month' | 'quarter' | 'year';
export type Verdict = 'met' | 'missing' | 'pending' | 'not_applicable';
export type StatsCategory = 'branch_day' | 'life_meeting' | 'democratic_evaluation' | 'study' | 'other';
export type AppliesTo = 'branch' | 'branch_with_committee' | 'party_group' | 'committee' | 'branch_pairs';

export const MEETING_STATUSES: readonly MeetingStatus[] = ['planned', 'notified', 'held', 'cancelled'];
export const ATTENDANCE_STATUSES: readonly AttendanceStatus[] = [
  'invited',
  'present',
  'absent',
  'leave_requested',
  'leave_approved',
];
export const SIGN_IN_METHODS: readonly SignInMethod[] = ['qr', 'card', 'manual', 'live'];

/** The upload purpose of a meeting's photos and attachments. */
export const MEETING_FILE_PURPOSE = 'meeting_file';

export interface ActivityKind {
  id: number;
  code: string;
  name: string;
  builtin: boolean;
  needs_quorum: boolean;
  three_one: boolean;
  stats_category: StatsCategory;
  is_active: boolean;
}

export interface Requirement {
  kind: number;
  kind_code: string;
  kind_name: string;
  period: RulePeriod;
  minimum: number;
  applies_to: AppliesTo;
}

export interface RuleVersion {
  id: number;
  version: string;
  effective_from: string;
  source: string;
  local: boolean;
  committee_threshold: number;
  requirements: Requirement[];
}

export interface PlanItem {
  id: number;
  month: number;
  kind: number;
  kind_code: string;
  kind_name: string;
  title: string;
  note: string;
  generated: boolean;
  /** The meeting that fulfils this line, if any. */
  meeting: number | null;
}

export interface Plan {
  organization: number;
  year: number;
  items: PlanItem[];
}

export interface PlanItemBody {
  organization?: number;
  year?: number;
  month: number;
  kind: number;
  title: string;
  note: string;
}

export interface Ref {
  id: number;
  name: string;
}

export interface KindRef extends Ref {
  code: string;
}

/** A row of `list` (a type, not an interface: tables take it as a record). */
export type MeetingRow = {
  id: number;
  title: string;
  kind: KindRef;
  organization: Ref;
  starts_at: string;
  ends_at: string;
  place: string;
  online_url: string;
  status: MeetingStatus;
  invited: number;
  present: number;
  attendance_rate: number | null;
};

export interface Attendee {
  id: number;
  name: string;
  is_guest: boolean;
  has_vote: boolean;
  status: AttendanceStatus;
  absence_reason: string;
  leave_reason: string;
  method: SignInMethod | '';
  signed_in_at: string | null;
}

export interface Resolution {
  id: number;
  text: string;
  votes_for: number | null;
  votes_against: number | null;
  abstentions: number | null;
  passed: boolean | null;
  created_at?: string;
}

export interface MeetingFile {
  id: number;
  filename: string;
  content_type: string;
  size: number;
  is_photo: boolean;
  /** A signed download URL (like the other apps' files). */
  url: string;
  created_at: string;
}

export interface Quorum {
  voting_members: number;
  voting_present: number;
  required: number;
  met: boolean;
}

/** `GET {id}`: the row's fields (without the counts: `attendees` has them) and the record. */
export type MeetingDetail = Omit<MeetingRow, 'invited' | 'present' | 'attendance_rate'> & {
  held_at: string | null;
  cancelled_reason: string;
  host: Ref | null;
  recorder: Ref | null;
  agenda: string;
  /** Sanitized HTML; empty when the caller may not read it. */
  minutes: string;
  minutes_marking: 'public' | 'internal' | string;
  rule_version: string;
  resolutions: Resolution[];
  files: MeetingFile[];
  attendees: Attendee[];
  /** Voters on the roll and present (fixed when held); shown for kinds that need a quorum. */
  quorum: Quorum | null;
  lesson: { scope: string; schema: string; id: number } | null;
  /**
   * `can_edit`: a manager, and the meeting planned or notified (details, notify, hold, cancel,
   * delete); `can_sign_in_others`: a manager, and not cancelled (attendance, minutes,
   * resolutions, files — also after the meeting was held).
   */
  permissions: { can_edit: boolean; can_sign_in_others: boolean };
  /** Only in the answer of `notify`: the invitees told now. */
  notified?: number;
};

export interface MeetingBody {
  organization: number;
  kind: number;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string;
  online_url: string;
  host: number | null;
  recorder: number | null;
  agenda: string;
  invite_members?: boolean;
  guests?: { name: string }[];
}

export interface MeetingQuery {
  organization?: number;
  kind?: number;
  status?: MeetingStatus;
  from?: string;
  to?: string;
  search?: string;
  page?: number;
  page_size?: number;
}

export interface MinutesBody {
  minutes: string;
  minutes_marking: string;
  agenda: string;
}

export interface ResolutionBody {
  text: string;
  votes_for: number | null;
  votes_against: number | null;
  abstentions: number | null;
}

/** `GET {id}/qr`: the current code and its image; a new one every `window_seconds`. */
export interface SignInQr {
  url: string;
  code: string;
  expires_at: string;
  window_seconds: number;
  svg_data_url: string;
}

/** The answer of a card or manual sign-in: who, and whether they had signed in before (the first time is kept). */
export interface CardSignIn {
  attendee: Attendee;
  name: string;
  status?: AttendanceStatus;
  method?: SignInMethod;
  signed_in_at?: string | null;
  already: boolean;
}

export interface CompliancePeriod {
  key: string;
  start: string;
  end: string;
}

export interface ComplianceCell {
  period: string;
  expected: number;
  held: number;
  verdict: Verdict;
  reason: string;
  rule_version: string;
}

export interface ComplianceRow {
  organization: { id: number; name: string; kind: string };
  kind: KindRef;
  cells: ComplianceCell[];
}

export interface Compliance {
  rule_versions: unknown[];
  periods: CompliancePeriod[];
  rows: ComplianceRow[];
}

// ------------------------------------------------------------------ transport

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One JSON call with the session cookie, `X-CSRFToken` and `Accept-Language`, shaped like an
 * openapi-fetch result for `call()` (the same as src/shared/learning/uploadApi.ts does).
 */
async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
): Promise<{ data?: T; error?: unknown; response: Response }> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': serverLanguage() });
  if (method !== 'GET') {
    const token = readCookie('csrftoken');
    if (token) headers.set('X-CSRFToken', token);
  }
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await globalThis.fetch(
    new Request(new URL(path, location.href), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // A proxy's HTML error page: errorFromResponse() words it.
    }
  }
  return response.ok ? { data: parsed as T, response } : { error: parsed, response };
}

const get = <T>(path: string, query: Record<string, string | number | boolean | null | undefined> = {}) =>
  call(request<T>('GET', `${BASE}/${path}${queryString(query)}`));
const post = <T>(path: string, body: unknown = {}) => call(request<T>('POST', `${BASE}/${path}`, body));
const patch = <T>(path: string, body: unknown) => call(request<T>('PATCH', `${BASE}/${path}`, body));
const remove = (path: string) => call(request<unknown>('DELETE', `${BASE}/${path}`));

/** Lists may come paginated or (kinds, rules) as plain arrays: accept both. */
function rowsOf<T>(data: T[] | Page<T>): T[] {
  return Array.isArray(data) ? data : data.results;
}

// ------------------------------------------------------------------ kinds, rules, plans

export const listKinds = async (): Promise<ActivityKind[]> =>
  rowsOf(await get<ActivityKind[] | Page<ActivityKind>>('kinds', { page_size: 200 }));
export const listRules = async (): Promise<RuleVersion[]> =>
  rowsOf(await get<RuleVersion[] | Page<RuleVersion>>('rules', { page_size: 100 }));

/** A tenant admin adds a kind of its own (中心组学习, 支部活动日…); its frequency comes with a local rule version. */
export interface KindBody {
  code: string;
  name: string;
  stats_category: StatsCategory;
  three_one: boolean;
}
export const createKind = (body: KindBody) => post<ActivityKind>('kinds', body);
export const updateKind = (id: number, body: Partial<KindBody & { is_active: boolean }>) =>
  patch<ActivityKind>(`kinds/${id}`, body);

/** A local rule version: the server copies the newest version and applies these rows (`minimum: 0` drops a kind). */
export interface RuleBody {
  version: string;
  effective_from: string;
  source: string;
  committee_threshold?: number;
  requirements: { kind: number; period: RulePeriod; minimum: number; applies_to: AppliesTo }[];
}
export const createRule = (body: RuleBody) => post<RuleVersion>('rules', body);

/** `organization` null: the server picks the top of the caller's scope (and says which). */
export const getPlan = (organization: number | null, year: number) => get<Plan>('plans', { organization, year });
export const generatePlan = (organization: number, year: number) =>
  post<Plan>('plans/generate', { organization, year });
export const createPlanItem = (body: PlanItemBody) => post<PlanItem>('plans/items', body);
export const updatePlanItem = (id: number, body: Partial<PlanItemBody>) => patch<PlanItem>(`plans/items/${id}`, body);
export const deletePlanItem = (id: number) => remove(`plans/items/${id}`);

// ------------------------------------------------------------------ meetings

export const listMeetings = (query: MeetingQuery) =>
  get<Page<MeetingRow>>('list', query as Record<string, string | number | undefined>);
export const createMeeting = (body: MeetingBody) => post<MeetingDetail>('create', body);
export const getMeeting = (id: number) => get<MeetingDetail>(String(id));
export const updateMeeting = (id: number, body: Partial<MeetingBody>) => patch<MeetingDetail>(String(id), body);
export const deleteMeeting = (id: number) => remove(String(id));
export const notifyMeeting = (id: number) => post<MeetingDetail>(`${id}/notify`);
export const holdMeeting = (id: number) => post<MeetingDetail>(`${id}/hold`);
export const cancelMeeting = (id: number, reason: string) => post<MeetingDetail>(`${id}/cancel`, { reason });

/** Invite a member of the organization (`member`) or a guest (`name`, no vote). */
export const addAttendee = (id: number, body: { name?: string; member?: number }) =>
  post<Attendee>(`${id}/attendees`, body);
export const setAttendance = (
  id: number,
  attendee: number,
  body: { status: 'absent' | 'present'; absence_reason?: string },
) => patch<Attendee>(`${id}/attendees/${attendee}`, body);
export const decideLeave = (id: number, attendee: number, approve: boolean) =>
  post<Attendee>(`${id}/attendees/${attendee}/leave-decision`, { approve });

export const saveMinutes = (id: number, body: MinutesBody) => post<MeetingDetail>(`${id}/minutes`, body);
export const addResolution = (id: number, body: ResolutionBody) => post<Resolution>(`${id}/resolutions`, body);

/** Claim a verified direct upload as a photo or attachment of the meeting. */
export const claimFile = (id: number, upload: string | number) => post<MeetingFile>(`${id}/files`, { upload });
export const deleteFile = (id: number, file: number) => remove(`${id}/files/${file}`);

// ------------------------------------------------------------------ sign-in

export const getSignInQr = (id: number) => get<SignInQr>(`${id}/qr`);
export const cardSignIn = (id: number, card_number: string) => post<CardSignIn>(`${id}/card-sign-in`, { card_number });
export const manualSignIn = (id: number, attendee: number) => post<CardSignIn>(`${id}/attendees/${attendee}/sign-in`);

// ------------------------------------------------------------------ compliance and documents

export const getCompliance = (query: { organization?: number | null; year: number; period: RulePeriod }) =>
  get<Compliance>('compliance', query);

/** The printable meeting record (opened in a new tab). */
export const recordPdfUrl = (id: number) => `${BASE}/${id}/record.pdf`;
/** 组织生活台账: the activity ledger of an organization and year. */
export const ledgerUrl = (organization: number | null | undefined, year: number) =>
  `${BASE}/ledger.xlsx${queryString({ organization, year })}`;
