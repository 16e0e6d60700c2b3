import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import type { AnnualReport } from '../dashboard/types';

import { freshApp } from '../../../tests/unit/helpers';

import AnnualReportTables from './AnnualReportTables.vue';

const REPORT: AnnualReport = {
  date: '2025-12-31',
  start_date: '2024-12-31',
  scope: 'group',
  title: '2025年党内统计年报',
  tenant: null,
  ok: false,
  tables: [
    {
      key: 'profile',
      title: '表2 党员构成情况',
      note: '年龄按统计时点计算',
      columns: [
        { key: 'unit', title: '单位', group: '', kind: 'label' },
        { key: 'total', title: '党员总数', group: '', kind: 'count' },
        { key: 'age_30', title: '30岁及以下', group: '年龄', kind: 'count' },
        { key: 'age_31', title: '31至35岁', group: '年龄', kind: 'count' },
        { key: 'women', title: '女党员占比', group: '', kind: 'percent' },
      ],
      rows: [
        { unit: '甲公司党委', tenant: 1, total: 10, age_30: 3, age_31: 2, women: 33.333 },
        { unit: '合计', tenant: null, total: 10, age_30: 3, age_31: 2, women: null },
      ],
    },
  ],
  checks: [
    {
      name: '党员总数等于各年龄段之和',
      unit: '甲公司党委',
      table: '表2',
      left: 10,
      relation: '=',
      right: 5,
      ok: false,
    },
    { name: '女党员不多于党员总数', unit: '甲公司党委', table: '表2', left: 3, relation: '≤', right: 10, ok: true },
  ],
};

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the annual report tables', () => {
  it('puts grouped columns under their band and shows the checks with badges', async () => {
    const { plugins } = freshApp();
    const wrapper = mount(AnnualReportTables, {
      props: { report: REPORT },
      global: { plugins: plugins as never[] },
      attachTo: document.body,
    });
    await flushPromises();
    const table = wrapper.find('[data-test="annual-table-profile"]');
    expect(table.text()).toContain('表2 党员构成情况');
    const headers = table.findAll('thead th').map((th) => th.text());
    expect(headers).toContain('年龄');
    expect(headers).toContain('30岁及以下');
    expect(headers.filter((text) => text === '年龄')).toHaveLength(1);
    expect(table.text()).toContain('33.3%');
    expect(table.find('.pc-total-row').text()).toContain('合计');

    expect(wrapper.find('[data-test="annual-not-ok"]').text()).toBe('1 项核对未通过');
    expect(wrapper.findAll('[data-test="check-failed"]')).toHaveLength(1);
    expect(wrapper.findAll('[data-test="check-passed"]')).toHaveLength(1);
    expect(wrapper.find('[data-test="annual-check-table"]').text()).toContain('10 = 5');
  });
});
