import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import MyRoundView from './MyRoundView.vue';

// Vant's style entries are plain CSS, which Node cannot import.
vi.mock('vant/es/toast/style', () => ({}));

afterEach(() => vi.unstubAllGlobals());

const counts = (excellent: number, qualified: number) => ({
  excellent,
  qualified,
  basically_qualified: 0,
  unqualified: 0,
  total: excellent + qualified,
});
const ROUND = {
  round: 9,
  participant: 2,
  title: '2026年度民主评议党员',
  year: 2026,
  organization: { id: 5, name: '综合办公室党支部' },
  status: 'open',
  opens_on: '2026-12-01',
  closes_on: '2026-12-20',
  graded: true,
  excused: false,
  self_review: '',
  self_submitted_at: null,
  ratings_given: 0,
  ratings_expected: 2,
  grade: '',
  follow_up: '',
  follow_up_deadline: null,
  peer: null,
  mass: null,
  ratings: [
    { participant: 1, name: '郑书记', grade: '', comment: '' },
    { participant: 3, name: '褚建国', grade: 'qualified', comment: '' },
  ],
};

async function open(round: object, answer?: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch((call) => answer?.(call) ?? [200, round]);
  const { plugins } = freshApp();
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/evaluation/:id', component: MyRoundView, props: (route) => ({ id: Number(route.params.id) }) },
      { path: '/evaluation', name: 'evaluation', component: stub },
    ],
  });
  await router.push('/evaluation/9');
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  await flushPromises();
  return { wrapper, calls };
}

describe('my democratic evaluation', () => {
  it('submits my self-review', async () => {
    const { wrapper, calls } = await open(ROUND, (call) =>
      call.method === 'PUT'
        ? [200, { ...ROUND, self_review: '认真学习', self_submitted_at: '2026-12-08T01:00:00Z' }]
        : [200, ROUND],
    );
    await wrapper.find('[data-test="self-review"] textarea').setValue('认真学习');
    await wrapper.find('[data-test="self-submit"]').trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'PUT').map((call) => [call.url, call.body])).toEqual([
      ['/api/v1/assessment/evaluations/mine/9/self-review', { text: '认真学习', submit: true }],
    ]);
    expect(wrapper.find('[data-test="self-submitted"]').exists()).toBe(true);
  });

  it('sends only the ratings I gave or changed, with their comments', async () => {
    const { wrapper, calls } = await open(ROUND);
    expect(wrapper.find('[data-test="peer-count"]').text()).toBe('已评 1/2');
    await wrapper.find('[data-test="peer-item"][data-name="郑书记"] button[data-grade="excellent"]').trigger('click');
    await wrapper
      .find('[data-test="peer-item"][data-name="郑书记"] [data-test="peer-comment"] input')
      .setValue('表率作用突出 ');
    await wrapper.find('[data-test="peer-save"]').trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'PUT').map((call) => [call.url, call.body])).toEqual([
      [
        '/api/v1/assessment/evaluations/mine/9/ratings',
        { ratings: [{ participant: 1, grade: 'excellent', comment: '表率作用突出' }] },
      ],
    ]);
  });

  it('after the close shows the totals I received, and my grade once confirmed', async () => {
    const closed = { ...ROUND, status: 'closed', peer: counts(1, 1), mass: counts(2, 0) };
    let { wrapper } = await open(closed);
    expect(wrapper.find('[data-test="peer-item"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="my-peer"] [data-test="grade-tally"]').attributes('data-total')).toBe('2');
    expect(wrapper.find('[data-test="my-grade"]').text()).toContain('等待上级党组织审核确认');
    ({ wrapper } = await open({ ...closed, status: 'confirmed', grade: 'excellent' }));
    expect(wrapper.find('[data-test="my-grade"]').text()).toContain('优秀');
  });
});
