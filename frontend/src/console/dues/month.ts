/** `YYYY-MM` of today (or of `date`). */
export function currentMonth(date: Date = new Date()): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

/** `YYYY-MM` of an API month (`YYYY-MM-01`) or a `YYYY-MM` string. */
export function monthOf(value: string | null | undefined): string {
  return value ? value.slice(0, 7) : '';
}
