import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../tests/unit/helpers';

import { listTodo } from './development';
import { ledger, listOnlinePayments } from './dues';
import { ApiError } from './errors';
import { sendStudyHeartbeat, submitAttempt } from './learning';
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

  it('cover learning, dues and development, with the narrowing in the module', async () => {
    freshApp();
    const calls = fakeFetch(({ url }) => {
      if (url.startsWith('/api/v1/dues/assessments/ledger')) return [200, { rows: [{ member: 1 }] }];
      if (url.startsWith('/api/v1/dues/online-payments'))
        return [200, { count: 1, results: [{ months: ['2026-01'] }] }];
      if (url.startsWith('/api/v1/development/cases/todo')) return [200, { items: [{ case: 3 }] }];
      if (url.includes('/submit')) return [200, { id: 9, submitted_at: '2026-01-02T00:00:00Z' }];
      return [201, {}];
    });
    expect(await ledger('2026-01')).toEqual([{ member: 1 }]);
    expect((await listOnlinePayments({ page_size: 20 })).results[0]!.months).toEqual(['2026-01']);
    expect(await listTodo()).toEqual([{ case: 3 }]);
    expect((await submitAttempt(9, { '1': [0] })).id).toBe(9);
    await sendStudyHeartbeat({ resource: 'u', session: 's', state: 'start' });
    expect(calls.map((call) => [call.method, call.url])).toEqual([
      ['GET', '/api/v1/dues/assessments/ledger?month=2026-01'],
      ['GET', '/api/v1/dues/online-payments?page_size=20'],
      ['GET', '/api/v1/development/cases/todo'],
      ['POST', '/api/v1/learning/attempts/9/submit'],
      ['POST', '/api/v1/learning/study/heartbeats'],
    ]);
    expect(calls[3]!.body).toEqual({ answers: { '1': [0] } });
    expect(calls[4]!.body).toEqual({ resource: 'u', session: 's', state: 'start' });
  });

  it('throw the API error', async () => {
    freshApp();
    fakeFetch(() => [403, { code: 'auth.forbidden', message: '无权访问', field: null }]);
    const failure = await getGroupAnnualReport({ date: '2025-12-31' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('auth.forbidden');
  });
});
