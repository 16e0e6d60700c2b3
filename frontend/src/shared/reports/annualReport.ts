/**
 * The annual statistics report (统计年报) as the console and the group show it: its API shapes
 * (schema.d.ts), the default snapshot date and the header bands of its tables (pure functions).
 */
import type { components } from '@/api/schema';

type Schemas = components['schemas'];

export type AnnualReport = Schemas['AnnualStatisticsReport'];
export type AnnualReportTable = Schemas['AnnualReportTable'];
export type AnnualReportColumn = Schemas['AnnualReportColumn'];
export type AnnualReportCheck = Schemas['AnnualReportCheck'];

/** The snapshot date the annual report defaults to: the last 31 December (today, on 31 December). */
export function lastYearEnd(today: Date = new Date()): string {
  const year = today.getMonth() === 11 && today.getDate() === 31 ? today.getFullYear() : today.getFullYear() - 1;
  return `${year}-12-31`;
}

/** Table columns grouped under their header band: consecutive columns with the same `group`. */
export function headerBands<T extends { group: string }>(columns: T[]): { group: string; columns: T[] }[] {
  const bands: { group: string; columns: T[] }[] = [];
  for (const column of columns) {
    const last = bands[bands.length - 1];
    if (last && column.group && last.group === column.group) last.columns.push(column);
    else bands.push({ group: column.group, columns: [column] });
  }
  return bands;
}
