import { afterEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';

import { api, call } from '@/api/client';
import { ApiError, errorFromResponse, mapApiError } from '@/api/errors';

import { fakeFetch, freshApp } from './helpers';

describe('mapApiError', () => {
  it('puts an error on the form field the API names', () => {
    const error = new ApiError(400, { code: 'tenancy.slug_taken', message: '该网址简称已被使用。', field: 'slug' });
    expect(mapApiError(error, ['name', 'slug'])).toEqual({ fields: { slug: '该网址简称已被使用。' }, message: null });
  });

  it('shows the message above the form when the field is not on the form', () => {
    const error = new ApiError(400, {
      code: 'auth.invalid_credentials',
      message: '密码错误（还剩 4 次）',
      field: null,
    });
    expect(mapApiError(error, ['identifier', 'password'])).toEqual({ fields: {}, message: '密码错误（还剩 4 次）' });
  });

  it('spreads every validation error and keeps the rest as one message', () => {
    const error = new ApiError(400, {
      code: 'validation.invalid',
      message: '2 个字段有误',
      field: 'name',
      errors: [
        { code: 'validation.required', message: '名称不能为空', field: 'name' },
        { code: 'validation.invalid', message: '未知错误', field: 'elsewhere' },
      ],
    });
    expect(mapApiError(error, ['name'])).toEqual({ fields: { name: '名称不能为空' }, message: '未知错误' });
  });

  it('maps API field names through aliases', () => {
    const error = new ApiError(400, { code: 'auth.weak_password', message: '密码太短', field: 'password' });
    expect(mapApiError(error, ['old_password', 'new_password'], { password: 'new_password' }).fields).toEqual({
      new_password: '密码太短',
    });
  });

  it('has a Chinese message for anything that is not an API error', () => {
    expect(mapApiError(new TypeError('boom'), ['name']).message).toBe('发生未知错误，请稍后重试');
  });
});

describe('errorFromResponse', () => {
  it('reads the API error format', () => {
    const error = errorFromResponse(409, {
      code: 'access.role_exists',
      message: '该用户已拥有此角色。',
      field: 'role',
    });
    expect([error.status, error.code, error.message, error.field]).toEqual([
      409,
      'access.role_exists',
      '该用户已拥有此角色。',
      'role',
    ]);
  });

  it('explains a response that is not in the API format', () => {
    freshApp();
    expect(errorFromResponse(502, '<html>Bad Gateway</html>').message).toBe('服务器出错（HTTP 502），请稍后重试');
  });
});

describe('call', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('sends the CSRF token and the UI language on unsafe requests', async () => {
    freshApp();
    document.cookie = 'csrftoken=token-123';
    const calls = fakeFetch(() => [204, null]);
    await call(api.POST('/api/v1/notifications/read-all'));
    expect(calls[0]?.headers.get('X-CSRFToken')).toBe('token-123');
    expect(calls[0]?.headers.get('Accept-Language')).toBe('zh-hans');
  });

  it('throws the server error as an ApiError', async () => {
    freshApp();
    fakeFetch(() => [400, { code: 'tenancy.reason_required', message: '请说明驳回原因。', field: 'note' }]);
    const failure = call(
      api.POST('/api/v1/tenant-applications/{id}/reject', { params: { path: { id: 1 } }, body: { note: '' } }),
    );
    await expect(failure).rejects.toMatchObject({ code: 'tenancy.reason_required', field: 'note', status: 400 });
  });

  it('turns a network failure into a Chinese message', async () => {
    freshApp();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(call(api.GET('/api/v1/me'))).rejects.toMatchObject({
      code: 'network',
      message: '网络连接失败，请检查网络后重试',
    });
  });
});
