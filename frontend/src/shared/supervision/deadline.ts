/**
 * Deadlines of reports and inquiries as the lists show them: overdue (red), due within a few
 * days (orange), or in time. Dates are the API's `YYYY-MM-DD` (China's calendar days; the server
 * computed them on working days).
 */

/** Days before a deadline from which it is shown as due soon. */
export const DUE_SOON_DAYS = 3;

export type DueState = 'overdue' | 'soon' | 'ok' | 'none';

export interface Due {
  state: DueState;
  /** Whole days from today to the deadline (negative: overdue by that many). */
  days: number;
}

/** Whole days from `today` (local date) to `iso` (`YYYY-MM-DD`), or null. */
export function daysTo(iso: string | null | undefined, today: Date = new Date()): number | null {
  if (!iso) return null;
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return null;
  const start = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((Date.UTC(y, m - 1, d) - start) / 86_400_000);
}

/** How a deadline stands today; `none` without one or once it was met (`met`). */
export function dueState(iso: string | null | undefined, met = false, today: Date = new Date()): Due {
  const days = daysTo(iso, today);
  if (days === null || met) return { state: 'none', days: days ?? 0 };
  if (days < 0) return { state: 'overdue', days };
  if (days <= DUE_SOON_DAYS) return { state: 'soon', days };
  return { state: 'ok', days };
}

/** The element-plus / vant tag type of a state. */
export const DUE_TAG = { overdue: 'danger', soon: 'warning', ok: 'success', none: 'info' } as const;
