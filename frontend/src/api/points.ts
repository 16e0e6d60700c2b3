/**
 * Points (积分, `tenants.points`): reference only, never a quota. The member's own page (the
 * year's totals by month and by kind, the ledger), and for the console the branch index, members
 * in scope with one member's summary and ledger, the rule versions (and a local one), the
 * anomalies and the rankings switch. No call here sends points or events: the server's recorders
 * are their only source. Each function is one operation of `schema.d.ts`, typed by its path.
 */
import { api, call } from './client';
import type { components } from './schema';
import type { Body, Query } from './operation';

type Schemas = components['schemas'];

/** The kinds whose quantity is seconds of study time (a unit reads as a duration). */
export const TIME_KINDS: ReadonlySet<string> = new Set(['reading_time', 'video_time']);

export type PointsSummary = Schemas['PointsSummary'];
export type PointsEntry = Schemas['PointsEntry'];
export type PointsKindTotal = Schemas['PointsKindTotal'];
export type PointsMemberRow = Schemas['PointsMemberRow'];
export type PointsBranchRow = Schemas['PointsBranchRow'];
export type PointsRuleSet = Schemas['PointsRuleSet'];
export type PointsRule = Schemas['PointsRule'];
export type PointsAnomaly = Schemas['PointsAnomaly'];
export type PointsSettings = Schemas['PointsSettings'];
export type PointKind = PointsEntry['kind'];
export type RuleSetBody = Body<'/api/v1/points/rules'>;

type LedgerQuery = Query<'/api/v1/points/me/ledger'>;

// ---- the member's own points (portal)
/** My year (collects my newest events first): totals by month and by kind. */
export const myPoints = (year: number): Promise<PointsSummary> =>
  call(api.GET('/api/v1/points/me', { params: { query: { year } } }));
/** My ledger entries, newest first, a page at a time. */
export const myLedger = (query: LedgerQuery) => call(api.GET('/api/v1/points/me/ledger', { params: { query } }));

// ---- members and branches in the caller's scope (console)
export const listMemberPoints = (query: Query<'/api/v1/points/members'>) =>
  call(api.GET('/api/v1/points/members', { params: { query } }));
export const memberPoints = (member_id: number, year: number): Promise<PointsSummary> =>
  call(api.GET('/api/v1/points/members/{id}', { params: { path: { id: member_id }, query: { year } } }));
export const memberLedger = (member_id: number, query: Query<'/api/v1/points/members/{id}/ledger'>) =>
  call(api.GET('/api/v1/points/members/{id}/ledger', { params: { path: { id: member_id }, query } }));
/** The branch index: own points + mean member points (ranks only when rankings are on). */
export const branchIndex = (query: Query<'/api/v1/points/branches'>) =>
  call(api.GET('/api/v1/points/branches', { params: { query } }));

// ---- rules, anomalies, settings
/** Every rule version, newest first (a handful: one page of 100 holds them). */
export async function listRuleSets(): Promise<PointsRuleSet[]> {
  const page = await call(api.GET('/api/v1/points/rules', { params: { query: { page_size: 100 } } }));
  return page.results;
}
export const createRuleSet = (body: RuleSetBody): Promise<PointsRuleSet> =>
  call(api.POST('/api/v1/points/rules', { body }));
export const listAnomalies = (query: Query<'/api/v1/points/anomalies'>) =>
  call(api.GET('/api/v1/points/anomalies', { params: { query } }));
export const getPointSettings = (): Promise<PointsSettings> => call(api.GET('/api/v1/points/settings'));
export const updatePointSettings = (rankings_enabled: boolean): Promise<PointsSettings> =>
  call(api.PUT('/api/v1/points/settings', { body: { rankings_enabled } }));
