/**
 * 我的积分's chart and breakdown, as pure functions (the page only draws them): the bars of a
 * year by month (every month of the year up to the current one, empty ones included, scaled to a
 * round maximum) and the points by kind (largest first, each one's share of the total, kinds
 * where the daily cap cut points marked). Points are reference only: nothing here ranks anyone.
 */

import { TIME_KINDS } from '../../api/points';

/** A month's total as the API sends it (`YYYY-MM`). */
export interface MonthPoints {
  month: string;
  points: number;
}

/** A kind's total, and how many of its entries the daily cap cut (`capped`). */
export interface KindPoints {
  kind: string;
  label?: string;
  points: number;
  capped?: number;
}

export interface MonthBar {
  /** `YYYY-MM` */
  month: string;
  /** 1–12 */
  number: number;
  points: number;
  /** the bar's height in percent of the chart (0–100) */
  height: number;
}

export interface KindRow {
  kind: string;
  /** the server's label (translated), for a kind the front end does not know */
  label: string;
  points: number;
  /** share of all points in percent, one decimal (0 when there are none) */
  share: number;
  capped: boolean;
}

export { TIME_KINDS };

const pad = (n: number) => String(n).padStart(2, '0');

/** The smallest 1/2/5 × 10ⁿ at or above `value` (at least 5): the chart's top line. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/**
 * The bars of `year`: January to the current month for this year (`today`), all twelve for a past
 * year, none for a future one. Months the API left out are zero; months of other years are ignored.
 */
export function monthBars(months: readonly MonthPoints[], year: number, today: Date = new Date()): MonthBar[] {
  const last = year < today.getFullYear() ? 12 : year === today.getFullYear() ? today.getMonth() + 1 : 0;
  const byMonth = new Map<string, number>();
  for (const row of months) byMonth.set(row.month, (byMonth.get(row.month) ?? 0) + row.points);
  const values = Array.from({ length: last }, (_, index) => byMonth.get(`${year}-${pad(index + 1)}`) ?? 0);
  const top = niceMax(Math.max(0, ...values));
  return values.map((points, index) => ({
    month: `${year}-${pad(index + 1)}`,
    number: index + 1,
    points,
    height: Math.round((points / top) * 1000) / 10,
  }));
}

/** The chart's scale: its top value and the middle gridline (for the labels). */
export function chartScale(bars: readonly MonthBar[]): { top: number; middle: number } {
  const top = niceMax(Math.max(0, ...bars.map((bar) => bar.points)));
  return { top, middle: top / 2 };
}

/** Points by kind, largest first (then by kind for a stable order); kinds with nothing left out unless capped. */
export function kindRows(kinds: readonly KindPoints[]): KindRow[] {
  const total = kinds.reduce((sum, row) => sum + Math.max(0, row.points), 0);
  return kinds
    .filter((row) => row.points > 0 || (row.capped ?? 0) > 0)
    .map((row) => ({
      kind: row.kind,
      label: row.label ?? row.kind,
      points: row.points,
      share: total ? Math.round((row.points / total) * 1000) / 10 : 0,
      capped: (row.capped ?? 0) > 0,
    }))
    .sort((a, b) => b.points - a.points || a.kind.localeCompare(b.kind));
}

/** `YYYY-MM` of a day (the browser's local calendar: the server counts Asia/Shanghai days). */
export const monthOf = (day: Date) => `${day.getFullYear()}-${pad(day.getMonth() + 1)}`;

/** This month's points when `year` is this year (the summary has the year's months), else null. */
export function thisMonthPoints(months: readonly MonthPoints[], year: number, today: Date = new Date()): number | null {
  if (year !== today.getFullYear()) return null;
  const month = monthOf(today);
  return months.filter((row) => row.month === month).reduce((sum, row) => sum + row.points, 0);
}
