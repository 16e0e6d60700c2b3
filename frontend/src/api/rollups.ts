/** The group dashboard (`partycloud.rollups`): figures per tenant, trends, compliance, drift, drill-down. */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { components } from './schema';
import type { Page } from './types';

type MemberRow = components['schemas']['MemberRow'];

export function getDashboard(query: Query<'/api/v1/group/dashboard'> = {}) {
  return call(api.GET('/api/v1/group/dashboard', { params: { query } }));
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

export function getTrends(query: Query<'/api/v1/group/dashboard/trends'>) {
  return call(api.GET('/api/v1/group/dashboard/trends', { params: { query } }));
}

export function getCompliance(query: Query<'/api/v1/group/dashboard/compliance'>) {
  return call(api.GET('/api/v1/group/dashboard/compliance', { params: { query } }));
}

export function listDriftReports() {
  return call(api.GET('/api/v1/group/dashboard/drift-reports'));
}

// ---- drill-down: a tenant's organizations, an organization's members
export function listDrillOrganizations(
  tenantId: number,
  query: Query<'/api/v1/group/dashboard/tenants/{tenant_id}/organizations'>,
) {
  return call(
    api.GET('/api/v1/group/dashboard/tenants/{tenant_id}/organizations', {
      params: { path: { tenant_id: tenantId }, query },
    }),
  );
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
