/**
 * The create/edit form of a meeting: a fresh form (optionally on a day picked in the calendar or
 * from a plan line), a record's values, the checks made before sending (the server makes them
 * again) and the body sent.
 */
import type { MeetingBody, MeetingDetail } from '@/api/meetings';

export const MEETING_FIELDS = [
  'organization',
  'kind',
  'title',
  'starts_at',
  'ends_at',
  'place',
  'online_url',
  'host',
  'recorder',
  'agenda',
  'invite_members',
  'guests',
] as const;
export type MeetingField = (typeof MEETING_FIELDS)[number];

export interface MeetingForm {
  organization: number | null;
  kind: number | null;
  title: string;
  startsAt: Date | null;
  endsAt: Date | null;
  place: string;
  onlineUrl: string;
  host: number | null;
  hostName: string;
  recorder: number | null;
  recorderName: string;
  agenda: string;
  inviteMembers: boolean;
  /** Guests (列席), one name per line or separated by 、，, */
  guests: string;
}

/** 14:30 on `day` (or tomorrow), for two hours. */
export function blankMeeting(
  preset: { organization?: number | null; kind?: number | null; day?: string; title?: string } = {},
  now: Date = new Date(),
): MeetingForm {
  let start: Date;
  const match = preset.day ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(preset.day) : null;
  if (match) start = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 14, 30);
  else start = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 14, 30);
  return {
    organization: preset.organization ?? null,
    kind: preset.kind ?? null,
    title: preset.title ?? '',
    startsAt: start,
    endsAt: new Date(start.getTime() + 2 * 3600 * 1000),
    place: '',
    onlineUrl: '',
    host: null,
    hostName: '',
    recorder: null,
    recorderName: '',
    agenda: '',
    inviteMembers: true,
    guests: '',
  };
}

export function meetingToForm(meeting: MeetingDetail): MeetingForm {
  return {
    organization: meeting.organization.id,
    kind: meeting.kind.id,
    title: meeting.title,
    startsAt: new Date(meeting.starts_at),
    endsAt: new Date(meeting.ends_at),
    place: meeting.place ?? '',
    onlineUrl: meeting.online_url ?? '',
    host: meeting.host?.id ?? null,
    hostName: meeting.host?.name ?? '',
    recorder: meeting.recorder?.id ?? null,
    recorderName: meeting.recorder?.name ?? '',
    agenda: meeting.agenda ?? '',
    inviteMembers: true,
    guests: '',
  };
}

/** Guest names from the text: split on line breaks and Chinese/Latin commas, trimmed, unique. */
export function guestNames(text: string): string[] {
  const names = text
    .split(/[\n\r,，、;；]+/)
    .map((name) => name.trim())
    .filter(Boolean);
  return [...new Set(names)];
}

export type MeetingCheck = 'required' | 'endBeforeStart' | 'badUrl';

/** The checks before sending: required fields, the end after the start, a web link. */
export function checkMeeting(form: MeetingForm): { field: MeetingField; check: MeetingCheck }[] {
  const refused: { field: MeetingField; check: MeetingCheck }[] = [];
  if (form.organization === null) refused.push({ field: 'organization', check: 'required' });
  if (form.kind === null) refused.push({ field: 'kind', check: 'required' });
  if (!form.title.trim()) refused.push({ field: 'title', check: 'required' });
  if (!form.startsAt) refused.push({ field: 'starts_at', check: 'required' });
  if (!form.endsAt) refused.push({ field: 'ends_at', check: 'required' });
  else if (form.startsAt && form.endsAt.getTime() <= form.startsAt.getTime())
    refused.push({ field: 'ends_at', check: 'endBeforeStart' });
  if (form.onlineUrl.trim() && !/^https?:\/\/\S+$/i.test(form.onlineUrl.trim()))
    refused.push({ field: 'online_url', check: 'badUrl' });
  return refused;
}

/** The body of `create` (with invitees) or of a PATCH (`editing`: the invitees stay as they are). */
export function meetingBody(form: MeetingForm, editing: boolean): MeetingBody {
  const body: MeetingBody = {
    organization: form.organization!,
    kind: form.kind!,
    title: form.title.trim(),
    starts_at: form.startsAt!.toISOString(),
    ends_at: form.endsAt!.toISOString(),
    place: form.place.trim(),
    online_url: form.onlineUrl.trim(),
    host: form.host,
    recorder: form.recorder,
    agenda: form.agenda,
  };
  if (!editing) {
    body.invite_members = form.inviteMembers;
    body.guests = guestNames(form.guests).map((name) => ({ name }));
  }
  return body;
}
