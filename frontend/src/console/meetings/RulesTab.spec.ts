import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { useSessionStore } from '@/stores/session';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import RulesTab from './RulesTab.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const kind = (id: number, code: string, name: string, builtin: boolean) => ({
  id,
  code,
  name,
  builtin,
  needs_quorum: false,
  three_one: builtin,
  stats_category: 'other',
  is_active: true,
});
const KINDS = [kind(1, 'general_meeting', '支部党员大会', true), kind(11, 'center_study', '中心组学习', false)];
const row = (kind: number, kind_name: string, period: string, applies_to: string) => ({
  kind,
  kind_code: `k${kind}`,
  kind_name,
  period,
  minimum: 1,
  applies_to,
});
const BUILTIN = {
  id: 1,
  version: '2018.1',
  effective_from: '2018-10-28',
  source: '中国共产党支部工作条例（试行）',
  local: false,
  committee_threshold: 7,
  requirements: [row(1, '支部党员大会', 'quarter', 'branch'), row(3, '党小组会', 'month', 'party_group')],
};
const FUTURE = { ...BUILTIN, id: 2, version: '2099.本单位', effective_from: '2099-01-01', local: true, source: '' };

function setup(roles: string[], answerPost: () => [number, unknown] = () => [201, { ...FUTURE, id: 3 }]) {
  const calls = fakeFetch((call) => {
    if (call.method === 'POST') return answerPost();
    if (call.url.startsWith('/api/v1/meetings/kinds')) return [200, KINDS];
    return [200, [FUTURE, BUILTIN]];
  });
  const { plugins } = freshApp();
  useSessionStore().me = { group_roles: [], current_tenant: { roles, capabilities: [] } } as never;
  const wrapper = mount(RulesTab, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return { calls, wrapper };
}

describe('kinds and rules tab', () => {
  it('lists kinds and versions, marks the one in force, and hides the editing buttons from non-admins', async () => {
    const { wrapper } = setup(['secretary']);
    await flushPromises();
    expect(wrapper.get('[data-test="kinds-table"]').text()).toContain('条例规定');
    expect(wrapper.get('[data-test="rule-1"]').find('[data-test="rule-in-force"]').exists()).toBe(true);
    expect(wrapper.get('[data-test="rule-2"]').find('[data-test="rule-in-force"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="rule-2"]').text()).toContain('待生效');
    expect(wrapper.get('[data-test="rule-rows-1"]').text()).toContain('各党小组');
    expect(wrapper.find('[data-test="kind-add"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="rule-add"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="kind-edit-11"]').exists()).toBe(false);
  });

  it('lets a tenant admin post a copy of the newest version with a row removed', async () => {
    const { calls, wrapper } = setup(['tenant_admin']);
    await flushPromises();
    expect(wrapper.find('[data-test="kind-edit-11"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="kind-edit-1"]').exists()).toBe(false);
    await wrapper.get('[data-test="rule-add"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-test="rule-dialog"]')!;
    const removes = dialog.querySelectorAll<HTMLButtonElement>('[data-test^="rule-row-remove-"]');
    expect(removes).toHaveLength(2);
    removes[1].click();
    await flushPromises();
    expect(dialog.querySelector('[data-test="rule-dropped"]')?.textContent).toContain('党小组会');
    // The remaining row names its kind (from the kinds list) in the select.
    expect(dialog.querySelector('[data-test="rule-rows"]')?.textContent).toContain('支部党员大会');
    const version = dialog.querySelector<HTMLInputElement>('input[data-test="rule-version"]')!;
    version.value = '2100.本单位';
    version.dispatchEvent(new Event('input'));
    (dialog.querySelector('[data-test="rule-save"]') as HTMLButtonElement).click();
    await flushPromises();
    const post = calls.find((call) => call.method === 'POST')!;
    expect(post.url).toBe('/api/v1/meetings/rules');
    expect(post.body).toMatchObject({
      version: '2100.本单位',
      committee_threshold: 7,
      requirements: [
        { kind: 1, period: 'quarter', minimum: 1, applies_to: 'branch' },
        { kind: 3, period: 'month', minimum: 0, applies_to: 'party_group' },
      ],
    });
  });

  it("shows the server's error on the field it names", async () => {
    const { wrapper } = setup(['tenant_admin'], () => [
      409,
      { code: 'meetings.rule_version_taken', message: '已有同名的规则版本（服务器）', field: 'version' },
    ]);
    await flushPromises();
    await wrapper.get('[data-test="rule-add"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-test="rule-dialog"]')!;
    (dialog.querySelector('[data-test="rule-save"]') as HTMLButtonElement).click();
    await flushPromises();
    await vi.waitFor(() =>
      expect(dialog.querySelector('.el-form-item__error')?.textContent?.trim()).toBe('已有同名的规则版本（服务器）'),
    );
    expect(dialog.querySelector('.el-form-item.is-error [data-test="rule-version"]')).not.toBeNull();
  });
});
