/**
 * Organizational life for the group (root host, `partycloud.rollups` figures of
 * `tenants.meetings`): held/expected activities per subsidiary and kind in a year or one of
 * its periods, and the drill-down into one subsidiary's organizations and their records (an
 * audited read in that tenant's schema).
 *
 * The shapes are written by hand from the issue 15 contract (the schema does not have these
 * paths yet); errors are `ApiError`s with the server's translated message.
 */
import { getJson } from './untyped';

const BASE = '/api/v1/group/meetings/compliance';

export type CompliancePeriod = 'month' | 'quarter' | 'year';
export type Verdict = 'met' | 'missing' | 'pending' | 'not_applicable';

export interface KindColumn {
  id?: number;
  code: string;
  name: string;
  three_one?: boolean;
}

/** Held against expected for one subsidiary and kind (expected 0: nothing required). */
export interface HeldExpected {
  held: number;
  expected: number;
}

export interface TenantComplianceRow {
  tenant: { id: number; name: string };
  /** By kind code. */
  kinds: Record<string, HeldExpected>;
}

/** `GET /api/v1/group/meetings/compliance?year=&period=`: subsidiaries × kinds. */
export interface GroupMeetingsCompliance {
  year: number;
  period: CompliancePeriod;
  /** The period keys covered (`2026-Q2` …); the figures add them up. */
  periods?: { key: string; start: string; end: string }[];
  kinds: KindColumn[];
  tenants: TenantComplianceRow[];
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
  kind: KindColumn & { id: number };
  cells: ComplianceCell[];
}

/** A held (or planned) meeting of the subsidiary, for the records under the figures. */
export interface MeetingRecordRow {
  id: number;
  title: string;
  kind: KindColumn;
  organization: { id: number; name: string };
  starts_at: string;
  status: string;
  invited: number;
  present: number;
  attendance_rate: number | null;
}

/** `GET …/compliance/{tenant_id}?year=`: one subsidiary's organizations per kind and period, and its records. */
export interface TenantMeetingsCompliance {
  tenant?: { id: number; name: string };
  rule_versions?: unknown[];
  periods: { key: string; start: string; end: string }[];
  rows: OrganizationComplianceRow[];
  meetings?: MeetingRecordRow[];
}

export const getGroupMeetingsCompliance = (year: number, period: CompliancePeriod): Promise<GroupMeetingsCompliance> =>
  getJson(BASE, { year, period });

export const getTenantMeetingsCompliance = (
  tenantId: number,
  year: number,
  period: CompliancePeriod,
): Promise<TenantMeetingsCompliance> => getJson(`${BASE}/${tenantId}`, { year, period });
