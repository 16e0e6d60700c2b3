import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import type { LibraryItem } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import StudyReaderView from './StudyReaderView.vue';

vi.mock('vant/es/image-preview/style', () => ({}));

const item = (changes: Partial<LibraryItem>): LibraryItem => ({
  id: 'r1',
  kind: 'article',
  title: '加强党员教育管理',
  summary: '摘要',
  body_html: '<h3>一、总体要求</h3><p>全体党员要加强学习。</p>',
  link_url: '',
  category_name: '理论学习',
  tags: ['党员教育'],
  marking: 'internal',
  source: 'group',
  origin_name: '',
  published_at: '2026-05-01T08:00:00Z',
  cover_url: null,
  file: null,
  preview_urls: [],
  images: [],
  video: null,
  my_study: { seconds: 125, position: 0, completed: false },
  ...changes,
});

async function mountReader(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/learning', name: 'learning', component: { template: '<p />' } },
      { path: '/learning/item/:uuid', name: 'learning-item', component: StudyReaderView },
    ],
  });
  await router.push('/learning/item/r1');
  const { plugins } = freshApp();
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  mounted.add(wrapper);
  await flushPromises();
  return { wrapper, calls };
}

/** Readers still mounted: unmounted after each test, so nothing of one test runs into the next. */
const mounted = new Set<VueWrapper>();
function unmount(wrapper: VueWrapper): void {
  mounted.delete(wrapper);
  wrapper.unmount();
}

const beat = { counted_seconds: 0, reading_seconds: 0, video_seconds: 0 };

// The fixed van-nav-bar measures its height again 100, 200 and 300 ms after mounting (vant's
// useHeight, timers it never clears): with real timers these could fire after the test file's
// DOM is gone. Fake timers keep them from ever running; they are dropped after each test.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});

afterEach(async () => {
  mounted.forEach(unmount);
  await flushPromises();
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the reader', () => {
  it('shows an article and counts the reading with heartbeats for this resource', async () => {
    const { wrapper, calls } = await mountReader((call) =>
      call.method === 'GET' ? [200, item({})] : [200, { ...beat, completed: false }],
    );
    expect(wrapper.find('[data-test="reader-title"]').text()).toBe('加强党员教育管理');
    expect(wrapper.find('[data-test="reader-article"] h3').text()).toBe('一、总体要求');
    expect(wrapper.text()).toContain('集团共享');
    expect(wrapper.find('[data-test="reader-mine"]').text()).toContain('已学习 2 分钟');

    const beats = () => calls.filter((call) => call.url === '/api/v1/learning/study/heartbeats');
    expect(beats()[0]?.body).toMatchObject({ resource: 'r1', state: 'start' });
    unmount(wrapper);
    await flushPromises();
    expect(beats().at(-1)?.body).toMatchObject({ resource: 'r1', state: 'stop' });
  });

  it('shows a video still being transcoded, without counting anything', async () => {
    const video = { status: 'processing', progress: 0.4, duration_seconds: null, renditions: [], play_url: null };
    const { wrapper, calls } = await mountReader(() => [200, item({ kind: 'video', video } as Partial<LibraryItem>)]);
    expect(wrapper.find('[data-test="reader-video-wait"]').text()).toContain('视频正在转码');
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
  });

  it('says what went wrong when the resource cannot be read', async () => {
    const { wrapper } = await mountReader(() => [
      404,
      { code: 'not_found', message: '资源不存在或尚未发布', field: null },
    ]);
    expect(wrapper.find('[data-test="reader-error"]').text()).toContain('资源不存在或尚未发布');
  });
});
