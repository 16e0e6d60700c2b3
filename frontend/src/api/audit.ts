/** The audit log (`partycloud.audit`). */
import { api, call } from './client';
import type { Query } from './operation';

export function listAuditEvents(query: Query<'/api/v1/audit-events'>) {
  return call(api.GET('/api/v1/audit-events', { params: { query } }));
}

/** The actions, events and target types the filters offer. */
export function getAuditCatalog() {
  return call(api.GET('/api/v1/audit-events/catalog'));
}
