import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import { draftOf } from './drafts';
import IndicatorsEditor from './IndicatorsEditor.vue';

afterEach(() => {
  document.body.innerHTML = '';
});

const ROWS = [
  { id: 1, area: '政治建设', title: '理论学习', weight: '30.00', scoring: 'binary' },
  { id: 2, area: '组织建设', title: '三会一课', weight: '40.00', scoring: 'count', target: 12 },
  { id: 3, area: '政治建设', title: '专题研讨', weight: '20.00', scoring: 'binary' },
].map(draftOf);

function setup(limit: number) {
  const { plugins } = freshApp();
  const wrapper = mount(IndicatorsEditor, {
    props: {
      modelValue: ROWS.map((row) => ({ ...row })),
      limit,
      'onUpdate:modelValue': (rows: typeof ROWS) => wrapper.setProps({ modelValue: rows }),
    },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  return wrapper;
}

describe('the indicators editor', () => {
  it('sums the weights as they are typed and says why they cannot be published', async () => {
    const wrapper = setup(20);
    await flushPromises();
    const summary = wrapper.find('[data-test="weight-summary"]');
    expect(summary.attributes('data-ok')).toBe('false');
    expect(wrapper.find('[data-test="weight-total"]').text()).toContain('90.00 / 100');
    expect(wrapper.find('[data-test="weight-reason"]').text()).toContain('还差 10.00');

    await wrapper.find('input[data-test="weight-input-三会一课"]').setValue('50');
    await flushPromises();
    expect(wrapper.find('[data-test="weight-total"]').text()).toContain('100.00 / 100');
    expect(wrapper.find('[data-test="weight-summary"]').attributes('data-ok')).toBe('true');
    expect(wrapper.find('[data-test="weight-reason"]').exists()).toBe(false);
    const emitted = wrapper.emitted<[typeof ROWS]>('update:modelValue');
    expect(emitted?.at(-1)?.[0].find((row) => row.id === 2)?.weight).toBe('50');
  });

  it('groups the rows by area and warns above the indicator limit', async () => {
    const wrapper = setup(2);
    await flushPromises();
    const titles = wrapper.findAll('[data-test="indicator-row-title"]').map((cell) => cell.text());
    expect(titles).toEqual(['理论学习', '专题研讨', '三会一课']);
    expect(wrapper.find('[data-test="limit-warning"]').text()).toContain('超过上限 2 项');
    expect(wrapper.find('[data-test="weight-summary"]').attributes('data-over-limit')).toBe('true');
  });
});
