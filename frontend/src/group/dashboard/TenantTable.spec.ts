import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import TenantTable from './TenantTable.vue';
import type { Dashboard } from './types';

const FIGURES: Dashboard['figures'] = [
  { key: 'members', label: '党员人数', unit: '' },
  { key: 'full', label: '正式党员', unit: '' },
  { key: 'women_share', label: '女党员占比', unit: '%' },
  { key: 'dues_assessed', label: '党费应缴', unit: '¥' },
  { key: 'arrears_rate', label: '欠缴率', unit: '%' },
  { key: 'meetings_held', label: '三会一课次数', unit: '' }, // a later module's figure
];

const DASHBOARD = {
  period: '2026-12',
  updated_at: null,
  age_seconds: null,
  pending_tenants: 0,
  figures: FIGURES,
  kpis: {},
  thresholds: [],
  tenants: [
    {
      id: 1,
      name: '中能电力股份有限公司党委',
      short_name: '电力公司党委',
      parent: null,
      figures: { members: 30, full: 27, dues_assessed: 12345.6, arrears_rate: 6.5, meetings_held: 4 },
      lights: { arrears_rate: 'amber' },
      updated_at: null,
    },
  ],
} as Dashboard;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the per-unit table', () => {
  it('groups the columns under 党员 · 党费 with short titles and keeps every figure', async () => {
    const { plugins } = freshApp();
    const wrapper = mount(TenantTable, {
      props: { dashboard: DASHBOARD },
      global: { plugins: plugins as never[] },
      attachTo: document.body,
    });
    await flushPromises();
    const headers = wrapper.findAll('thead th').map((th) => th.text());
    expect(headers.filter((text) => text === '党员')).toHaveLength(1);
    expect(headers).toContain('党费（元）');
    expect(headers).toContain('其他');
    expect(headers).toContain('合计');
    expect(headers).toContain('正式');
    expect(headers).toContain('女性\n占比'); // a two-line title
    expect(headers).toContain('三会一课次数'); // no short title: the full label
    expect(wrapper.find('[data-column="full"]').attributes('title')).toBe('正式党员');
    const row = wrapper.find('tbody tr');
    expect(row.text()).toContain('中能电力股份有限公司党委');
    expect(wrapper.find('[data-figure="dues_assessed"]').text()).toBe('12,346'); // whole yuan: the header says 元
    expect(wrapper.find('[data-figure="arrears_rate"]').text()).toBe('6.5%');
  });
});
