/**
 * Party members (`tenants.members`): the records, their history, the ID card, disciplinary
 * probations, counts at a date, and the spreadsheet imports.
 */
import { historyRows } from '@/shared/files';

import { api, call } from './client';
import type { Body, Query } from './operation';
import type { DisciplinaryProbation, HistoryEntry, Member, MemberCountRow } from './types';

export function listMembers(query: Query<'/api/v1/members'>) {
  return call(api.GET('/api/v1/members', { params: { query } }));
}

export function createMember(body: Body<'/api/v1/members'>) {
  return call(api.POST('/api/v1/members', { body }));
}

export function updateMember(id: number, body: Body<'/api/v1/members/{id}', 'patch'>) {
  return call(api.PATCH('/api/v1/members/{id}', { params: { path: { id } }, body }));
}

/** Full members in good standing, searched by name (e.g. a development case's introducers). */
export async function searchFullMembers(search: string): Promise<Member[]> {
  const query = { membership: 'full', status: 'active', search: search || undefined, page_size: 20 } as const;
  return (await listMembers(query)).results;
}

/** Full members, probationary members and the total per organization at a date. */
export async function countMembers(query: Query<'/api/v1/members/counts'>): Promise<MemberCountRow[]> {
  const data = await call(api.GET('/api/v1/members/counts', { params: { query } }));
  // The schema has the rows as free-form objects.
  return data.organizations as unknown as MemberCountRow[];
}

export async function memberHistory(id: number): Promise<HistoryEntry[]> {
  return historyRows(await call(api.GET('/api/v1/members/{id}/history', { params: { path: { id } } })));
}

/** The full ID card number (the reveal is audited). */
export function revealIdCard(id: number) {
  return call(api.POST('/api/v1/members/{id}/reveal-id-card', { params: { path: { id } } }));
}

export async function listDisciplinaryProbations(id: number): Promise<DisciplinaryProbation[]> {
  // One action answers GET with the list and POST with the record: the schema unites both.
  return (await call(
    api.GET('/api/v1/members/{id}/disciplinary-probations', { params: { path: { id } } }),
  )) as DisciplinaryProbation[];
}

export function recordDisciplinaryProbation(id: number, body: Body<'/api/v1/members/{id}/disciplinary-probations'>) {
  return call(api.POST('/api/v1/members/{id}/disciplinary-probations', { params: { path: { id } }, body }));
}

// ---- imports
export function listMemberImports(query: Query<'/api/v1/member-imports'>) {
  return call(api.GET('/api/v1/member-imports', { params: { query } }));
}

export function getMemberImport(id: number) {
  return call(api.GET('/api/v1/member-imports/{id}', { params: { path: { id } } }));
}

/** Start an import (`importForm(file, mapping)`); answers the job to poll. */
export function startMemberImport(body: Body<'/api/v1/member-imports'>) {
  return call(api.POST('/api/v1/member-imports', { body }));
}

/** The column mapping the server proposes for a member sheet. */
export function proposeMemberImportColumns(body: Body<'/api/v1/member-imports/columns'>) {
  return call(api.POST('/api/v1/member-imports/columns', { body }));
}
