/** Full-text search over the learning library and regulations (`/search`), with facets. */
import { api, call } from './client';
import type { Query } from './operation';

export function searchLibrary(query: Query<'/api/v1/search'>) {
  return call(api.GET('/api/v1/search', { params: { query } }));
}
