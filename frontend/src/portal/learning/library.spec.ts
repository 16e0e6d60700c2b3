import { describe, expect, it } from 'vitest';

import type { SearchRow } from '@/api/types';

import { resultTarget } from './library';

const row = (kind: string, data: Record<string, unknown>) => ({ kind, data }) as unknown as SearchRow;

describe('resultTarget', () => {
  it('opens a library resource and a regulation article', () => {
    expect(resultTarget(row('video', { uuid: 'u1' }))).toEqual({ name: 'learning-item', params: { uuid: 'u1' } });
    expect(resultTarget(row('regulation', { regulation: 'r1', article: 3 }))).toEqual({
      name: 'learning-regulation',
      params: { uuid: 'r1' },
      query: { article: '3' },
    });
  });

  it("opens the exchange's and supervision's documents on their own pages", () => {
    expect(resultTarget(row('post', { uuid: 'p1' }))).toEqual({ name: 'exchange-post', params: { uuid: 'p1' } });
    expect(resultTarget(row('announcement', { uuid: 'a1' }))).toEqual({ name: 'announcement', params: { uuid: 'a1' } });
    expect(resultTarget(row('publicity', { uuid: 'c1' }))).toEqual({
      name: 'publicity-item',
      params: { uuid: 'c1' },
    });
    expect(resultTarget(row('thread', { id: 7, scope: 'group' }))).toEqual({
      name: 'community-thread',
      params: { scope: 'group', id: '7' },
    });
    expect(resultTarget(row('thread', { id: 7, scope: 'elsewhere' }))).toBeNull();
  });
});
