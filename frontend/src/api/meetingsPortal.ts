/**
 * Organizational life (`tenants.meetings`) as a member sees it in the portal: my meetings
 * (upcoming and past), one meeting with its agenda and — once held, when I may read them — the
 * minutes, a leave request before the start, signing in with the code of the QR screen, my
 * attendance over a year and my make-up (补学) tasks. The console's calls are in meetings.ts.
 *
 * The shapes are written by hand from the issue 15 contract (the schema does not have these
 * paths yet); errors are `ApiError`s with the server's translated message.
 */
import type { Page } from './types';
import { getJson, postJson } from './untyped';

const BASE = '/api/v1/meetings';

export type MeetingStatus = 'planned' | 'notified' | 'held' | 'cancelled';
export type AttendanceStatus = 'invited' | 'present' | 'absent' | 'leave_requested' | 'leave_approved';
export type SignInMethod = 'qr' | 'card' | 'manual' | 'live';
export type MineWhen = 'upcoming' | 'past';

export interface Named {
  id: number;
  name: string;
}

export interface KindRef extends Named {
  code: string;
}

/** A meeting in my list (`mine?when=`): where and when, and what I am in it. */
export interface MyMeeting {
  id: number;
  title: string;
  kind: KindRef;
  organization: Named;
  starts_at: string;
  ends_at: string;
  place: string;
  online_url: string;
  status: MeetingStatus;
  my_status: AttendanceStatus;
  my_method: SignInMethod | '' | null;
  can_request_leave: boolean;
  can_sign_in: boolean;
}

export interface Resolution {
  id: number;
  text: string;
  votes_for: number | null;
  votes_against: number | null;
  abstentions: number | null;
  passed: boolean | null;
}

/** One meeting as an invitee sees it (`mine/{id}`); `minutes` empty unless held and readable. */
export interface MyMeetingDetail extends MyMeeting {
  agenda: string;
  /** Sanitized HTML (server side); empty while I may not read it. */
  minutes: string;
  minutes_marking: string;
  resolutions: Resolution[];
  leave_reason: string;
  signed_in_at: string | null;
  host?: Named | null;
  recorder?: Named | null;
}

/** `POST {id}/sign-in`: present (with the first time kept when `already`). */
export interface SignInResult {
  status: AttendanceStatus;
  method: SignInMethod;
  signed_in_at: string;
  already?: boolean;
}

/** A held meeting of my year, and what I was at it. */
export interface AttendanceLine {
  meeting: number;
  title: string;
  kind: KindRef;
  organization: Named;
  starts_at: string;
  status: AttendanceStatus;
  method: SignInMethod | '';
}

/** `mine/attendance?year=`: the held meetings I was invited to, and my rate (percent). */
export interface MyAttendance {
  year: number;
  held: number;
  present: number;
  /** present ÷ held, in percent (one decimal); null without a held meeting. */
  rate: number | null;
  rows: AttendanceLine[];
}

/** 补学: catch up on a meeting I missed (read the minutes, watch the recording), then confirm. */
export interface MakeUpTask {
  id: number;
  meeting: number;
  title: string;
  /** The kind's name. */
  kind: string;
  starts_at: string;
  /** A live lesson's replay to watch. */
  has_recording: boolean;
  created_at: string;
  completed_at: string | null;
  note: string;
}

/** My meetings: upcoming (soonest first) or past (newest first). */
export const listMyMeetings = (when: MineWhen, page = 1): Promise<Page<MyMeeting>> =>
  getJson(`${BASE}/mine`, { when, page });

/** One of my meetings; 404 when I am not invited. */
export const getMyMeeting = (id: number): Promise<MyMeetingDetail> => getJson(`${BASE}/mine/${id}`);

/** Ask for leave before the start (the secretary decides). */
export const requestLeave = (id: number, reason: string): Promise<MyMeeting> =>
  postJson(`${BASE}/mine/${id}/leave`, { reason });

/** Sign in with the code of the QR screen (what the scanned URL carries). */
export const signIn = (id: number, code: string): Promise<SignInResult> => postJson(`${BASE}/${id}/sign-in`, { code });

/** My attendance in `year`, with the rate. */
export const myAttendance = (year: number): Promise<MyAttendance> => getJson(`${BASE}/mine/attendance`, { year });

/** My make-up tasks: open (`done=false`) or done. */
export const listMakeUps = (done: boolean, page = 1): Promise<Page<MakeUpTask>> =>
  getJson(`${BASE}/makeups`, { done, page });

/** Confirm a make-up task with what I learned. */
export const completeMakeUp = (id: number, note: string): Promise<MakeUpTask> =>
  postJson(`${BASE}/makeups/${id}/complete`, { note });
