import { api, call } from './client';

/**
 * A GET whose query parameters the generated schema does not describe (e.g. `month` of the
 * dues ledger): the same client, session and error handling, the result typed by the caller.
 * Move a call to `api.GET` once the schema has its parameters.
 */
type LooseInit = { params?: { query?: Record<string, unknown>; path?: Record<string, unknown> }; body?: unknown };
type LooseClient = Record<'GET', (path: string, init?: LooseInit) => ReturnType<typeof api.GET>>;
const loose = api as unknown as LooseClient;

export function looseGet<T>(path: string, query?: Record<string, unknown>): Promise<T> {
  return call(loose.GET(path, { params: { query } })) as Promise<T>;
}
