import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { useSessionStore } from '@/stores/session';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import RulesTab from './RulesTab.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const rule = (kind: string, label: string, points: number, unit: number, daily_cap: number | null) => ({
  kind,
  label,
  points,
  unit,
  daily_cap,
});
const DEFAULT = {
  id: 1,
  version: '2019.1',
  effective_from: '2019-01-01',
  source: '学习强国 2019',
  is_local: false,
  in_force: true,
  rules: [
    rule('article_read', '阅读文章', 1, 1, 6),
    rule('reading_time', '阅读时长', 1, 240, 8),
    rule('branch_activity', '支部活动', 5, 1, null),
  ],
};
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

function setup(roles: string[]) {
  const calls = fakeFetch((call) =>
    call.method === 'POST' ? [201, { ...DEFAULT, id: 2, version: 'new', is_local: true }] : [200, page([DEFAULT])],
  );
  const { plugins } = freshApp();
  useSessionStore().me = { group_roles: [], current_tenant: { roles, capabilities: [] } } as never;
  const wrapper = mount(RulesTab, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return { calls, wrapper };
}

describe('point rules tab', () => {
  it('lists the versions with each kind’s points, unit and cap, and no button for a secretary', async () => {
    const { wrapper } = setup(['secretary']);
    await flushPromises();
    const card = wrapper.get('[data-test="points-rule-set-2019.1"]');
    expect(card.text()).toContain('现行');
    expect(card.text()).toContain('每 4 分钟');
    expect(card.text()).toContain('不设上限');
    expect(card.text()).toContain('6 分');
    expect(wrapper.find('[data-test="points-rule-add"]').exists()).toBe(false);
  });

  it('lets a tenant admin post a copy of the version in force, refusing a taken name first', async () => {
    const { calls, wrapper } = setup(['tenant_admin']);
    await flushPromises();
    await wrapper.get('[data-test="points-rule-add"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-test="points-rule-dialog"]')!;
    const version = dialog.querySelector<HTMLInputElement>('input[data-test="points-rule-version"]')!;
    version.value = '2019.1';
    version.dispatchEvent(new Event('input'));
    (dialog.querySelector('[data-test="points-rule-save"]') as HTMLButtonElement).click();
    await flushPromises();
    await vi.waitFor(() => expect(dialog.querySelector('.el-form-item__error')?.textContent).toContain('已有同名'));
    expect(calls.some((call) => call.method === 'POST')).toBe(false);

    version.value = '2027.本单位';
    version.dispatchEvent(new Event('input'));
    (dialog.querySelector('[data-test="points-rule-save"]') as HTMLButtonElement).click();
    await flushPromises();
    const post = calls.find((call) => call.method === 'POST')!;
    expect(post.url).toBe('/api/v1/points/rules');
    expect(post.body).toMatchObject({
      version: '2027.本单位',
      source: '',
      rules: [
        { kind: 'article_read', points: 1, unit: 1, daily_cap: 6 },
        { kind: 'reading_time', points: 1, unit: 240, daily_cap: 8 },
        { kind: 'branch_activity', points: 5, unit: 1, daily_cap: null },
      ],
    });
  });
});
