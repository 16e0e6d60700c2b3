/**
 * Organizational life for the group (root host, `/api/v1/group/meetings/…`): held/expected
 * activities per subsidiary, kind and period from the rollups (open periods pending, never
 * missing), the annual 组织生活频次统计, and the drill-down into one subsidiary — its own
 * compliance table (organizations × kinds × periods, with reasons) and its meeting records, each
 * an audited read in that tenant's schema.
 *
 * The shapes are written by hand from the issue 15 contract and the compliance branch (the
 * schema does not have these paths yet); errors are `ApiError`s with the server's translated message.
 */
import type { Page } from './types';
import { getJson } from './untyped';

const BASE = '/api/v1/group/meetings';

export type CompliancePeriod = 'month' | 'quarter' | 'year';
export type Verdict = 'met' | 'missing' | 'pending' | 'not_applicable';

/** A column of the group's table: an activity kind. */
export interface GroupKind {
  code: string;
  label: string;
  /** 三会一课. */
  three_one: boolean;
}

/** Held against expected for one kind in one period (expected 0 where nothing is due). */
export interface GroupCell {
  kind: string;
  held: number;
  expected: number;
  verdict: Verdict;
}

export interface GroupPeriod {
  /** `2026-Q2`, `2026-05`, `2026`. */
  period: string;
  cells: GroupCell[];
}

/** `GET compliance?year=&period=`: subsidiaries × kinds per period, and the group's totals. */
export interface GroupMeetingsCompliance {
  year: number;
  period: CompliancePeriod;
  periods: string[];
  kinds: GroupKind[];
  tenants: { id: number; name: string; periods: GroupPeriod[] }[];
  group: GroupPeriod[];
}

/** `GET frequency?year=`: held meetings of a year by statistics category (组织生活频次统计). */
export interface MeetingsFrequency {
  year: number;
  columns: { code: string; label: string }[];
  tenants: { id: number; name: string; counts: Record<string, number> }[];
  group: Record<string, number>;
}

export interface ComplianceCell {
  period: string;
  expected: number;
  held: number;
  verdict: Verdict;
  reason: string;
  rule_version: string;
}

export interface OrganizationComplianceRow {
  organization: { id: number; name: string; kind: string };
  kind: { id: number; code: string; name: string };
  cells: ComplianceCell[];
}

/** `GET compliance/{tenant_id}?year=&period=`: one subsidiary's table, as its console shows it. */
export interface TenantMeetingsCompliance {
  rule_versions: unknown[];
  periods: { key: string; start: string; end: string }[];
  rows: OrganizationComplianceRow[];
}

/** `GET compliance/{tenant_id}/meetings?year=&organization=`: the subsidiary's meeting records (no minutes). */
export interface TenantMeetingRecord {
  id: number;
  title: string;
  kind: string;
  kind_code: string;
  organization: string;
  organization_id: number;
  starts_at: string;
  ends_at: string;
  status: 'planned' | 'notified' | 'held' | 'cancelled';
  invited: number;
  present: number;
}

export const getGroupMeetingsCompliance = (year: number, period: CompliancePeriod): Promise<GroupMeetingsCompliance> =>
  getJson(`${BASE}/compliance`, { year, period });

export const getMeetingsFrequency = (year: number): Promise<MeetingsFrequency> =>
  getJson(`${BASE}/frequency`, { year });

/** The 组织生活频次统计 workbook (downloaded with the session; audited). */
export const frequencyXlsxUrl = (year: number): string => `${BASE}/frequency?year=${year}&format=xlsx`;

export const getTenantMeetingsCompliance = (
  tenantId: number,
  year: number,
  period: CompliancePeriod,
  organization?: number | null,
): Promise<TenantMeetingsCompliance> => getJson(`${BASE}/compliance/${tenantId}`, { year, period, organization });

export const listTenantMeetings = (
  tenantId: number,
  query: { year: number; organization?: number | null; kind?: string; page?: number; page_size?: number },
): Promise<Page<TenantMeetingRecord>> => getJson(`${BASE}/compliance/${tenantId}/meetings`, query);
