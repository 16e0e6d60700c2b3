import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import CompliancePanel from './CompliancePanel.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the dashboard’s compliance panel', () => {
  it('shows a check the backend adds (三会一课) as a column of its own, with no change here', async () => {
    fakeFetch(() => [
      200,
      {
        period: '2026-12',
        checks: [
          { key: 'dues', label: '欠缴率不超过 5%', figure: 'arrears_rate' },
          { key: 'meetings_general', label: '按期召开支部党员大会', figure: 'meetings_general_missing' },
        ],
        tenants: [
          { id: 1, name: '甲公司党委', checks: { dues: true, meetings_general: true }, values: {}, passed: 2 },
          { id: 2, name: '乙公司党委', checks: { dues: true, meetings_general: false }, values: {}, passed: 1 },
        ],
      },
    ]);
    const { plugins } = freshApp();
    const wrapper = mount(CompliancePanel, {
      props: { period: '2026-12' },
      global: { plugins: [...(plugins as never[]), ElementPlus] },
      attachTo: document.body,
    });
    await flushPromises();
    const table = wrapper.find('[data-test="compliance-table"]');
    expect(table.find('.el-table__header-wrapper').text()).toContain('按期召开支部党员大会');
    const rows = table.findAll('.el-table__body-wrapper .el-table__row');
    expect(rows.map((row) => row.findAll('[data-test="check-ok"]').length)).toEqual([2, 1]);
    expect(rows[1]!.find('[data-test="check-fail"]').exists()).toBe(true);
    expect(rows[1]!.text()).toContain('1 / 2');
  });
});
