import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ProbationQuarter } from '@/api/types';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import ProbationQuarters from './ProbationQuarters.vue';

const quarters: ProbationQuarter[] = [
  { number: 1, starts_on: '2026-03-01', last_day: '2026-05-31', status: 'missing', discussed_on: null },
  { number: 2, starts_on: '2026-06-01', last_day: '2026-08-31', status: 'discussed', discussed_on: '2026-07-15' },
  { number: 3, starts_on: '2026-09-01', last_day: '2026-11-30', status: 'due', discussed_on: null },
];

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the quarterly discussions of a probationary member', () => {
  it('lists every quarter and calls out the missing ones', async () => {
    fakeFetch(() => [200, {}]);
    const { plugins } = freshApp();
    const wrapper = mount(ProbationQuarters, {
      props: { caseId: 4, quarters, discussions: [], open: true },
      global: { plugins: plugins as never[] },
    });
    await flushPromises();
    expect(wrapper.get('[data-test="quarters-missing"]').text()).toContain('第 1 季度未讨论');
    expect(wrapper.findAll('[data-test="quarter-status"]').map((tag) => tag.text())).toEqual([
      '未讨论',
      '已讨论',
      '本季度待讨论',
    ]);
  });

  it('records a discussion and tells the case to reload', async () => {
    const calls = fakeFetch(() => [201, { id: 1, held_on: '2026-11-20', notes: '', rule_version: '2014.1' }]);
    const { plugins } = freshApp();
    const wrapper = mount(ProbationQuarters, {
      props: { caseId: 4, quarters, discussions: [], open: true },
      global: { plugins: plugins as never[] },
    });
    await wrapper.get('[data-test="discussion-submit"]').trigger('click');
    await flushPromises();
    expect(calls).toHaveLength(0); // no date picked: nothing is sent
    // Element Plus shows a form item's error 100 ms after its state changes.
    await vi.waitFor(() => expect(wrapper.get('.el-form-item__error').text()).toBe('请选择讨论日期'));
    const date = wrapper.get('input[name="discussion-held-on"]');
    await date.setValue('2026-11-20');
    await date.trigger('change');
    await wrapper.get('[data-test="discussion-submit"]').trigger('click');
    await flushPromises();
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/development/cases/4/probation-discussions', { held_on: '2026-11-20', notes: '' }],
    ]);
    expect(wrapper.emitted('recorded')).toHaveLength(1);
  });
});
