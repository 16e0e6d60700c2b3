import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { LearningResource } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import ResourcesPanel from './ResourcesPanel.vue';

const resource = (changes: Partial<LearningResource>): Partial<LearningResource> => ({
  id: 'vid-1',
  kind: 'video',
  title: '党课视频',
  status: 'draft',
  category: null,
  category_name: '',
  showcase_status: 'none',
  media_status: 'processing',
  media_progress: 0.3,
  media_error: '',
  origin_name: '',
  tags: [],
  images: [],
  updated_at: '2026-05-01T08:00:00Z',
  published_at: null,
  ...changes,
});

async function mountPanel(answer: (call: FakeCall) => [number, unknown], props = { canManage: true }) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(ResourcesPanel, { props, global: { plugins: plugins as never[] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls };
}

const page = (rows: unknown[]) => ({ count: rows.length, results: rows });

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the resources panel', () => {
  it('polls a video being transcoded every 2 seconds until it is ready', async () => {
    const progress = [resource({ media_progress: 0.6 }), resource({ media_status: 'ready', media_progress: 1 })];
    const { wrapper, calls } = await mountPanel((call) => {
      if (call.url === '/api/v1/learning/categories') return [200, []];
      if (call.url.startsWith('/api/v1/learning/resources?')) return [200, page([resource({})])];
      if (call.url === '/api/v1/learning/resources/vid-1') return [200, progress.shift() ?? resource({})];
      return [404, {}];
    });
    const cell = () => wrapper.find('[data-test="resources-table"]');
    expect(cell().find('[data-test="media-progress"]').text()).toContain('30%');

    await vi.advanceTimersByTimeAsync(2000);
    await flushPromises();
    expect(cell().find('[data-test="media-progress"]').text()).toContain('60%');

    await vi.advanceTimersByTimeAsync(2000);
    await flushPromises();
    expect(cell().find('[data-test="media-progress"]').exists()).toBe(false);
    expect(cell().text()).toContain('已就绪');

    const polls = calls.filter((call) => call.url === '/api/v1/learning/resources/vid-1').length;
    expect(polls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.filter((call) => call.url === '/api/v1/learning/resources/vid-1')).toHaveLength(polls);
  });

  it('offers readers (group viewers) nothing to change', async () => {
    const { wrapper, calls } = await mountPanel(
      (call) => {
        if (call.url === '/api/v1/learning/categories') return [200, [{ id: 2, name: '党史', position: 1 }]];
        if (call.url.startsWith('/api/v1/learning/resources?')) {
          return [200, page([resource({ media_status: 'none', kind: 'article', status: 'published' })])];
        }
        return [404, {}];
      },
      { canManage: false },
    );
    expect(wrapper.find('[data-test="resource-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="resource-publish-action"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('已发布');
    expect(calls.filter((call) => call.method !== 'GET')).toEqual([]);
  });
});
