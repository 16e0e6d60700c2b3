import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { AuditEvent } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import AuditLog from './AuditLog.vue';

const entry = (changes: Partial<AuditEvent>): AuditEvent =>
  ({
    id: 1,
    tenant: 3,
    tenant_name: '甲公司党委',
    actor: { id: 9, name: '张三', phone: '138****0000' },
    actor_name: '张三',
    actor_role: 'tenant_admin',
    actor_role_label: '单位管理员',
    operator: '张三（单位管理员）',
    action: 'read',
    action_label: '查看',
    event: 'member.idcard.read',
    details: {},
    target_type: 'members.member',
    target_type_label: '党员',
    target_id: '42',
    target_label: '刘志强',
    summary: '查看身份证号',
    note: '',
    ip_address: '10.0.0.8',
    origin: 'request',
    user_agent: '',
    created_at: '2026-12-01T08:00:00Z',
    ...changes,
  }) as AuditEvent;

const CATALOG = {
  actions: [{ code: 'read', label: '查看' }],
  events: [{ code: 'member.idcard.read', action: 'read', label: '查看身份证号' }],
  target_types: [{ code: 'members.member', label: '党员' }],
};

function answer(call: FakeCall): [number, unknown] {
  if (call.url.startsWith('/api/v1/audit-events/catalog')) return [200, CATALOG];
  if (call.url.startsWith('/api/v1/tenants')) return [200, { count: 0, next: null, previous: null, results: [] }];
  const rows = [
    entry({}),
    entry({ id: 2, actor: null, actor_name: '', operator: '系统任务', ip_address: null, summary: '导入党员（14人）' }),
  ];
  return [200, { count: rows.length, next: null, previous: null, results: rows }];
}

async function mountLog(group = false) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(AuditLog, {
    props: { group },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  await flushPromises();
  // el-table lays its rows out on the next tick after the data arrives.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await flushPromises();
  return { wrapper, calls };
}

enableAutoUnmount(afterEach);
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

// Element Plus tables and selects mount slowly on a busy machine.
describe('the audit log', { timeout: 30000 }, () => {
  it('shows who, what, which object and from where in Chinese', async () => {
    const { wrapper } = await mountLog();
    const text = wrapper.find('[data-test="audit-table"]').text();
    expect(text).toContain('张三（单位管理员）');
    expect(text).toContain('查看身份证号');
    expect(text).toContain('刘志强');
    expect(text).toContain('10.0.0.8');
    // A system task has no address: it says so instead of leaving the cell empty.
    expect(text).toContain('系统任务');
    expect(wrapper.find('[data-test="audit-tenant"]').exists()).toBe(false);
  });

  it('sends the operator filter and exports with the same filters', async () => {
    const { wrapper, calls } = await mountLog();
    await wrapper.find('input[data-test="audit-operator"]').setValue('张三');
    await wrapper.find('[data-test="audit-search"]').trigger('click');
    await flushPromises();
    expect(calls.at(-1)?.url).toContain(`operator=${encodeURIComponent('张三')}`);

    // The download is a plain fetch of the URL (with the session cookie), not a typed API call.
    const listing = globalThis.fetch;
    const downloads: string[] = [];
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x');
    // jsdom would follow the saved link and leave the page's origin for the next test.
    const saved = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      if (typeof input !== 'string') return listing(input);
      downloads.push(input);
      return new Response(new Blob(['xlsx']), { status: 200 });
    }) as typeof fetch;
    await wrapper.find('[data-test="audit-export"]').trigger('click');
    await flushPromises();
    expect(saved).toHaveBeenCalledOnce();
    expect(downloads).toEqual([`/api/v1/audit-events/export?operator=${encodeURIComponent('张三')}`]);
  });

  it('has a party committee filter and column on the group site', async () => {
    const { wrapper } = await mountLog(true);
    expect(wrapper.find('[data-test="audit-tenant"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="audit-table"]').text()).toContain('甲公司党委');
  });
});
