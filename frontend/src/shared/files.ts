import { errorFromResponse, networkError } from '@/api/errors';
import type { HistoryEntry } from '@/api/types';
import { serverLanguage } from '@/i18n';

/** The file name of a download: RFC 5987 `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/**
 * Download an API file (an .xlsx export, template or report) with the session cookie:
 * fetch it, then save the blob under the server's file name. API errors throw an ApiError.
 */
export async function downloadFile(url: string, fallbackName = 'download.xlsx'): Promise<string> {
  let response: Response;
  try {
    response = await globalThis.fetch(url, {
      credentials: 'same-origin',
      headers: { 'Accept-Language': serverLanguage() },
    });
  } catch {
    throw networkError();
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw errorFromResponse(response.status, body);
  }
  const name = filenameOf(response.headers.get('Content-Disposition'), fallbackName);
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
  return name;
}

/** `?a=1&b=x` from the non-empty values of `query`. */
export function queryString(query: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A multipart body (`file`, plus any text `fields`, e.g. an import's `mapping`) for the upload endpoints. */
export function fileForm(file: File, fields: Record<string, string> = {}): { file: string } {
  const form = new FormData();
  form.append('file', file);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  // openapi-fetch sends FormData as is (the browser sets the boundary); the schema types it as a string.
  return form as unknown as { file: string };
}

/** History endpoints answer a plain array (the schema says paginated): accept both. */
export function historyRows(data: unknown): HistoryEntry[] {
  if (Array.isArray(data)) return data as HistoryEntry[];
  const page = data as { results?: HistoryEntry[] } | null;
  return page?.results ?? [];
}
