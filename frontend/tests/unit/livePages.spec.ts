/**
 * The live pages the console and the group site share (issue 14's clean-up of issue 13's copies):
 * the lesson list's filters and links, the sensitive words page, the monitor route and the
 * attendance frame, as each front end mounts them.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { groupLessonApi, tenantLessonApi } from '@/api/live';
import GroupAttendanceView from '@/group/live/AttendanceView.vue';
import GroupLessonsView from '@/group/live/LessonsView.vue';

import LessonFilters from '@/shared/live/LessonFilters.vue';
import MonitorPage from '@/shared/live/MonitorPage.vue';
import MonitorView from '@/shared/live/MonitorView.vue';
import SensitiveWordsPage from '@/shared/live/SensitiveWordsPage.vue';

import { fakeFetch, freshApp, type FakeCall } from './helpers';

const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });
const COUNTS = { expected: 10, present: 7, partly: 1, absent: 2, replay: 1, rate: 70 };

async function mountAt(path: string, component: unknown, answer: (call: FakeCall) => [number, unknown], props = {}) {
  const calls = fakeFetch(answer);
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/live', name: 'live', component: stub },
      { path: '/live/:id/monitor', name: 'live-monitor', component: stub },
      { path: '/live/:id/attendance', name: 'live-attendance', component: stub },
      { path: '/live/sensitive-words', name: 'live-words', component: stub },
    ],
  });
  await router.push(path);
  const { plugins } = freshApp();
  const wrapper = mount(component as never, {
    props: props as never,
    global: { plugins: [...(plugins as never[]), router], stubs: { LiveMonitor: true, LivePlayer: true } },
  });
  await flushPromises();
  return { wrapper, calls, router };
}

afterEach(() => vi.unstubAllGlobals());

describe('the shared live pages', { timeout: 60000 }, () => {
  it('lists group lessons with the shared filters, and leaves the words to group admins', async () => {
    const { wrapper, calls } = await mountAt('/live', GroupLessonsView, () => [200, page([])]);
    expect(calls[0]?.url).toBe('/api/v1/group/live/lessons?page=1&page_size=20');
    const filters = wrapper.findComponent(LessonFilters);
    filters.vm.$emit('update:status', 'live');
    filters.vm.$emit('change');
    await flushPromises();
    expect(calls.at(-1)?.url).toBe('/api/v1/group/live/lessons?page=1&page_size=20&status=live');
    expect(wrapper.find('[data-test="sensitive-words-link"]').exists()).toBe(false); // not a group admin
  });

  it("shows the group's sensitive words under the group's title", async () => {
    const { wrapper, calls } = await mountAt('/live/sensitive-words', SensitiveWordsPage, () => [200, page([])], {
      group: true,
    });
    expect(calls[0]?.url).toContain('/api/v1/group/live/sensitive-words');
    expect(wrapper.find('[data-test="words-title"]').text()).not.toBe('');
    const tenant = await mountAt('/live/sensitive-words', SensitiveWordsPage, () => [200, page([])]);
    expect(tenant.calls[0]?.url).toContain('/api/v1/live/sensitive-words');
    expect(tenant.wrapper.find('[data-test="words-title"]').text()).not.toBe(
      wrapper.find('[data-test="words-title"]').text(),
    );
  });

  it('opens the monitor with the API of its scope (the preview only for tenant lessons)', async () => {
    const answer = (): [number, unknown] => [404, { code: 'x', message: 'x', field: null }];
    const group = await mountAt('/live/7/monitor', MonitorView, answer, { scope: 'group' });
    const monitor = group.wrapper.findComponent(MonitorPage);
    expect(monitor.props()).toMatchObject({ id: 7, api: groupLessonApi, preview: false });
    monitor.vm.$emit('attendance');
    await flushPromises();
    expect(group.router.currentRoute.value.fullPath).toBe('/live/7/attendance');
    const tenant = await mountAt('/live/8/monitor', MonitorView, answer);
    expect(tenant.wrapper.findComponent(MonitorPage).props()).toMatchObject({
      id: 8,
      api: tenantLessonApi,
      preview: true,
    });
  });

  it("frames a group lesson's attendance: title, status, totals, the table per subsidiary", async () => {
    const { wrapper } = await mountAt('/live/3/attendance', GroupAttendanceView, (call) =>
      call.url.endsWith('/attendance')
        ? [
            200,
            { lesson: {}, actual_seconds: 3600, totals: COUNTS, tenants: [{ ...COUNTS, tenant: 1, name: '甲公司' }] },
          ]
        : [200, { id: 3, title: '集团党课', status: 'ended', audience_tenants: [] }],
    );
    const frame = wrapper.find('[data-test="attendance-page"]');
    expect(frame.find('h2').text()).toContain('集团党课');
    expect(frame.find('[data-test="attendance-present"]').text()).toBe('7');
    expect(frame.find('[data-test="attendance-units"]').text()).toContain('甲公司');
    expect(frame.text()).toContain('60');
  });
});
