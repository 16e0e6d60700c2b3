/**
 * Full-text search (`partycloud.search`): the library and regulations search with facets
 * (portal, the console's course items) and the group's reindex jobs (root host).
 */
import { api, call } from './client';
import type { Query } from './operation';
import type { ReindexJob } from './types';

export function searchLibrary(query: Query<'/api/v1/search'>) {
  return call(api.GET('/api/v1/search', { params: { query } }));
}

// ---- reindex (group admins, root host)
export function listReindexJobs(): Promise<ReindexJob[]> {
  return call(api.GET('/api/v1/search/reindex'));
}

export function getReindexJob(id: ReindexJob['id']): Promise<ReindexJob> {
  return call(api.GET('/api/v1/search/reindex/{job_id}', { params: { path: { job_id: id } } }));
}

export function startReindex() {
  return call(api.POST('/api/v1/search/reindex'));
}
