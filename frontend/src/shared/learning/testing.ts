/**
 * Test doubles for the upload specs (never imported by the apps): an object store behind a
 * fake XMLHttpRequest, and an in-memory upload API in front of it.
 */
import { ApiError } from '@/api/errors';

import type { CompletedPart, StoredPart, UploadAdapter, UploadId, UploadStart } from './types';

export type Answer = { status: number; etag?: string } | 'network-error' | 'hold';

/** An XMLHttpRequest double: `send` hands it to the store, which answers (or holds it). */
export class FakeXHR {
  static store: FakeStore;
  method = '';
  url = '';
  body: Blob | FormData | null = null;
  status = 0;
  etag: string | null = null;
  aborted = false;
  done = false;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  send(body: Blob | FormData): void {
    this.body = body;
    FakeXHR.store.receive(this);
  }

  getResponseHeader(name: string): string | null {
    return name.toLowerCase() === 'etag' ? this.etag : null;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.aborted = true;
    this.onabort?.();
  }

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true });
  }

  answer(answer: Exclude<Answer, 'hold'>): void {
    if (this.done) return;
    this.done = true;
    if (answer === 'network-error') {
      this.onerror?.();
      return;
    }
    this.status = answer.status;
    this.etag = answer.etag ?? null;
    this.onload?.();
  }
}

const sizeOf = (body: Blob | FormData | null) => (body instanceof Blob ? body.size : 0);

export class FakeStore {
  requests: FakeXHR[] = [];
  parts = new Map<number, { etag: string; size: number; text: Promise<string> }>();
  /** Answers to give a part before it succeeds, in order. */
  failures = new Map<number, Answer[]>();
  posted: FormData | null = null;
  postStatus = 204;
  inFlight = 0;
  maxInFlight = 0;

  receive(xhr: FakeXHR): void {
    this.requests.push(xhr);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const finish = xhr.onload;
    const settle = () => {
      this.inFlight -= 1;
    };
    const wrap = (handler: (() => void) | null) => () => {
      settle();
      handler?.();
    };
    xhr.onload = wrap(finish);
    xhr.onerror = wrap(xhr.onerror);
    xhr.onabort = wrap(xhr.onabort);
    // Answer on a later task, like a network would, after half and all of the bytes went out.
    setTimeout(() => {
      const size = xhr.body instanceof FormData ? 1000 : sizeOf(xhr.body);
      if (xhr.done) return;
      xhr.progress(Math.floor(size / 2), size);
      const match = /\/part\/(\d+)$/.exec(xhr.url);
      const part = match ? Number(match[1]) : 0;
      const planned = this.failures.get(part)?.shift();
      if (planned === 'hold') return;
      if (planned) {
        xhr.answer(planned);
        return;
      }
      xhr.progress(size, size);
      if (xhr.method === 'POST') {
        this.posted = xhr.body as FormData;
        xhr.answer({ status: this.postStatus });
        return;
      }
      const etag = `"etag-${part}-${this.requests.length}"`;
      this.parts.set(part, { etag, size, text: (xhr.body as Blob).text() });
      xhr.answer({ status: 200, etag });
    }, 0);
  }

  get puts(): FakeXHR[] {
    return this.requests.filter((xhr) => xhr.method === 'PUT');
  }
}

export interface FakeApi {
  adapter: UploadAdapter;
  calls: string[];
  completed: (CompletedPart[] | null)[];
  started: number;
  refuseComplete: ApiError | null;
  forget: boolean;
}

export function fakeApi(store: FakeStore, plan: Omit<UploadStart, 'id' | 'key' | 'expires_at'>): FakeApi {
  const api: FakeApi = {
    calls: [],
    completed: [],
    started: 0,
    refuseComplete: null,
    forget: false,
    adapter: {
      async start(request) {
        api.started += 1;
        api.calls.push(`start ${request.filename} ${request.size} ${request.content_type}`);
        return { ...plan, id: `up-${api.started}`, key: 't/alpha/video/x', expires_at: '2999-01-01T00:00:00Z' };
      },
      async signParts(id: UploadId, numbers: number[]) {
        api.calls.push(`sign ${id} ${numbers.join(',')}`);
        return numbers.map((n) => ({ part_number: n, url: `https://store.test/${id}/part/${n}` }));
      },
      async listParts(id: UploadId): Promise<StoredPart[]> {
        api.calls.push(`list ${id}`);
        if (api.forget) throw new ApiError(404, { code: 'not_found', message: '上传不存在', field: null });
        return [...store.parts.entries()].map(([part_number, { etag, size }]) => ({ part_number, etag, size }));
      },
      async complete(id: UploadId, parts: CompletedPart[] | null) {
        api.calls.push(`complete ${id}`);
        api.completed.push(parts);
        if (api.refuseComplete) throw api.refuseComplete;
        const size = parts
          ? [...store.parts.values()].reduce((sum, part) => sum + part.size, 0)
          : ((store.posted?.get('file') as File | null)?.size ?? 0);
        return { id, status: 'verified', size, detected_type: 'video/mp4' };
      },
      async abort(id: UploadId) {
        api.calls.push(`abort ${id}`);
      },
    },
  };
  return api;
}
