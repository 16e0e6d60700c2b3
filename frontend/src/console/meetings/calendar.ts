/**
 * The month view of the calendar: six weeks of days (Monday first, as in China), and the
 * meetings of each day by their start in the browser's time zone (the tenant's: Asia/Shanghai).
 */

export interface CalendarDay {
  /** `2026-05-01` */
  key: string;
  date: number;
  inMonth: boolean;
  weekend: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a Date in local time. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** 42 days covering `month` (1–12) of `year`, from the Monday on or before its first day. */
export function monthGrid(year: number, month: number): CalendarDay[] {
  const first = new Date(year, month - 1, 1);
  const offset = (first.getDay() + 6) % 7; // Monday = 0
  const days: CalendarDay[] = [];
  for (let i = 0; i < 42; i += 1) {
    const date = new Date(year, month - 1, 1 - offset + i);
    days.push({
      key: dayKey(date),
      date: date.getDate(),
      inMonth: date.getMonth() === month - 1,
      weekend: date.getDay() === 0 || date.getDay() === 6,
    });
  }
  return days;
}

/** The first and last instant of the grid's days, for the list query (`from`/`to` as dates). */
export function gridRange(year: number, month: number): { from: string; to: string } {
  const days = monthGrid(year, month);
  return { from: days[0]!.key, to: days[days.length - 1]!.key };
}

/** Items grouped by the local day of their `starts_at`, each day's in time order. */
export function byDay<T extends { starts_at: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  const sorted = [...items].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  for (const item of sorted) {
    const date = new Date(item.starts_at);
    if (Number.isNaN(date.getTime())) continue;
    const key = dayKey(date);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The month after/before (`step` ±1) as {year, month}. */
export function shiftMonth(year: number, month: number, step: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + step;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** `HH:mm` of an ISO time in local time. */
export function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
