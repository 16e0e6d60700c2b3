/**
 * Tenancy (`partycloud.tenancy`): the party committees (tenants) of the group, their
 * provisioning and status, the applications for a new one, and a tenant's own settings.
 */
import { api, call } from './client';
import type { Body, Query } from './operation';

// ---- tenants (group)
export function listTenants(query: Query<'/api/v1/tenants'>) {
  return call(api.GET('/api/v1/tenants', { params: { query } }));
}

/** Provision a tenant (with its first administrator). */
export function createTenant(body: Body<'/api/v1/tenants'>) {
  return call(api.POST('/api/v1/tenants', { body }));
}

export function setRecordsBaseline(id: number, body: Body<'/api/v1/tenants/{id}/records-baseline'>) {
  return call(api.POST('/api/v1/tenants/{id}/records-baseline', { params: { path: { id } }, body }));
}

/** What a group administrator can do to a tenant's status. */
export type TenantStatusChange = 'suspend' | 'archive' | 'activate';

/** Suspend, archive or reactivate a tenant, with the reason; answers the changed tenant. */
export function changeTenantStatus(id: number, change: TenantStatusChange, reason: string) {
  return call(api.POST(`/api/v1/tenants/{id}/${change}`, { params: { path: { id } }, body: { reason } }));
}

// ---- applications for a new tenant
export function listTenantApplications(query: Query<'/api/v1/tenant-applications'>) {
  return call(api.GET('/api/v1/tenant-applications', { params: { query } }));
}

export function applyForTenant(body: Body<'/api/v1/tenant-applications'>) {
  return call(api.POST('/api/v1/tenant-applications', { body }));
}

/** Approve an application: answers the tenant it provisioned. */
export function approveTenantApplication(id: number, body: Body<'/api/v1/tenant-applications/{id}/approve'>) {
  return call(api.POST('/api/v1/tenant-applications/{id}/approve', { params: { path: { id } }, body }));
}

export function rejectTenantApplication(id: number, body: Body<'/api/v1/tenant-applications/{id}/reject'>) {
  return call(api.POST('/api/v1/tenant-applications/{id}/reject', { params: { path: { id } }, body }));
}

// ---- this tenant's settings (console)
export function getSettings() {
  return call(api.GET('/api/v1/settings'));
}

export function updateSettings(body: Body<'/api/v1/settings', 'patch'>) {
  return call(api.PATCH('/api/v1/settings', { body }));
}
