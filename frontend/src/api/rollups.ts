/** The group dashboard (`partycloud.rollups`): figures per tenant, trends, compliance, drift, drill-down. */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { components } from './schema';
import type { Page } from './types';

type MemberRow = components['schemas']['MemberRow'];
type Dashboard = components['schemas']['Dashboard'];
type Trends = components['schemas']['Trends'];
type Compliance = components['schemas']['Compliance'];
type OrganizationRow = components['schemas']['OrganizationRow'];

// The dashboard's tables list two answers, JSON and (with `format=xlsx`) the workbook as a
// string; these ask for the JSON one (the workbook is a download link).

export async function getDashboard(query: Omit<Query<'/api/v1/group/dashboard'>, 'format'> = {}): Promise<Dashboard> {
  return (await call(api.GET('/api/v1/group/dashboard', { params: { query } }))) as Dashboard;
}

export function getGroupSummary() {
  return call(api.GET('/api/v1/group/summary'));
}

export function listThresholds() {
  return call(api.GET('/api/v1/group/dashboard/thresholds'));
}

export function saveThreshold(body: Body<'/api/v1/group/dashboard/thresholds', 'put'>) {
  return call(api.PUT('/api/v1/group/dashboard/thresholds', { body }));
}

export async function getTrends(query: Omit<Query<'/api/v1/group/dashboard/trends'>, 'format'>): Promise<Trends> {
  return (await call(api.GET('/api/v1/group/dashboard/trends', { params: { query } }))) as Trends;
}

export async function getCompliance(
  query: Omit<Query<'/api/v1/group/dashboard/compliance'>, 'format'>,
): Promise<Compliance> {
  return (await call(api.GET('/api/v1/group/dashboard/compliance', { params: { query } }))) as Compliance;
}

export function listDriftReports() {
  return call(api.GET('/api/v1/group/dashboard/drift-reports'));
}

// ---- drill-down: a tenant's organizations, an organization's members
export async function listDrillOrganizations(
  tenantId: number,
  query: Omit<Query<'/api/v1/group/dashboard/tenants/{tenant_id}/organizations'>, 'format'>,
): Promise<OrganizationRow[]> {
  return (await call(
    api.GET('/api/v1/group/dashboard/tenants/{tenant_id}/organizations', {
      params: { path: { tenant_id: tenantId }, query },
    }),
  )) as OrganizationRow[];
}

type DrillMembersQuery = Query<'/api/v1/group/dashboard/tenants/{tenant_id}/organizations/{organization_id}/members'>;

export async function listDrillMembers(
  tenantId: number,
  organizationId: number,
  // page_size: PagePagination takes it (the schema lists only page).
  query: DrillMembersQuery & { page_size?: number },
): Promise<Page<MemberRow>> {
  const data = await call(
    api.GET('/api/v1/group/dashboard/tenants/{tenant_id}/organizations/{organization_id}/members', {
      params: { path: { tenant_id: tenantId, organization_id: organizationId }, query },
    }),
  );
  // The schema calls it a list; the server pages it.
  return data as unknown as Page<MemberRow>;
}
