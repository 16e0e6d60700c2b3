import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ReindexJob } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import SearchMaintenance from './SearchMaintenance.vue';

const job = (changes: Partial<ReindexJob>): ReindexJob => ({
  id: 7,
  scope: 'all',
  owner_tenant: 'public',
  status: 'queued',
  total: 0,
  done: 0,
  progress: 0,
  error: '',
  requested_by: 1,
  created_at: '2026-05-01T00:00:00Z',
  started_at: null,
  finished_at: null,
  ...changes,
});

async function mountButton(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(SearchMaintenance, {
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls };
}

async function confirm(): Promise<void> {
  await vi.advanceTimersByTimeAsync(50);
  (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement).click();
  await vi.advanceTimersByTimeAsync(50);
  await flushPromises();
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('search data maintenance (platform operators)', () => {
  it('starts a job and follows its progress until it is done', async () => {
    const states = [
      job({ status: 'running', total: 40, done: 10, progress: 25 }),
      job({ status: 'done', total: 40, done: 40, progress: 100 }),
    ];
    const { wrapper, calls } = await mountButton((call) => {
      if (call.method === 'POST') return [202, { job: job({}) }];
      if (call.url === '/api/v1/search/reindex') return [200, []];
      if (call.url === '/api/v1/search/reindex/7') return [200, states.shift() ?? job({ status: 'done' })];
      return [404, {}];
    });
    await wrapper.find('[data-test="reindex-start"]').trigger('click');
    await confirm();
    expect(calls.some((call) => call.method === 'POST' && call.url === '/api/v1/search/reindex')).toBe(true);
    expect(wrapper.find('[data-test="reindex-start"]').text()).toBe('正在重建…');

    await vi.advanceTimersByTimeAsync(1600);
    await flushPromises();
    expect(wrapper.find('[data-test="reindex-progress"]').text()).toContain('已处理 10 / 40');

    await vi.advanceTimersByTimeAsync(1600);
    await flushPromises();
    expect(wrapper.find('[data-test="reindex-progress"]').text()).toContain('已完成，共 40 条');
    expect(wrapper.find('[data-test="reindex-start"]').text()).toBe('重建搜索数据');
    const polls = calls.filter((call) => call.url === '/api/v1/search/reindex/7').length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.filter((call) => call.url === '/api/v1/search/reindex/7')).toHaveLength(polls); // Stopped.
  });

  it("explains in a party worker's words that search keeps itself current", async () => {
    const { wrapper } = await mountButton(() => [200, []]);
    expect(wrapper.text()).toContain('搜索数据维护');
    expect(wrapper.text()).toContain('每 15 分钟');
    expect(wrapper.text()).not.toContain('重建索引');
  });

  it('picks up a job already under way instead of starting a second one', async () => {
    const running = job({ id: 9, status: 'running', total: 10, done: 3, progress: 30 });
    const { wrapper, calls } = await mountButton((call) => {
      if (call.url === '/api/v1/search/reindex') return [200, [running]];
      if (call.url === '/api/v1/search/reindex/9') return [200, running];
      return [404, {}];
    });
    expect(wrapper.find('[data-test="reindex-progress"]').text()).toContain('已处理 3 / 10');
    await vi.advanceTimersByTimeAsync(1600);
    expect(calls.filter((call) => call.url === '/api/v1/search/reindex/9').length).toBeGreaterThan(0);
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
  });
});
