/**
 * The schedule/edit form of a lesson (tenant and group lessons share it): a fresh form, a row's
 * values, the checks made before sending (the server makes them again, in the user's language)
 * and the body sent.
 */
import type { AnyLesson, LessonBody, LessonMaterial } from '@/api/live';

export const LESSON_FIELDS = [
  'title',
  'lecturer',
  'description',
  'starts_at',
  'planned_end_at',
  'organization',
  'audience_tenants',
  'counts_as_party_lesson',
  'cover',
  'materials',
] as const;
export type LessonField = (typeof LESSON_FIELDS)[number];

export interface LessonForm {
  title: string;
  lecturer: string;
  description: string;
  startsAt: Date | null;
  plannedEndAt: Date | null;
  /** Tenant lessons: null = the whole tenant. */
  organization: number | null;
  /** Group lessons: [] = every active subsidiary. */
  audienceTenants: number[];
  countsAsPartyLesson: boolean;
  cover: string | null;
  coverUrl: string | null;
  materials: LessonMaterial[];
}

const HOUR = 3600 * 1000;

/** The next full hour after `now` plus one: a plausible start that is not in the past. */
export function defaultStart(now: Date = new Date()): Date {
  const start = new Date(now.getTime() + HOUR);
  start.setMinutes(0, 0, 0);
  return new Date(start.getTime() + HOUR);
}

export function blankLesson(now: Date = new Date()): LessonForm {
  const start = defaultStart(now);
  return {
    title: '',
    lecturer: '',
    description: '',
    startsAt: start,
    plannedEndAt: new Date(start.getTime() + 90 * 60 * 1000),
    organization: null,
    audienceTenants: [],
    countsAsPartyLesson: true,
    cover: null,
    coverUrl: null,
    materials: [],
  };
}

export function lessonToForm(lesson: AnyLesson): LessonForm {
  return {
    title: lesson.title,
    lecturer: lesson.lecturer ?? '',
    description: lesson.description ?? '',
    startsAt: new Date(lesson.starts_at),
    plannedEndAt: new Date(lesson.planned_end_at),
    organization: 'organization' in lesson ? (lesson.organization ?? null) : null,
    audienceTenants: 'audience_tenants' in lesson ? [...lesson.audience_tenants] : [],
    countsAsPartyLesson: lesson.counts_as_party_lesson ?? false,
    cover: lesson.cover ?? null,
    coverUrl: lesson.cover_url ?? null,
    materials: [...(lesson.materials ?? [])],
  };
}

/** Messages of the checks (i18n keys under `live.form`), so the check stays testable without i18n. */
export type LessonCheck = 'titleRequired' | 'startRequired' | 'endRequired' | 'endBeforeStart' | 'startInPast';

/**
 * The refusals before sending: a title, both times, the end after the start, and a start not in
 * the past when scheduling or moving the start (`editing`: the row's current start).
 */
export function checkLesson(
  form: Pick<LessonForm, 'title' | 'startsAt' | 'plannedEndAt'>,
  editing: { starts_at: string } | null,
  now: Date = new Date(),
): { field: LessonField; check: LessonCheck }[] {
  const refused: { field: LessonField; check: LessonCheck }[] = [];
  if (!form.title.trim()) refused.push({ field: 'title', check: 'titleRequired' });
  if (!form.startsAt) refused.push({ field: 'starts_at', check: 'startRequired' });
  if (!form.plannedEndAt) refused.push({ field: 'planned_end_at', check: 'endRequired' });
  if (form.startsAt && form.plannedEndAt && form.plannedEndAt.getTime() <= form.startsAt.getTime()) {
    refused.push({ field: 'planned_end_at', check: 'endBeforeStart' });
  }
  const moved = !editing || new Date(editing.starts_at).getTime() !== form.startsAt?.getTime();
  if (form.startsAt && moved && form.startsAt.getTime() < now.getTime()) {
    refused.push({ field: 'starts_at', check: 'startInPast' });
  }
  return refused;
}

/** The body to send for `scope` (its own audience field only). */
export function lessonBody(form: LessonForm, scope: 'tenant' | 'group'): LessonBody {
  const body: LessonBody = {
    title: form.title.trim(),
    lecturer: form.lecturer.trim(),
    description: form.description.trim(),
    starts_at: form.startsAt!.toISOString(),
    planned_end_at: form.plannedEndAt!.toISOString(),
    counts_as_party_lesson: form.countsAsPartyLesson,
    cover: form.cover,
    materials: form.materials.map((item) => item.uuid),
  };
  if (scope === 'tenant') body.organization = form.organization;
  else body.audience_tenants = [...form.audienceTenants];
  return body;
}
