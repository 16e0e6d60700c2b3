import { flushPromises, mount } from '@vue/test-utils';
import type * as ElementPlus from 'element-plus';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import DecisionTab from './DecisionTab.vue';

// The confirmation before submitting: accepted.
vi.mock('element-plus', async (original) => {
  const module = await original<typeof ElementPlus>();
  return { ...module, ElMessageBox: { ...module.ElMessageBox, confirm: vi.fn(() => Promise.resolve('confirm')) } };
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const counts = (excellent: number, qualified: number) => ({
  excellent,
  qualified,
  basically_qualified: 0,
  unqualified: 0,
  total: excellent + qualified,
});
const person = (id: number, name: string, graded = true, excused = false) => ({
  id,
  member: { id: id + 100, name },
  membership: graded ? 'full' : 'probationary',
  graded,
  excused,
  self_review: '',
  self_submitted_at: null,
  ratings_given: 2,
  ratings_expected: 2,
  peer: counts(1, 1),
  mass: counts(0, 1),
  peer_comments: [],
  grade: '',
  unqualified_reasons: '',
  follow_up: '',
  follow_up_deadline: null,
});
const PARTICIPANTS = [person(1, '郑书记'), person(2, '冯晓明'), person(3, '褚建国'), person(4, '卫小红', false)];
const ROUND = {
  id: 9,
  title: '2026年度民主评议党员',
  year: 2026,
  organization: { id: 5, name: '综合办公室党支部' },
  status: 'closed',
  opens_on: '2026-12-01',
  closes_on: '2026-12-20',
  rule: { id: 1, version: '2019.1', excellent_numerator: 1, excellent_denominator: 3 },
  participant_count: 4,
  graded_count: 3,
  self_submitted_count: 2,
  invited_count: 1,
  voted_count: 1,
  excellent_cap: 1,
  full_graded_count: 3,
  decision_meeting: null,
  decided_at: null,
  confirmed_at: null,
  confirmed_by: '',
  mass_branch: counts(0, 1),
  can_manage: true,
  can_confirm: false,
};

async function setup() {
  const calls = fakeFetch((call: FakeCall) => {
    if (call.method === 'POST') return [200, { ...ROUND, status: 'decided' }];
    if (call.url.includes('/participants')) return [200, { count: 4, results: PARTICIPANTS }];
    return [200, [{ id: 31, title: '第四季度支部党员大会', held_on: '2026-12-21' }]];
  });
  const { plugins } = freshApp();
  const wrapper = mount(DecisionTab, {
    props: { round: ROUND as never },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  await flushPromises();
  return { calls, wrapper };
}

type Wrapper = Awaited<ReturnType<typeof setup>>['wrapper'];
const line = (wrapper: Wrapper, id: number) => wrapper.find(`[data-test="decision-line-${id}"]`);
async function grade(wrapper: Wrapper, id: number, value: string) {
  await line(wrapper, id).find(`[data-grade="${value}"] input`).setValue(true);
  await flushPromises();
}
const counter = (wrapper: Wrapper) => wrapper.find('[data-test="decision-cap"]');

describe('the general meeting’s decision', () => {
  it('grades the full members only, with the tallies beside', async () => {
    const { wrapper } = await setup();
    expect(wrapper.findAll('[data-test^="decision-line-"]').map((l) => l.attributes('data-name'))).toEqual([
      '郑书记',
      '冯晓明',
      '褚建国',
    ]);
    expect(wrapper.find('[data-test="decision-not-graded"]').text()).toContain('卫小红（不评定等次）');
    expect(counter(wrapper).text()).toContain('优秀 0 / 上限 1（正式党员的 1/3）');
  });

  it('counts 优秀 live and blocks a second one over the cap', async () => {
    const { wrapper } = await setup();
    await grade(wrapper, 1, 'excellent');
    expect(counter(wrapper).text()).toContain('优秀 1 / 上限 1');
    expect(counter(wrapper).attributes('data-over')).toBe('0');
    // The cap is reached: 优秀 is no longer offered to the others.
    expect(line(wrapper, 2).find('[data-grade="excellent"] input').attributes('disabled')).toBeDefined();
    expect(line(wrapper, 1).find('[data-grade="excellent"] input').attributes('disabled')).toBeUndefined();
  });

  it('asks for the reasons and a follow-up with 不合格, then submits the lines', async () => {
    const { wrapper, calls } = await setup();
    await grade(wrapper, 1, 'excellent');
    await grade(wrapper, 2, 'qualified');
    await grade(wrapper, 3, 'unqualified');
    await wrapper.find('[data-test="decision-submit"]').trigger('click');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    expect(wrapper.text()).toContain('请填写不合格原因');
    expect(wrapper.text()).toContain('请选择处置措施');

    await line(wrapper, 3).find('textarea[data-test="decision-reasons"]').setValue('全年未参加组织生活');
    const select = line(wrapper, 3).findComponent({ name: 'ElSelect' });
    select.vm.$emit('update:modelValue', 'persuade_to_leave');
    await flushPromises();
    await wrapper.find('[data-test="decision-submit"]').trigger('click');
    await flushPromises();
    const posts = calls.filter((call) => call.method === 'POST');
    expect(posts.map((call) => [call.url, call.body])).toEqual([
      [
        '/api/v1/assessment/evaluations/9/decision',
        {
          decision_meeting_id: null,
          grades: [
            { participant: 1, grade: 'excellent', unqualified_reasons: '', follow_up: '', follow_up_deadline: null },
            { participant: 2, grade: 'qualified', unqualified_reasons: '', follow_up: '', follow_up_deadline: null },
            {
              participant: 3,
              grade: 'unqualified',
              unqualified_reasons: '全年未参加组织生活',
              follow_up: 'persuade_to_leave',
              follow_up_deadline: null,
            },
          ],
        },
      ],
    ]);
    expect(wrapper.emitted('decided')).toHaveLength(1);
  });
});
