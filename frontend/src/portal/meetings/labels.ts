import type { AttendanceStatus, MeetingStatus } from '@/api/meetingsPortal';

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'default';

/** The tag colour of my attendance status. */
export const MY_STATUS_TAG: Record<AttendanceStatus, TagType> = {
  invited: 'primary',
  present: 'success',
  absent: 'danger',
  leave_requested: 'warning',
  leave_approved: 'default',
};

/** The tag colour of a meeting's status. */
export const MEETING_STATUS_TAG: Record<MeetingStatus, TagType> = {
  planned: 'default',
  notified: 'primary',
  held: 'success',
  cancelled: 'default',
};

/** `82.5%` of a rate in percent, `—` without one. */
export function ratePercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Number(rate.toFixed(1))}%`;
}
