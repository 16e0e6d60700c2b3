/**
 * Points (积分, `tenants.points`): reference only, never a quota. The member's own page (totals,
 * by month, by kind, the ledger), and for the console the branch index, members in scope and a
 * member's ledger, the rule versions (and a local one), the anomalies and the rankings switch.
 * No call here sends points or events: the server's recorders are their only source.
 */
import type { Page } from './types';
import { api, call } from './client';
import { getJson, postJson } from './untyped';

const BASE = '/api/v1/points';

export type MonthTotal = {
  month: string;
  points: number;
};
export type KindTotal = {
  kind: string;
  points: number;
  capped_entries: number;
};
export type LedgerEntry = {
  id: number;
  kind: string;
  day: string;
  points: number;
  raw_points: number;
  capped: boolean;
  rule_version: string;
};
export type MyPoints = {
  reference_only: true;
  year: number;
  month_total: number;
  year_total: number;
  by_month: MonthTotal[];
  by_kind: KindTotal[];
};
export type BranchIndexRow = {
  id: number;
  name: string;
  own_points: number;
  member_count: number;
  member_mean: string;
  index: string;
  rank?: number | null;
};
export type MemberPointsRow = {
  id: number;
  name: string;
  organization: string;
  points: number;
  entries: number;
  capped: number;
};
export type PointRuleRow = {
  kind: string;
  points: number;
  unit: number;
  daily_cap: number | null;
};
export type PointRuleSet = {
  id: number;
  version: string;
  effective_from: string;
  source: string;
  is_local: boolean;
  rules: PointRuleRow[];
};
export type Anomaly = {
  member: number;
  name: string;
  kind: string;
  reason: string;
  days: number;
  last_seen: string;
};
export type PointSettings = {
  rankings_enabled: boolean;
};

export const myPoints = (year: number): Promise<MyPoints> => getJson(`${BASE}/me`, { year });
export const myLedger = (page: number): Promise<Page<LedgerEntry>> => getJson(`${BASE}/me/ledger`, { page });
export const branchIndex = (query: {
  year: number;
  page?: number;
  page_size?: number;
}): Promise<Page<BranchIndexRow>> => getJson(`${BASE}/branches`, query);
export const listMemberPoints = (query: {
  year: number;
  page?: number;
  page_size?: number;
  search?: string;
}): Promise<Page<MemberPointsRow>> => getJson(`${BASE}/members`, query);
export const memberLedger = (id: number, query: { page?: number; page_size?: number }): Promise<Page<LedgerEntry>> =>
  getJson(`${BASE}/members/${id}`, query);
export const listRuleSets = (): Promise<PointRuleSet[]> => getJson(`${BASE}/rules`);
export const createRuleSet = (body: Omit<PointRuleSet, 'id' | 'is_local'>): Promise<PointRuleSet> =>
  postJson(`${BASE}/rules`, body);
export const listAnomalies = (query: { page?: number; page_size?: number }): Promise<Page<Anomaly>> =>
  getJson(`${BASE}/anomalies`, query);
export const getPointSettings = (): Promise<PointSettings> => getJson(`${BASE}/settings`);
export const updatePointSettings = (body: PointSettings): Promise<PointSettings> =>
  call(
    (
      api as unknown as {
        PATCH: (path: string, init: { body: unknown }) => Promise<{ data?: PointSettings; response: Response }>;
      }
    ).PATCH(`${BASE}/settings`, { body }),
  ) as Promise<PointSettings>;
