/** Roles in a tenant (`tenants.access`): who holds which role, over which organization. */
import { api, call } from './client';
import type { Body, Query } from './operation';

export function listRoles(query: Query<'/api/v1/roles'>) {
  return call(api.GET('/api/v1/roles', { params: { query } }));
}

export function assignRole(body: Body<'/api/v1/roles'>) {
  return call(api.POST('/api/v1/roles', { body }));
}

export function revokeRole(id: number) {
  return call(api.DELETE('/api/v1/roles/{id}', { params: { path: { id } } }));
}
