/**
 * Calls to endpoints that `schema.d.ts` does not describe yet (organizational life, issue 15, is
 * written in parallel with its API): the same client, middleware (session, CSRF token,
 * Accept-Language) and `call()` error handling as the typed modules, with the path as a plain
 * string and the answer typed by hand from the contract. Once `openapi.yaml` has the paths,
 * the modules using this switch to `api.GET('/api/v1/…')` and this file goes.
 */
import { api, call } from './client';

type Query = Record<string, string | number | boolean | null | undefined>;

interface Init {
  params?: { query?: Query };
  body?: unknown;
}

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

type Send = (path: string, init?: Init) => Promise<FetchResult>;
const client = api as unknown as { GET: Send; POST: Send; PATCH: Send; DELETE: Send };

/** Drop the empty values: `?year=` with nothing after it is not the same as no year. */
function cleanQuery(query: Query | undefined): Query | undefined {
  if (!query) return undefined;
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
}

export function getJson<T>(path: string, query?: Query): Promise<T> {
  return call(client.GET(path, { params: { query: cleanQuery(query) } })) as Promise<T>;
}

export function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return call(client.POST(path, { body })) as Promise<T>;
}
