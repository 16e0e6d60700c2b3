import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import OrgTreeSelect from '@/console/components/OrgTreeSelect.vue';
import RolesView from '@/console/views/RolesView.vue';

import { fakeFetch, freshApp } from './helpers';

const ORG = { is_active: true, warnings: [], children_count: 0, full_members: 0, secretary: null };
const ORGANIZATIONS = [
  { ...ORG, id: 1, parent: null, kind: 'committee', name: '甲党委', depth: 0 },
  { ...ORG, id: 2, parent: 1, kind: 'branch', name: '第一党支部', depth: 1 },
];
const ASSIGNMENT = {
  id: 5,
  user: { id: 9, name: '李书记', phone: '150****0009' },
  role: 'secretary',
  role_label: '党组织书记',
  organization_id: 2,
  granted_at: '2026-12-01T08:00:00Z',
};
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

describe('role assignment', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('picks the scope from the org tree and shows it by name', { timeout: 60000 }, async () => {
    const calls = fakeFetch((call) => {
      if (call.url.startsWith('/api/v1/organizations/kinds')) return [200, { kinds: [] }];
      if (call.url.startsWith('/api/v1/organizations')) return [200, page(ORGANIZATIONS)];
      if (call.method === 'POST') return [201, { ...ASSIGNMENT, id: 6 }];
      return [200, page([ASSIGNMENT])];
    });
    const { plugins } = freshApp();
    const wrapper = mount(RolesView, { global: { plugins: plugins as never[] }, attachTo: document.body });
    await flushPromises();
    expect(wrapper.find('[data-test="roles-table"]').text()).toContain('第一党支部');
    // No typed number: the scope is a tree of the tenant's organizations.
    expect(wrapper.find('input[type="number"]').exists()).toBe(false);
    const picker = wrapper.findComponent(OrgTreeSelect);
    expect(picker.props('tree')).toMatchObject([{ name: '甲党委', children: [{ id: 2, name: '第一党支部' }] }]);
    picker.vm.$emit('update:modelValue', 2);
    await wrapper.find('input[name="identifier"]').setValue('15000000009');
    (wrapper.vm as unknown as { form: { role: string } }).form.role = 'secretary';
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const posted = calls.find((call) => call.method === 'POST');
    expect(posted?.body).toMatchObject({ identifier: '15000000009', role: 'secretary', organization_id: 2 });
  });
});
