import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import BranchesTab from './BranchesTab.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const branch = (id: number, name: string, index: string, rank: number | null) => ({
  organization: { id, name, kind: 'branch' },
  own_points: 5,
  member_points: 56,
  member_count: 2,
  mean_member_points: '28.00',
  index,
  rank,
});

async function open(ranked: boolean) {
  const rows = [
    branch(2, '第一党支部', '33.00', ranked ? 1 : null),
    branch(3, '第二党支部', '16.00', ranked ? 2 : null),
  ];
  const calls = fakeFetch((call) => {
    if (call.url.startsWith('/api/v1/points/branches'))
      return [200, { count: 2, next: null, previous: null, results: rows }];
    if (call.url.startsWith('/api/v1/organizations/kinds')) return [200, []];
    return [200, { count: 0, next: null, previous: null, results: [] }];
  });
  const { plugins } = freshApp();
  const wrapper = mount(BranchesTab, { global: { plugins: plugins as never[] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls };
}

describe('branch index', () => {
  it('has no rank column while rankings are off', async () => {
    const { wrapper, calls } = await open(false);
    const table = wrapper.get('[data-test="branches-table"]');
    expect(table.text()).toContain('33.00');
    expect(table.text()).not.toContain('排名');
    expect(wrapper.findAll('[data-test="branch-rank"]')).toHaveLength(0);
    expect(calls.find((call) => call.url.startsWith('/api/v1/points/branches'))!.url).toContain(
      `year=${new Date().getFullYear()}`,
    );
    expect(wrapper.text()).toContain('支部指数 = 支部自身积分 + 党员积分之和 ÷ 党员人数');
  });

  it('shows the ranks the server sends when rankings are on', async () => {
    const { wrapper } = await open(true);
    expect(wrapper.get('[data-test="branches-table"]').text()).toContain('排名');
    expect(wrapper.findAll('[data-test="branch-rank"]').map((cell) => cell.text())).toEqual(['1', '2']);
  });
});
