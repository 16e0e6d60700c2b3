import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/api/errors';
import { setLocale } from '@/i18n';

import { fakeFetch } from '../../../tests/unit/helpers';
import { createUploadApi } from './uploadApi';

describe('the upload API adapter', () => {
  beforeEach(() => {
    setLocale('zh-CN', { remember: false });
    document.cookie = 'csrftoken=tok123';
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('starts an upload with the CSRF token and the UI language', async () => {
    const answer = {
      id: 'u1',
      key: 't/alpha/video/u1',
      method: 'multipart',
      post: null,
      multipart: { part_size: 8388608, part_count: 3 },
      expires_at: '2026-05-01T10:00:00Z',
    };
    const calls = fakeFetch(() => [201, answer]);

    const started = await createUploadApi().start({
      purpose: 'learning.video',
      filename: '党课.mp4',
      content_type: 'video/mp4',
      size: 20000000,
    });

    expect(started).toEqual(answer);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/uploads',
      body: { purpose: 'learning.video', filename: '党课.mp4', content_type: 'video/mp4', size: 20000000 },
    });
    expect(calls[0]!.headers.get('X-CSRFToken')).toBe('tok123');
    expect(calls[0]!.headers.get('Accept-Language')).toBe('zh-hans');
  });

  it('signs and lists parts, completes and aborts on the upload paths', async () => {
    const calls = fakeFetch((call) => {
      if (call.url.endsWith('/parts') && call.method === 'POST') {
        return [200, { parts: [{ part_number: 1, url: 'https://s3.test/1' }] }];
      }
      if (call.url.endsWith('/parts')) return [200, { parts: [{ part_number: 1, etag: '"e1"', size: 5 }] }];
      if (call.url.endsWith('/complete'))
        return [200, { id: 'u1', status: 'verified', size: 5, detected_type: 'video/mp4' }];
      return [204, null];
    });
    const api = createUploadApi();

    expect(await api.signParts('u1', [1])).toEqual([{ part_number: 1, url: 'https://s3.test/1' }]);
    expect(await api.listParts('u1')).toEqual([{ part_number: 1, etag: '"e1"', size: 5 }]);
    expect((await api.complete('u1', [{ part_number: 1, etag: '"e1"' }])).status).toBe('verified');
    expect((await api.complete('u1', null)).status).toBe('verified');
    await api.abort('u1');

    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/uploads/u1/parts', { part_numbers: [1] }],
      ['GET', '/api/v1/uploads/u1/parts', undefined],
      ['POST', '/api/v1/uploads/u1/complete', { parts: [{ part_number: 1, etag: '"e1"' }] }],
      ['POST', '/api/v1/uploads/u1/complete', {}],
      ['DELETE', '/api/v1/uploads/u1', undefined],
    ]);
    expect(calls[1]!.headers.get('X-CSRFToken')).toBeNull();
  });

  it("throws the server's error as an ApiError with its Chinese message", async () => {
    fakeFetch(() => [
      400,
      { code: 'confidentiality.classified', message: '文件含有“秘密”标识，禁止上传', field: 'file' },
    ]);

    const failure = await createUploadApi()
      .complete('u1', null)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 400,
      code: 'confidentiality.classified',
      message: '文件含有“秘密”标识，禁止上传',
      field: 'file',
    });
  });

  it('words a network failure and a proxy error page in Chinese', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(createUploadApi().listParts('u1')).rejects.toMatchObject({
      code: 'network',
      message: '网络连接失败，请检查网络后重试',
    });

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    );
    await expect(createUploadApi().listParts('u1')).rejects.toMatchObject({ status: 502, code: 'http.502' });
  });
});
