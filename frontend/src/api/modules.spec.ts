import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../tests/unit/helpers';

import { ApiError } from './errors';
import { countMembers, listMembers, memberHistory } from './members';
import type { Body, PathParams, PathWith, Query } from './operation';
import { getGroupAnnualReport } from './statistics';
import { changeTenantStatus } from './tenancy';

afterEach(() => vi.unstubAllGlobals());

describe('operation types', () => {
  it('reads query, body and path parameters from the schema', () => {
    expectTypeOf<Query<'/api/v1/members'>>().toHaveProperty('search').toEqualTypeOf<string | undefined>();
    expectTypeOf<Query<'/api/v1/members'>>().toHaveProperty('page').toEqualTypeOf<number | undefined>();
    expectTypeOf<Body<'/api/v1/roles'>>().toHaveProperty('identifier').toEqualTypeOf<string>();
    expectTypeOf<Body<'/api/v1/settings', 'patch'>>().not.toBeNever();
    expectTypeOf<PathParams<'/api/v1/members/{id}'>>().toEqualTypeOf<{ id: number }>();
    // An operation the path does not have is not a path for that method.
    expectTypeOf<'/api/v1/workbench'>().toExtend<PathWith<'get'>>();
    expectTypeOf<'/api/v1/workbench'>().not.toExtend<PathWith<'post'>>();
  });
});

describe('domain modules', () => {
  it('send the query and path of the operation and answer its data', async () => {
    freshApp();
    const calls = fakeFetch(({ url }) => {
      if (url.startsWith('/api/v1/members/counts')) return [200, { date: '2026-01-01', organizations: [{ total: 3 }] }];
      if (url.startsWith('/api/v1/members/7/history')) return [200, { count: 1, results: [{ id: 1 }] }];
      if (url.startsWith('/api/v1/members')) return [200, { count: 0, results: [] }];
      return [200, { id: 5, name: '一支部', status: 'suspended' }];
    });
    expect(await listMembers({ search: '张', page: 2 })).toEqual({ count: 0, results: [] });
    expect(await countMembers({ under: 4 })).toEqual([{ total: 3 }]);
    expect(await memberHistory(7)).toEqual([{ id: 1 }]);
    const changed = await changeTenantStatus(5, 'suspend', '整顿');
    expect(changed.status).toBe('suspended');
    expect(calls.map((call) => [call.method, call.url])).toEqual([
      ['GET', `/api/v1/members?search=${encodeURIComponent('张')}&page=2`],
      ['GET', '/api/v1/members/counts?under=4'],
      ['GET', '/api/v1/members/7/history'],
      ['POST', '/api/v1/tenants/5/suspend'],
    ]);
    expect(calls[3]!.body).toEqual({ reason: '整顿' });
  });

  it('throw the API error', async () => {
    freshApp();
    fakeFetch(() => [403, { code: 'auth.forbidden', message: '无权访问', field: null }]);
    const failure = await getGroupAnnualReport({ date: '2025-12-31' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('auth.forbidden');
  });
});
