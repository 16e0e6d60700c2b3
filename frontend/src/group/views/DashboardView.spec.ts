import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { useSessionStore } from '@/stores/session';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import DashboardView from './DashboardView.vue';

const FIGURES = [
  { key: 'members', label: '党员人数', unit: '' },
  { key: 'arrears_rate', label: '欠缴率', unit: '%' },
  { key: 'dues_assessed', label: '党费应缴', unit: '¥' },
  { key: 'live_attendance_rate', label: '直播党课出席率', unit: '%' },
  { key: 'live_lessons', label: '直播党课场次', unit: '' },
];
const tenant = (id: number, name: string, members: number | null, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  short_name: name.slice(0, 3),
  parent: null,
  figures: { members, arrears_rate: members ? 10 : null, dues_assessed: 100 },
  lights: { members: 'none', arrears_rate: members ? 'red' : 'none', dues_assessed: 'none' },
  updated_at: '2026-05-01T08:00:00Z',
  ...extra,
});
const BOARD = {
  period: '2026-05',
  updated_at: '2026-05-01T08:00:00Z',
  age_seconds: 12,
  pending_tenants: 1,
  figures: FIGURES,
  kpis: {
    members: 25,
    full: 20,
    probationary: 5,
    arrears_rate: 10,
    dues_assessed: 1234.5,
    live_attendance_rate: 66.7,
    live_lessons: 3,
  },
  tenants: [
    tenant(1, '甲公司党委', 10, { subtree: { members: 25, arrears_rate: 10, dues_assessed: 300 } }),
    tenant(2, '乙公司党委', 15, { parent: 1 }),
    tenant(3, '丙公司党委', null),
  ],
  thresholds: [{ figure: 'arrears_rate', green_until: 5, amber_until: 8, higher_is_worse: true }],
};

async function mountBoard(answer: (call: FakeCall) => [number, unknown], roles: string[] = ['group_admin']) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  useSessionStore().me = { group_roles: roles } as never;
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'dashboard', component: DashboardView },
      { path: '/applications', name: 'applications', component: { template: '<div />' } },
      { path: '/dashboard/tenants/:tenantId', name: 'dashboard-tenant', component: { template: '<div />' } },
    ],
  });
  await router.push('/?period=2026-05');
  const wrapper = mount(DashboardView, {
    global: { plugins: [...(plugins as never[]), router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls, router };
}

const standard = (call: FakeCall): [number, unknown] => {
  if (call.url.startsWith('/api/v1/group/dashboard?')) return [200, BOARD];
  if (call.url === '/api/v1/group/summary')
    return [200, { tenants: { total: 3 }, members: 25, pending_applications: 2 }];
  if (call.url === '/api/v1/group/dashboard/thresholds' && call.method === 'GET') return [200, BOARD.thresholds];
  return [404, {}];
};

beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the group dashboard', () => {
  it('shows the KPI cards with units, the freshness line and the per-tenant table with lights', async () => {
    const { wrapper, calls } = await mountBoard(standard);
    expect(calls[0]!.url).toBe('/api/v1/group/dashboard?period=2026-05');
    expect(wrapper.find('[data-test="kpi-members"]').text()).toContain('25');
    expect(wrapper.find('[data-test="kpi-members"]').text()).toContain('正式党员 20');
    expect(wrapper.find('[data-test="kpi-dues"]').text()).toContain('¥1,234.50');
    expect(wrapper.find('[data-test="kpi-dues"]').text()).toContain('欠缴率 10%');
    expect(wrapper.find('[data-test="kpi-live"]').text()).toContain('直播党课出席');
    expect(wrapper.find('[data-test="kpi-live"]').text()).toContain('66.7%');
    expect(wrapper.find('[data-test="kpi-live"]').text()).toContain('直播党课场次 3');
    expect(wrapper.find('[data-test="freshness"]').text()).toContain('数据更新于 12 秒前');
    expect(wrapper.find('[data-test="pending-tenants"]').text()).toContain('1 个单位的数据正在汇总');
    expect(wrapper.find('[data-test="card-pending"]').text()).toContain('2');

    const table = wrapper.find('[data-test="tenant-table"]');
    expect(table.text()).toContain('甲公司党委');
    expect(table.text()).toContain('上级：甲公司');
    expect(table.findAll('[data-light="red"]').length).toBe(2);
    // Sorted by members, most first; the tenant without a value last.
    const names = () =>
      table
        .findAll('.el-table__body-wrapper [data-test="tenant-open"]')
        .map((link) => link.text())
        .filter(Boolean);
    expect(names()).toEqual(['乙公司党委', '甲公司党委', '丙公司党委']);
    const export_ = wrapper.find('[data-test="tenants-export"]');
    expect(export_.exists()).toBe(true);
  });

  it('refreshes every 30 seconds and counts the age on in between', async () => {
    const { wrapper, calls } = await mountBoard(standard);
    const boards = () => calls.filter((call) => call.url.startsWith('/api/v1/group/dashboard?')).length;
    expect(boards()).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(wrapper.find('[data-test="freshness"]').text()).toContain('数据更新于 17 秒前');
    await vi.advanceTimersByTimeAsync(25000);
    await flushPromises();
    expect(boards()).toBe(2);
    wrapper.unmount();
    await vi.advanceTimersByTimeAsync(60000);
    expect(boards()).toBe(2);
  });

  it('opens the drill-down of a tenant with the month', async () => {
    const { wrapper, router } = await mountBoard(standard);
    await wrapper.find('[data-test="tenant-open"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('dashboard-tenant');
    expect(router.currentRoute.value.query.period).toBe('2026-05');
  });

  it('lets admins save a threshold and shows the server refusal', async () => {
    const { wrapper, calls } = await mountBoard((call) => {
      if (call.method === 'PUT')
        return [
          400,
          { code: 'rollups.threshold_order', message: '黄灯界限必须在绿灯界限之外。', field: 'amber_until' },
        ];
      return standard(call);
    });
    await wrapper.find('[data-test="thresholds-open"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-test="thresholds-table"]')!;
    expect(dialog.textContent).toContain('欠缴率');
    (document.body.querySelector('[data-test="threshold-save"]') as HTMLElement).click();
    await flushPromises();
    const put = calls.find((call) => call.method === 'PUT')!;
    expect(put.body).toEqual({ figure: 'arrears_rate', green_until: 5, amber_until: 8, higher_is_worse: true });
    expect(document.body.querySelector('[data-test="threshold-error"]')!.textContent).toContain(
      '黄灯界限必须在绿灯界限之外。',
    );
  });

  it('shows viewers the thresholds read-only', async () => {
    const { wrapper } = await mountBoard(standard, ['group_viewer']);
    await wrapper.find('[data-test="thresholds-open"]').trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-test="thresholds-read-only"]')).not.toBeNull();
    expect(document.body.querySelector('[data-test="threshold-save"]')).toBeNull();
    expect(document.body.querySelector('[data-test="threshold-green"]')).toBeNull();
  });
});
