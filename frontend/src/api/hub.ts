/** The group hub (`partycloud.hub`): the HR roster of party members and the pocket members found in it. */
import { api, call } from './client';
import type { Body, Query } from './operation';

// ---- roster (group)
export function listRoster(query: Query<'/api/v1/roster'>) {
  return call(api.GET('/api/v1/roster', { params: { query } }));
}

/** Import a roster sheet (`importForm(file, mapping)`). */
export function importRoster(body: Body<'/api/v1/roster/import'>) {
  return call(api.POST('/api/v1/roster/import', { body }));
}

/** The column mapping the server proposes for a roster sheet. */
export function proposeRosterColumns(body: Body<'/api/v1/roster/import/columns'>) {
  return call(api.POST('/api/v1/roster/import/columns', { body }));
}

// ---- pocket members (口袋党员): group and console
export function listPocketMembers(query: Query<'/api/v1/pocket-members'>) {
  return call(api.GET('/api/v1/pocket-members', { params: { query } }));
}

export function resolvePocketMember(id: number, body: Body<'/api/v1/pocket-members/{id}/resolve'>) {
  return call(api.POST('/api/v1/pocket-members/{id}/resolve', { params: { path: { id } }, body }));
}

/** Compare the roster with the records now; answers how many cases it opened. */
export function detectPocketMembers() {
  return call(api.POST('/api/v1/pocket-members/detect'));
}
