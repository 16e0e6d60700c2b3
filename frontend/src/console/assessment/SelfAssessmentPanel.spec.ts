import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { TaskBookDetail } from '@/api/taskBooks';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import SelfAssessmentPanel from './SelfAssessmentPanel.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const indicator = (id: number, fields: Record<string, unknown>) => ({
  id,
  position: id,
  origin: 'template',
  source_indicator_id: null,
  area: '组织建设',
  title: `指标${id}`,
  description: '',
  weight: '50.00',
  scoring: 'binary',
  levels: [],
  target: null,
  evidence_required: '',
  evidence_source: 'manual',
  deadline: null,
  self_value: null,
  self_note: '',
  self_score: null,
  review_value: null,
  review_score: null,
  review_comment: '',
  measured: null,
  figure: null,
  evidence: [],
  ...fields,
});

const BOOK = {
  id: 9,
  status: 'issued',
  indicators: [
    indicator(1, {
      title: '三会一课',
      scoring: 'count',
      target: 12,
      weight: '60.00',
      evidence_source: 'meetings_held',
      figure: { value: '0.7500', numerator: 9, denominator: 12, detail: {} },
    }),
    indicator(2, { title: '廉政教育', weight: '40.00', self_value: { done: true }, self_note: '已开展' }),
  ],
} as unknown as TaskBookDetail;

describe('the self-assessment', () => {
  it('shows the live platform figure, scores as values are entered and saves every indicator', async () => {
    const calls = fakeFetch(() => [200, BOOK]);
    const { plugins } = freshApp();
    const wrapper = mount(SelfAssessmentPanel, {
      props: { book: BOOK },
      global: { plugins: plugins as never[] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(wrapper.find('[data-test="self-figure"]').text()).toContain('75%（9 / 12）');
    expect(wrapper.find('[data-test="self-total"]').text()).toContain('40.00');

    const count = wrapper.find('[data-test="self-value-1"] input');
    await count.setValue('9');
    await count.trigger('blur');
    await flushPromises();
    expect(wrapper.find('[data-test="self-score-1"]').text()).toContain('45.00');
    expect(wrapper.find('[data-test="self-total"]').text()).toContain('85.00');

    await wrapper.find('[data-test="self-save"]').trigger('click');
    await flushPromises();
    const saved = calls.find((call) => call.method === 'POST');
    expect(saved?.url).toBe('/api/v1/assessment/task-books/9/self-assessment');
    expect(saved?.body).toEqual({
      indicators: [
        { id: 1, value: { count: 9 }, note: '' },
        { id: 2, value: { done: true }, note: '已开展' },
      ],
    });
  });
});
