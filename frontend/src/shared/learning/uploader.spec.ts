import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/api/errors';
import { setLocale } from '@/i18n';

import { FakeStore, FakeXHR, fakeApi } from './testing';
import { isAbortError, RESUME_PREFIX, TransferError, uploadFile } from './uploader';

const video = () =>
  new File(['0123456789', 'abcdefghij', 'KLMNO'], 'lesson.mp4', { type: 'video/mp4', lastModified: 1 });
const multipart = { method: 'multipart' as const, post: null, multipart: { part_size: 10, part_count: 3 } };

function progressRecorder() {
  const seen: number[] = [];
  return { seen, onProgress: (loaded: number, total: number) => seen.push(total === 25 ? loaded : -1) };
}

const isMonotonic = (values: number[]) => values.every((value, index) => index === 0 || value > values[index - 1]!);
const resumeRecords = () => Object.keys(localStorage).filter((key) => key.startsWith(RESUME_PREFIX));

let store: FakeStore;

beforeEach(() => {
  setLocale('zh-CN', { remember: false });
  localStorage.clear();
  store = new FakeStore();
  FakeXHR.store = store;
  vi.stubGlobal('XMLHttpRequest', FakeXHR);
});

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('uploadFile with a presigned POST', () => {
  it('sends every field first and the file last, then completes with an empty body', async () => {
    const api = fakeApi(store, {
      method: 'post',
      post: { url: 'https://store.test/bucket', fields: { key: 't/alpha/doc/1', policy: 'p', 'x-amz-signature': 's' } },
      multipart: null,
    });
    const file = new File(['%PDF-1.7 hello'], '党课.pdf', { type: 'application/pdf' });
    const seen: [number, number][] = [];

    const verified = await uploadFile(file, 'learning.document', api.adapter, {
      onProgress: (loaded, total) => seen.push([loaded, total]),
    });

    expect(verified.status).toBe('verified');
    expect(api.calls).toEqual(['start 党课.pdf 14 application/pdf', 'complete up-1']);
    expect(api.completed).toEqual([null]);
    const form = store.posted as FormData;
    expect([...form.keys()]).toEqual(['key', 'policy', 'x-amz-signature', 'file']);
    expect(form.get('key')).toBe('t/alpha/doc/1');
    expect((form.get('file') as File).name).toBe('党课.pdf');
    // The form's bytes are scaled to the file's: 0, half, all.
    expect(seen).toEqual([
      [0, 14],
      [7, 14],
      [14, 14],
    ]);
    expect(resumeRecords()).toEqual([]); // Nothing to resume for a POST.
  });

  it('rejects with a transfer error when the store refuses the POST', async () => {
    store.postStatus = 403;
    const api = fakeApi(store, {
      method: 'post',
      post: { url: 'https://store.test/bucket', fields: {} },
      multipart: null,
    });

    const failure = await uploadFile(new File(['x'], 'a.pdf'), 'learning.document', api.adapter, {
      retries: 0,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransferError);
    expect((failure as TransferError).message).toBe('文件传输失败（HTTP 403），请重试');
    expect(api.calls).not.toContain('complete up-1');
  });
});

describe('uploadFile with a multipart upload', () => {
  it('sends three parts as slices, with limited concurrency, and completes with their etags in order', async () => {
    const api = fakeApi(store, multipart);
    const progress = progressRecorder();

    const verified = await uploadFile(video(), 'learning.video', api.adapter, {
      concurrency: 2,
      onProgress: progress.onProgress,
    });

    expect(verified).toEqual({ id: 'up-1', status: 'verified', size: 25, detected_type: 'video/mp4' });
    expect(api.calls).toEqual(['start lesson.mp4 25 video/mp4', 'sign up-1 1,2,3', 'complete up-1']);
    expect(store.puts.map((xhr) => xhr.url)).toEqual([
      'https://store.test/up-1/part/1',
      'https://store.test/up-1/part/2',
      'https://store.test/up-1/part/3',
    ]);
    expect(await Promise.all([1, 2, 3].map((n) => store.parts.get(n)!.text))).toEqual([
      '0123456789',
      'abcdefghij',
      'KLMNO',
    ]);
    expect(store.maxInFlight).toBe(2);
    expect(api.completed[0]).toEqual([1, 2, 3].map((n) => ({ part_number: n, etag: store.parts.get(n)!.etag })));
    expect(progress.seen[0]).toBe(0);
    expect(progress.seen.at(-1)).toBe(25);
    expect(isMonotonic(progress.seen)).toBe(true);
    expect(resumeRecords()).toEqual([]); // Cleared on completion.
  });

  it('signs at most 100 parts per call', async () => {
    const api = fakeApi(store, { method: 'multipart', post: null, multipart: { part_size: 1, part_count: 250 } });
    const file = new File(['x'.repeat(250)], 'big.mp4', { type: 'video/mp4' });

    await uploadFile(file, 'learning.video', api.adapter, { concurrency: 8 });

    const signs = api.calls.filter((call) => call.startsWith('sign')).map((call) => call.split(' ')[2]!.split(','));
    expect(signs.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(new Set(signs.flat()).size).toBe(250);
    expect(store.puts).toHaveLength(250);
  });

  it('retries a part that failed once (network error, then 503) and still completes', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(2, ['network-error', { status: 503 }]);
    const progress = progressRecorder();

    await uploadFile(video(), 'learning.video', api.adapter, { retryDelayMs: 1, onProgress: progress.onProgress });

    expect(store.puts.filter((xhr) => xhr.url.endsWith('/part/2'))).toHaveLength(3);
    expect(api.completed[0]!.map((part) => part.part_number)).toEqual([1, 2, 3]);
    // The failed attempts' bytes were counted, then dropped: the progress never went back.
    expect(isMonotonic(progress.seen)).toBe(true);
    expect(progress.seen.at(-1)).toBe(25);
  });

  it('gives up after `retries` and keeps the upload for a resume', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(3, [{ status: 500 }, { status: 500 }, { status: 500 }]);

    const failure = await uploadFile(video(), 'learning.video', api.adapter, { retries: 2, retryDelayMs: 1 }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(TransferError);
    expect((failure as TransferError).status).toBe(500);
    expect(store.puts.filter((xhr) => xhr.url.endsWith('/part/3'))).toHaveLength(3);
    expect(api.calls).not.toContain('complete up-1');
    expect(api.calls).not.toContain('abort up-1');
    expect(resumeRecords()).toHaveLength(1);
  });

  it('does not retry a refusal that a retry cannot fix', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(1, [{ status: 400 }]);

    const failure = await uploadFile(video(), 'learning.video', api.adapter, { retryDelayMs: 1 }).catch(
      (error: unknown) => error,
    );

    expect((failure as TransferError).status).toBe(400);
    expect(store.puts.filter((xhr) => xhr.url.endsWith('/part/1'))).toHaveLength(1);
  });

  it('resumes with the same file picked again: only the missing part is sent', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(3, ['network-error']);
    const first = await uploadFile(video(), 'learning.video', api.adapter, { retries: 0 }).catch(
      (error: unknown) => error,
    );
    expect((first as TransferError).code).toBe('network');
    expect((first as TransferError).message).toBe('网络连接失败，请检查网络后重试');
    const [key] = resumeRecords();
    expect(JSON.parse(localStorage.getItem(key!)!)).toMatchObject({
      uploadId: 'up-1',
      name: 'lesson.mp4',
      size: 25,
      lastModified: 1,
      part_size: 10,
    });
    const before = store.puts.length;
    const progress = progressRecorder();

    // A reload later: a new File object for the same file on disk.
    const verified = await uploadFile(video(), 'learning.video', api.adapter, { onProgress: progress.onProgress });

    expect(verified.id).toBe('up-1');
    expect(api.started).toBe(1);
    expect(api.calls.slice(-3)).toEqual(['list up-1', 'sign up-1 3', 'complete up-1']);
    expect(store.puts.slice(before).map((xhr) => xhr.url)).toEqual(['https://store.test/up-1/part/3']);
    expect(api.completed.at(-1)!.map((part) => part.part_number)).toEqual([1, 2, 3]);
    expect(progress.seen).toEqual([0, 20, 22, 25]); // The stored parts count at once.
    expect(resumeRecords()).toEqual([]);
  });

  it('starts over when the server no longer knows the remembered upload', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(1, ['network-error']);
    await uploadFile(video(), 'learning.video', api.adapter, { retries: 0 }).catch(() => undefined);
    api.forget = true;

    const verified = await uploadFile(video(), 'learning.video', api.adapter);

    expect(verified.id).toBe('up-2');
    expect(api.calls).toContain('list up-1');
    expect(api.started).toBe(2);
  });

  it('does not resume a different file with the same name', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(1, ['network-error']);
    await uploadFile(video(), 'learning.video', api.adapter, { retries: 0 }).catch(() => undefined);
    const edited = new File(['0123456789', 'abcdefghij', 'KLMNO'], 'lesson.mp4', {
      type: 'video/mp4',
      lastModified: 2,
    });

    await uploadFile(edited, 'learning.video', api.adapter);

    expect(api.calls).not.toContain('list up-1');
    expect(api.started).toBe(2);
  });

  it('aborts: stops the transfers in flight, deletes the upload and forgets it', async () => {
    const api = fakeApi(store, multipart);
    for (const part of [1, 2, 3]) store.failures.set(part, ['hold']);
    const controller = new AbortController();
    const progress = progressRecorder();
    const started = uploadFile(video(), 'learning.video', api.adapter, {
      signal: controller.signal,
      onProgress: (loaded, total) => {
        progress.onProgress(loaded, total);
        if (loaded > 0) controller.abort();
      },
    });

    const failure = await started.catch((error: unknown) => error);

    expect(isAbortError(failure)).toBe(true);
    expect((failure as DOMException).message).toBe('已取消上传');
    expect(store.puts.length).toBeGreaterThan(0);
    expect(store.puts.every((xhr) => xhr.aborted)).toBe(true);
    expect(store.inFlight).toBe(0);
    expect(api.calls.at(-1)).toBe('abort up-1');
    expect(api.calls).not.toContain('complete up-1');
    expect(resumeRecords()).toEqual([]);
  });

  it('rejects at once when the signal was already aborted', async () => {
    const api = fakeApi(store, multipart);
    const failure = await uploadFile(video(), 'learning.video', api.adapter, {
      signal: AbortSignal.abort(),
    }).catch((error: unknown) => error);
    expect(isAbortError(failure)).toBe(true);
    expect(api.calls).toEqual([]);
  });

  it("passes the server's refusal on as is and forgets the upload", async () => {
    const api = fakeApi(store, multipart);
    api.refuseComplete = new ApiError(400, {
      code: 'confidentiality.classified',
      message: '文件含有涉密标识，禁止上传',
      field: 'file',
    });

    const failure = await uploadFile(video(), 'learning.video', api.adapter).catch((error: unknown) => error);

    expect(failure).toBe(api.refuseComplete);
    expect((failure as ApiError).message).toBe('文件含有涉密标识，禁止上传');
    expect(resumeRecords()).toEqual([]);
  });

  it('cannot complete when the store hides the ETag header (CORS)', async () => {
    const api = fakeApi(store, multipart);
    store.failures.set(1, [{ status: 200 }]);

    const failure = await uploadFile(video(), 'learning.video', api.adapter).catch((error: unknown) => error);

    expect((failure as TransferError).code).toBe('upload.no_etag');
    expect(store.puts.filter((xhr) => xhr.url.endsWith('/part/1'))).toHaveLength(1);
  });
});
