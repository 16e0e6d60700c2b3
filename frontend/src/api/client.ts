import createClient, { type Middleware } from 'openapi-fetch';

import { serverLanguage } from '@/i18n';

import { ApiError, errorFromResponse, networkError } from './errors';
import type { paths } from './schema';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCookie(name: string): string | null {
  const prefix = `${name}=`;
  const found = document.cookie.split('; ').find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

/** Django's CSRF protection for session auth, and the UI language for translated messages. */
const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', serverLanguage());
    if (UNSAFE.has(request.method)) {
      const token = readCookie('csrftoken');
      if (token) request.headers.set('X-CSRFToken', token);
    }
    return request;
  },
};

/** The typed API client (paths and bodies from src/api/schema.d.ts). Same origin, session cookie. */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  // Resolved per call so tests can replace globalThis.fetch.
  fetch: (request) => globalThis.fetch(request),
});
api.use(headers);

let onUnauthenticated: ((error: ApiError) => void) | null = null;

/** Each app decides what a lost session means (usually: go to its login page, saying why). */
export function setUnauthenticatedHandler(handler: ((error: ApiError) => void) | null): void {
  onUnauthenticated = handler;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Await an `api.GET/POST/…` call and return its data, or throw an ApiError carrying the
 * server's `{code, message, field}` (or a Chinese message for network and server failures).
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch {
    throw networkError();
  }
  const { response } = result;
  if (!response.ok) {
    const error = errorFromResponse(response.status, result.error);
    if (error.isUnauthenticated) onUnauthenticated?.(error);
    throw error;
  }
  return result.data as T;
}

/** Make sure the csrftoken cookie exists before the first unsafe request (the login). */
export async function ensureCsrfCookie(): Promise<void> {
  if (!readCookie('csrftoken')) await call(api.GET('/api/v1/auth/csrf'));
}

export { ApiError };
