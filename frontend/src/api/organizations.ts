/** Party organizations (`tenants.organizations`): the tree, its kinds, moves and merges, history. */
import { historyRows } from '@/shared/files';

import { api, call } from './client';
import type { Body, Query } from './operation';
import type { HistoryEntry, OrganizationKindInfo } from './types';

export function listOrganizations(query: Query<'/api/v1/organizations'>) {
  return call(api.GET('/api/v1/organizations', { params: { query } }));
}

/** Which kinds of organization there are and which each may contain. */
export async function listOrganizationKinds(): Promise<OrganizationKindInfo[]> {
  // The schema has the items as free-form objects.
  return (await call(api.GET('/api/v1/organizations/kinds'))).kinds as unknown as OrganizationKindInfo[];
}

export function createOrganization(body: Body<'/api/v1/organizations'>) {
  return call(api.POST('/api/v1/organizations', { body }));
}

export function updateOrganization(id: number, body: Body<'/api/v1/organizations/{id}', 'patch'>) {
  return call(api.PATCH('/api/v1/organizations/{id}', { params: { path: { id } }, body }));
}

export function moveOrganization(id: number, body: Body<'/api/v1/organizations/{id}/move'>) {
  return call(api.POST('/api/v1/organizations/{id}/move', { params: { path: { id } }, body }));
}

export function mergeOrganization(id: number, body: Body<'/api/v1/organizations/{id}/merge'>) {
  return call(api.POST('/api/v1/organizations/{id}/merge', { params: { path: { id } }, body }));
}

export async function organizationHistory(id: number): Promise<HistoryEntry[]> {
  return historyRows(await call(api.GET('/api/v1/organizations/{id}/history', { params: { path: { id } } })));
}
