import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import DevelopmentCaseView from '@/console/views/DevelopmentCaseView.vue';

import { fakeFetch, freshApp, type FakeCall } from './helpers';

const STEPS = [
  { number: 6, stage: 'activist', code: 'cultivation_review', name: '培养教育考察', repeatable: true, fields: [] },
  {
    number: 7,
    stage: 'candidate',
    code: 'candidate_determination',
    name: '确定发展对象',
    repeatable: false,
    fields: [],
  },
  { number: 8, stage: 'candidate', code: 'candidate_filing', name: '报上级党委备案', repeatable: false, fields: [] },
];
// The inputs of the vote, as the server's step table lists them (tenants/development/steps.py).
const field = {
  required: true,
  hint: '',
  min: 0,
  max: null,
  items: null,
  choices: [],
  default: null,
  shown_when: null,
};
const differs = { field: 'entitled_differs', value: true };
const VOTE_FIELDS = [
  { ...field, name: 'entitled_differs', kind: 'voting_roll', label: '应到人数', required: false },
  { ...field, name: 'entitled', kind: 'integer', label: '实际应到人数', shown_when: differs },
  { ...field, name: 'entitled_reason', kind: 'text', label: '不同的原因', shown_when: differs },
  { ...field, name: 'present', kind: 'integer', label: '实到人数' },
  { ...field, name: 'yes', kind: 'integer', label: '赞成人数' },
];
const CASE = {
  id: 1,
  name: '陈晓',
  gender: 'female',
  birth_date: '1998-03-05',
  id_card_masked: '110***********102X',
  organization: 2,
  organization_name: '研发党支部',
  stage: 'activist',
  stage_label: '入党积极分子',
  last_step: 6,
  probation_ends_on: null,
  extended: false,
  member: null,
  steps: [{ id: 9, number: 6, name: '培养教育考察', done_on: '2022-09-01', data: {}, rule_version: '2014.1' }],
  next_steps: [6, 7],
  deadlines: [],
  probation_discussions: [],
  probation_quarters: [],
  created_at: '2022-01-10T00:00:00Z',
};
const REFUSAL = {
  code: 'development.activist_period_too_short',
  message: '积极分子培养期不足一年（还差 83 天）。（规则 2014.1）',
  field: 'done_on',
};

async function mountCase(
  answer: (call: FakeCall) => [number, unknown],
  detail: object = CASE,
  steps: object[] = STEPS,
) {
  const calls = fakeFetch((call) => {
    if (call.url === '/api/v1/development/cases/step-table') return [200, { steps }];
    if (call.url === '/api/v1/development/cases/1' && call.method === 'GET') return [200, detail];
    return answer(call);
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/development', name: 'development', component: { template: '<p />' } },
      { path: '/development/:id', name: 'development-case', component: DevelopmentCaseView },
    ],
  });
  await router.push('/development/1');
  const { plugins } = freshApp();
  const wrapper = mount(DevelopmentCaseView, {
    global: { plugins: [...(plugins as never[]), router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('a development case', () => {
  it('shows done, next and future steps, the forward step chosen', async () => {
    const { wrapper } = await mountCase(() => [404, {}]);
    const state = (n: number) => wrapper.find(`.pc-step[data-step="${n}"]`).attributes('data-state');
    expect([state(6), state(7), state(8)]).toEqual(['next', 'next', 'future']);
    expect(wrapper.find('.pc-step[data-step="6"]').text()).toContain('2022-09-01');
    expect(wrapper.find('.pc-step[data-step="7"] [data-test="step-form"]').exists()).toBe(true);
    expect(wrapper.find('.pc-step[data-step="6"] [data-test="step-choose"]').text()).toBe('再次记录');
  });

  it("shows the engine's refusal with how much is missing above the step form", async () => {
    const { wrapper, calls } = await mountCase((call) =>
      call.url === '/api/v1/development/cases/1/steps' ? [400, REFUSAL] : [404, {}],
    );
    wrapper.findComponent({ name: 'ElDatePicker' }).vm.$emit('update:modelValue', '2022-12-08');
    await flushPromises();
    await wrapper.find('[data-test="step-submit"]').trigger('click');
    await flushPromises();
    const posted = calls.find((call) => call.method === 'POST');
    expect(posted?.body).toEqual({ step: 7, done_on: '2022-12-08', details: {}, notes: '' });
    expect(wrapper.find('[data-test="step-blocked"]').text()).toContain('还差 83 天');
  });

  it('shows who may vote from the records on the meeting date and leaves that figure to them', async () => {
    const ROLL = { organization: 2, date: '2023-05-10', full: 23, suspended: 1, probationary: 3, entitled: 22 };
    const { wrapper, calls } = await mountCase(
      (call) => {
        if (call.url === '/api/v1/development/cases/1/voting-roll?date=2023-05-10') return [200, ROLL];
        if (call.url === '/api/v1/development/cases/1/steps') return [201, {}];
        return [404, {}];
      },
      { ...CASE, stage: 'admission', last_step: 14, next_steps: [15] },
      [
        {
          number: 15,
          stage: 'admission',
          code: 'branch_vote',
          name: '支部大会讨论',
          repeatable: false,
          fields: VOTE_FIELDS,
        },
      ],
    );
    expect(wrapper.find('[data-test="voting-roll"]').text()).toContain('选择会议日期后显示');
    wrapper.findComponent({ name: 'ElDatePicker' }).vm.$emit('update:modelValue', '2023-05-10');
    await flushPromises();
    expect(wrapper.find('[data-test="voting-roll"]').text()).toContain('按党员名册有表决权 22 人');
    const numbers = wrapper.findAllComponents({ name: 'ElInputNumber' });
    const number = (test: string) => numbers.find((input) => input.attributes('data-test') === test)!;
    number('step-present').vm.$emit('update:modelValue', 20);
    number('step-yes').vm.$emit('update:modelValue', 19);
    await wrapper.find('[data-test="step-submit"]').trigger('click');
    await flushPromises();
    const posted = calls.find((call) => call.method === 'POST');
    expect(posted?.body).toEqual({ step: 15, done_on: '2023-05-10', details: { present: 20, yes: 19 }, notes: '' });
  });

  it('shows the quarterly probation discussions of a probationary member', async () => {
    const quarters = [
      { number: 1, starts_on: '2023-06-01', last_day: '2023-08-31', status: 'discussed', discussed_on: '2023-07-20' },
      { number: 2, starts_on: '2023-09-01', last_day: '2023-11-30', status: 'due', discussed_on: null },
    ];
    const discussions = [{ id: 3, held_on: '2023-07-20', notes: '表现良好' }];
    const { wrapper } = await mountCase(() => [404, {}], {
      ...CASE,
      stage: 'probation',
      next_steps: [],
      probation_quarters: quarters,
      probation_discussions: discussions,
    });
    const panel = wrapper.get('[data-test="probation-quarters"]');
    expect(panel.text()).toContain('表现良好');
    expect(panel.findAll('[data-test="quarter-status"]').map((tag) => tag.text())).toEqual(['已讨论', '本季度待讨论']);
    expect(wrapper.find('.pc-step[data-step="6"]').exists()).toBe(true);
  });
});
