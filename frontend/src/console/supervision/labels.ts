/** The values of the supervision enums the console's filters and pickers list. */
export const CAMPAIGN_STATUSES = ['draft', 'open', 'closed', 'cancelled'] as const;
/** A tenant's scopes (group-wide is the group's own announcements only). */
export const TENANT_SCOPES = ['unit', 'subtree', 'tenant'] as const;
export const ANNOUNCEMENT_STATUSES = ['draft', 'published', 'withdrawn'] as const;
export const PUBLICITY_STATUSES = ['draft', 'open', 'closed', 'concluded', 'withdrawn'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm:ss` local, what el-date-picker's `value-format` gives, as an ISO instant for the API. */
export function toIso(local: string): string {
  return new Date(local.replace(' ', 'T')).toISOString();
}

/** An ISO instant as `YYYY-MM-DD HH:mm:ss` local (el-date-picker's value). */
export function fromIso(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:00`;
}

/** A default window: from now (rounded to the next hour) for `days` days. */
export function defaultWindow(days: number): [string, string] {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  start.setHours(start.getHours() + 1);
  const end = new Date(start.getTime() + days * 86400000);
  return [fromIso(start.toISOString()), fromIso(end.toISOString())];
}
