import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';

import { i18n, setLocale } from '@/i18n';

export interface FakeCall {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/**
 * Replace fetch with `answer(request) → [status, body]`; returns the calls made.
 * Bodies are JSON; a `null` body means an empty response (204).
 */
export function fakeFetch(answer: (call: FakeCall) => [number, unknown]): FakeCall[] {
  const calls: FakeCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      const text = await request.text();
      const call = {
        method: request.method,
        url: new URL(request.url).pathname + new URL(request.url).search,
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      calls.push(call);
      const [status, body] = answer(call);
      if (body === null) return new Response(null, { status });
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return calls;
}

/** A fresh Pinia and the Chinese UI, as a page load would have. */
export function freshApp(): { pinia: Pinia; plugins: unknown[] } {
  setLocale('zh-CN', { remember: false });
  const pinia = createPinia();
  setActivePinia(pinia);
  return { pinia, plugins: [pinia, i18n] };
}
