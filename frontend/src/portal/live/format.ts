import { formatDateTime } from '@/shared/format';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-07 19:30–21:00`, or both ends in full when the lesson runs past midnight. */
export function lessonTime(startsAt: string, plannedEndAt: string | null | undefined): string {
  const start = formatDateTime(startsAt);
  if (!plannedEndAt) return start;
  const begin = new Date(startsAt);
  const end = new Date(plannedEndAt);
  if (Number.isNaN(end.getTime())) return start;
  const sameDay = begin.toDateString() === end.toDateString();
  return sameDay
    ? `${start}–${pad(end.getHours())}:${pad(end.getMinutes())}`
    : `${start} – ${formatDateTime(plannedEndAt)}`;
}

/** `10:32` for a chat line of today, `12-06 10:32` before. */
export function chatTime(at: string, now: Date = new Date()): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.toDateString() === now.toDateString()
    ? time
    : `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}
