import { call, readCookie } from '@/api/client';
import { serverLanguage } from '@/i18n';

import type {
  CompletedPart,
  SignedPart,
  StoredPart,
  UploadAdapter,
  UploadId,
  UploadStart,
  UploadStartRequest,
  VerifiedUpload,
} from './types';

const BASE = '/api/v1/uploads';

/**
 * One JSON call with the session cookie, `X-CSRFToken` and `Accept-Language`, shaped like an
 * openapi-fetch result so that `call()` turns failures into an `ApiError` (and a 401 into the
 * app's sign-in redirect) exactly as for the typed client.
 */
async function request<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<{ data?: T; error?: unknown; response: Response }> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': serverLanguage() });
  if (method !== 'GET') {
    const token = readCookie('csrftoken');
    if (token) headers.set('X-CSRFToken', token);
  }
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await globalThis.fetch(
    new Request(new URL(path, location.href), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    }),
  );
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // A proxy's HTML error page: errorFromResponse() words it.
    }
  }
  return response.ok ? { data: parsed as T, response } : { error: parsed, response };
}

/** `/api/v1/uploads/{id}` or `/api/v1/uploads/{id}/{rest}` (the API has no trailing slashes). */
const uploadPath = (id: UploadId, rest?: string) =>
  `${BASE}/${encodeURIComponent(String(id))}${rest ? `/${rest}` : ''}`;

/** The upload API over `fetch` (same origin, session cookie), for `uploadFile()`. */
export function createUploadApi(): UploadAdapter {
  return {
    start: (body: UploadStartRequest, signal?: AbortSignal) => call(request<UploadStart>('POST', BASE, body, signal)),
    async signParts(id: UploadId, partNumbers: number[], signal?: AbortSignal): Promise<SignedPart[]> {
      const data = await call(
        request<{ parts: SignedPart[] }>('POST', uploadPath(id, 'parts'), { part_numbers: partNumbers }, signal),
      );
      return data.parts;
    },
    async listParts(id: UploadId, signal?: AbortSignal): Promise<StoredPart[]> {
      const data = await call(request<{ parts: StoredPart[] }>('GET', uploadPath(id, 'parts'), undefined, signal));
      return data.parts;
    },
    complete: (id: UploadId, parts: CompletedPart[] | null, signal?: AbortSignal) =>
      call(request<VerifiedUpload>('POST', uploadPath(id, 'complete'), parts ? { parts } : {}, signal)),
    async abort(id: UploadId): Promise<void> {
      await call(request<unknown>('DELETE', uploadPath(id)));
    },
  };
}

/** The default adapter. */
export const uploadApi: UploadAdapter = createUploadApi();
