import type { AttendanceStatus, MeetingStatus } from '@/api/meetings';

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary';

/** A meeting's status as a tag colour: planned grey, notified blue, held green, cancelled muted. */
export const STATUS_TAG: Record<MeetingStatus, TagType> = {
  planned: 'info',
  notified: 'primary',
  held: 'success',
  cancelled: 'warning',
};

/** An invitee's attendance as a tag colour. */
export const ATTENDANCE_TAG: Record<AttendanceStatus, TagType> = {
  invited: 'info',
  present: 'success',
  absent: 'danger',
  leave_requested: 'warning',
  leave_approved: 'primary',
};

/** Whole percent of `part` in `whole` ("—" when nobody was invited). */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 100) / whole)}%` : '—';
}
