import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import MyPointsView from './MyPointsView.vue';

const year = new Date().getFullYear();
const month = `${year}-${String(new Date().getMonth() + 1).padStart(2, '0')}`;

const SUMMARY = {
  reference_only: true,
  member: { id: 4, name: '冯晓明', organization_id: 2, organization: '第一党支部' },
  year,
  total: 40,
  today: 10,
  rule_version: '2019.1',
  by_month: Array.from({ length: 12 }, (_, index) => ({
    month: `${year}-${String(index + 1).padStart(2, '0')}`,
    points: 0,
  })).map((row) => (row.month === month ? { ...row, points: 13 } : row)),
  by_kind: [
    { kind: 'article_read', label: '阅读文章', points: 30, events: 32, capped: 2 },
    { kind: 'meeting_attended', label: '参加组织生活', points: 10, events: 4, capped: 0 },
    { kind: 'video_watched', label: '观看视频', points: 0, events: 0, capped: 0 },
  ],
};
const ENTRY = {
  id: 1,
  kind: 'reading_time',
  label: '阅读时长',
  day: `${month}-02`,
  occurred_at: `${month}-02T01:00:00Z`,
  quantity: 1000,
  source: 'study-day:reading_time:1',
  rule_version: '2019.1',
  raw_points: 4,
  points: 4,
  capped: false,
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function open(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<p />' } },
      { path: '/points', name: 'points', component: MyPointsView },
    ],
  });
  await router.push('/points');
  const wrapper = mount(
    { template: '<router-view />' },
    { global: { plugins: [...(plugins as never[]), router] }, attachTo: document.body },
  );
  await flushPromises();
  return { wrapper, calls };
}

const answers = (call: FakeCall): [number, unknown] =>
  call.url.startsWith('/api/v1/points/me/ledger')
    ? [
        200,
        {
          count: 2,
          next: null,
          previous: null,
          results: [
            ENTRY,
            { ...ENTRY, id: 2, kind: 'article_read', label: '阅读文章', quantity: 1, points: 0, capped: true },
          ],
        },
      ]
    : [200, SUMMARY];

describe('我的积分', () => {
  it('says reference only, shows the totals, the bars and the kinds with the capped ones marked', async () => {
    const { wrapper, calls } = await open(answers);
    expect(calls[0]!.url).toBe(`/api/v1/points/me?year=${year}`);
    const reference = wrapper.find('[data-test="points-reference"]');
    expect(reference.text()).toContain('仅供参考');
    expect(reference.text()).toContain('点赞、转发和学习时长不作为考核评价的依据');
    expect(wrapper.find('[data-test="points-month"]').text()).toBe('13');
    expect(wrapper.find('[data-test="points-year-total"]').text()).toBe('40');
    expect(wrapper.findAll('[data-test^="points-bar-"]')).toHaveLength(new Date().getMonth() + 1);
    expect(wrapper.find('[data-test="points-kind-article_read"]').text()).toContain('已达当日上限');
    expect(wrapper.find('[data-test="points-kind-meeting_attended"]').text()).not.toContain('已达当日上限');
    // A kind without points is left out.
    expect(wrapper.find('[data-test="points-kind-video_watched"]').exists()).toBe(false);
  });

  it('lists the ledger with study minutes and capped entries marked, and never sends points', async () => {
    const { wrapper, calls } = await open(answers);
    const entries = wrapper.findAll('[data-test="points-entry"]');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.text()).toContain('16 分钟');
    expect(entries[0]!.text()).toContain('+4');
    expect(entries[1]!.text()).toContain('已达当日上限');
    expect(calls.some((call) => call.url.startsWith(`/api/v1/points/me/ledger?year=${year}&page=1`))).toBe(true);
    expect(calls.every((call) => call.method === 'GET')).toBe(true);
  });

  it('shows the server message when there is no member record', async () => {
    const { wrapper } = await open(() => [
      403,
      { code: 'points.not_a_member', message: '您在本单位没有党员档案。', field: null },
    ]);
    expect(wrapper.text()).toContain('您在本单位没有党员档案。');
  });
});
