import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Organization } from '@/api/types';
import { buildTree, daysUntil, subtreeIds } from '@/console/organizations';
import { downloadFile, filenameOf, historyRows, queryString } from '@/shared/files';

const org = (id: number, parent: number | null, name = `org${id}`) => ({ id, parent, name }) as Organization;

describe('organization tree', () => {
  const rows = [org(1, null), org(2, 1), org(3, 1), org(4, 2)];

  it('hangs the flat list (ordered by path) under its parents', () => {
    const tree = buildTree(rows);
    expect(tree.map((node) => node.id)).toEqual([1]);
    expect(tree[0]!.children!.map((node) => node.id)).toEqual([2, 3]);
    expect(tree[0]!.children![0]!.children!.map((node) => node.id)).toEqual([4]);
  });

  it('knows a subtree (a move may not go below itself)', () => {
    expect([...subtreeIds(rows, 2)].sort()).toEqual([2, 4]);
  });

  it('counts the days to a re-election', () => {
    const today = new Date(2026, 5, 1);
    expect(daysUntil('2026-06-01', today)).toBe(0);
    expect(daysUntil('2026-08-30', today)).toBe(90);
    expect(daysUntil('2026-05-31', today)).toBe(-1);
    expect(daysUntil(null, today)).toBeNull();
  });
});

describe('file helpers', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the Chinese file name of a download', () => {
    const header = "attachment; filename*=UTF-8''%E5%85%9A%E5%91%98%E4%BF%A1%E6%81%AF.xlsx";
    expect(filenameOf(header, 'x.xlsx')).toBe('党员信息.xlsx');
    expect(filenameOf('attachment; filename="report.xlsx"', 'x.xlsx')).toBe('report.xlsx');
    expect(filenameOf(null, 'x.xlsx')).toBe('x.xlsx');
  });

  it('builds a query string from the filters that are set', () => {
    expect(queryString({ under: 3, status: '', search: undefined, overdue: true })).toBe('?under=3&overdue=true');
    expect(queryString({ status: '' })).toBe('');
  });

  it('accepts history as an array or a page', () => {
    const entry = { id: 1, kind: 'created', actor: null, created_at: '2026-01-01T00:00:00Z' };
    expect(historyRows([entry])).toEqual([entry]);
    expect(historyRows({ results: [entry] })).toEqual([entry]);
    expect(historyRows(null)).toEqual([]);
  });

  it('turns an API error of a download into an ApiError with its message', async () => {
    const body = JSON.stringify({ code: 'auth.forbidden', message: '您没有权限执行此操作。', field: null });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(body, { status: 403 })),
    );
    await expect(downloadFile('/api/v1/members/export')).rejects.toMatchObject({
      status: 403,
      message: '您没有权限执行此操作。',
    });
  });
});
