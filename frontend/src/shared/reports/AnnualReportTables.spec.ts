import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import type { AnnualReport } from './annualReport';

import { freshApp } from '../../../tests/unit/helpers';

import AnnualReportTables from './AnnualReportTables.vue';

const REPORT: AnnualReport = {
  date: '2025-12-31',
  start_date: '2024-12-31',
  period: '统计时段：2025年1月1日至2025年12月31日',
  scope: 'group',
  title: '2025年党内统计年报',
  tenant: null,
  ok: false,
  status: 'failed',
  summary: '注意：本年报有1项核对不通过，1项警告（日期缺失或为估算，见“校验”表），请核实后再上报。',
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
        { unit: '乙公司党委', tenant: 2, total: null, age_30: null, age_31: null, women: null },
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
      level: 'check',
      result: 'failed',
      detail: '',
    },
    {
      name: '女党员不多于党员总数',
      unit: '甲公司党委',
      table: '表2',
      left: 3,
      relation: '≤',
      right: 10,
      ok: true,
      level: 'check',
      result: 'passed',
      detail: '',
    },
    {
      name: '警告：党组织成立日期未填写（个数 = 0）',
      unit: '甲公司党委',
      table: '表5',
      left: 2,
      relation: '=',
      right: 0,
      ok: false,
      level: 'warning',
      result: 'warning',
      detail: '第一党支部、第二党支部共2个',
    },
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
    expect(wrapper.find('[data-test="annual-warned"]').text()).toBe('1 项警告');
    expect(wrapper.find('[data-test="annual-ok"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="annual-summary"]').text()).toContain('1项核对不通过');
    expect(wrapper.findAll('[data-test="check-failed"]')).toHaveLength(1);
    expect(wrapper.findAll('[data-test="check-passed"]')).toHaveLength(1);
    expect(wrapper.findAll('[data-test="check-warning"]')).toHaveLength(1);
    const checks = wrapper.find('[data-test="annual-check-table"]').text();
    expect(checks).toContain('10 = 5');
    expect(checks).toContain('第一党支部、第二党支部共2个');
    // A unit without data reads 未录入, not 0.
    expect(table.findAll('tbody tr')[1]!.text()).toContain('未录入');
  });

  it('never says all passed while a warning stands', async () => {
    const { plugins } = freshApp();
    const warnings = { ...REPORT, status: 'warnings' as const, checks: REPORT.checks.slice(1) };
    const wrapper = mount(AnnualReportTables, {
      props: { report: warnings },
      global: { plugins: plugins as never[] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(wrapper.find('[data-test="annual-ok"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="annual-summary"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="annual-warned"]').text()).toBe('1 项警告');
  });
});
