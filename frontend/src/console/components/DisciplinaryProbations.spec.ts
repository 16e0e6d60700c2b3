import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import DisciplinaryProbations from './DisciplinaryProbations.vue';

const RECORD = {
  id: 3,
  started_on: '2025-01-10',
  ends_on: '2026-01-10',
  decision: '甲公司纪委〔2025〕3号',
  actor: null,
  created_at: '2025-01-10T08:00:00Z',
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function fill(wrapper: ReturnType<typeof mount>, name: string, value: string): Promise<void> {
  const input = wrapper.get(`input[name="${name}"]`);
  await input.setValue(value);
  await input.trigger('change');
}

describe('留党察看 in the member drawer', () => {
  it('lists the periods and records a decision, refusing an incomplete one without a call', async () => {
    let records: unknown[] = [];
    const calls = fakeFetch((call) => {
      if (call.method === 'POST') {
        records = [RECORD];
        return [201, RECORD];
      }
      return [200, records];
    });
    const { plugins } = freshApp();
    const wrapper = mount(DisciplinaryProbations, { props: { memberId: 9 }, global: { plugins: plugins as never[] } });
    await flushPromises();
    expect(wrapper.text()).toContain('无');

    await wrapper.get('[data-test="discipline-submit"]').trigger('click');
    await flushPromises();
    expect(wrapper.text()).toContain('请填写开始、结束日期和处分决定');
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);

    await fill(wrapper, 'discipline-start', '2025-01-10');
    await fill(wrapper, 'discipline-end', '2026-01-10');
    await wrapper.get('input[name="discipline-decision"]').setValue(' 甲公司纪委〔2025〕3号 ');
    await wrapper.get('[data-test="discipline-submit"]').trigger('click');
    await flushPromises();
    expect(calls.find((call) => call.method === 'POST')).toMatchObject({
      url: '/api/v1/members/9/disciplinary-probations',
      body: { started_on: '2025-01-10', ends_on: '2026-01-10', decision: '甲公司纪委〔2025〕3号' },
    });
    expect(wrapper.text()).toContain('2025-01-10 至 2026-01-10');
    expect(wrapper.emitted('recorded')).toHaveLength(1);
  });
});
