import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { useSessionStore } from '@/stores/session';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import TemplateEditorView from './TemplateEditorView.vue';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const row = (id: number, area: string, title: string, weight: string) => ({
  id,
  position: id,
  area,
  title,
  description: '',
  weight,
  scoring: 'binary',
  levels: [],
  target: null,
  evidence_required: '',
  evidence_source: 'manual',
  deadline: null,
});
const TEMPLATE = {
  id: 4,
  year: 2026,
  title: '2026 年度党建工作任务书',
  status: 'draft',
  version: 0,
  indicator_limit: 2,
  submit_by: null,
  published_at: null,
  indicator_count: 3,
  weight_total: '90.00',
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  warnings: [],
  indicators: [
    row(1, '政治建设', '理论学习', '30.00'),
    row(2, '组织建设', '三会一课', '40.00'),
    row(3, '组织建设', '主题党日', '20.00'),
  ],
};

async function setup() {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const calls = fakeFetch((call) => {
    if (call.url.endsWith('/publish'))
      return [
        200,
        { template: { ...TEMPLATE, status: 'published', version: 1 }, delivered: 3, updated: 0, unchanged: 0 },
      ];
    if (call.method === 'PATCH') return [200, TEMPLATE];
    return [200, TEMPLATE];
  });
  const { plugins } = freshApp();
  useSessionStore().me = { group_roles: ['group_admin'], current_tenant: null } as never;
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/task-books/templates/:id', name: 'task-book-template', component: TemplateEditorView },
      { path: '/task-books', name: 'task-books', component: { template: '<div />' } },
    ],
  });
  await router.push('/task-books/templates/4');
  const wrapper = mount(TemplateEditorView, {
    global: { plugins: [...(plugins as never[]), router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { calls, wrapper };
}

describe('the template editor', () => {
  it('disables publishing with the reason until the weights total 100, warns above the limit, then publishes', async () => {
    const { calls, wrapper } = await setup();
    expect(wrapper.find('[data-test="template-publish"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-test="publish-blocked"]').text()).toContain('还差 10.00');
    expect(wrapper.find('[data-test="limit-warning"]').text()).toContain('超过上限 2 项');

    await wrapper.find('input[data-test="weight-input-主题党日"]').setValue('30');
    await flushPromises();
    expect(wrapper.find('[data-test="publish-blocked"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="template-publish"]').attributes('disabled')).toBeUndefined();

    await wrapper.find('[data-test="template-publish"]').trigger('click');
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    expect(document.querySelector('.el-message-box__message')?.textContent).toContain('3 项指标');
    (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    // The changed weight is saved first, then the template is published.
    const writes = calls.filter((call) => call.method !== 'GET').map((call) => [call.method, call.url, call.body]);
    expect(writes).toEqual([
      ['PATCH', '/api/v1/group/task-books/templates/4/indicators/3', expect.objectContaining({ weight: '30' })],
      ['POST', '/api/v1/group/task-books/templates/4/publish', undefined],
    ]);
    expect(document.body.textContent).toContain('已发布，已下达 3 家单位');
  });
});
