import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import StudyMeView from './StudyMeView.vue';

const STUDY = {
  rule_version: '2019.1',
  today: {
    reading_seconds: 2400,
    video_seconds: 600,
    credited_reading_seconds: 1920,
    credited_video_seconds: 600,
    reading_cap_seconds: 1920,
    video_cap_seconds: 3000,
  },
  month: { reading_seconds: 6000, video_seconds: 1200 },
  total: { reading_seconds: 60000, video_seconds: 12000 },
  completed_count: 4,
  recent: [
    {
      resource_uuid: 'r1',
      title: '加强党员教育管理',
      kind: 'article',
      seconds: 300,
      position: 0,
      completed_at: '2026-05-01T08:05:00Z',
      last_studied_at: '2026-05-01T08:05:00Z',
    },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('my study', () => {
  it('shows today against the caps as reference only, the month, the total and lately', async () => {
    fakeFetch(() => [200, STUDY]);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/learning/me', name: 'learning-me', component: StudyMeView },
        { path: '/learning', name: 'learning', component: { template: '<p />' } },
        { path: '/learning/item/:uuid', name: 'learning-item', component: { template: '<p />' } },
      ],
    });
    await router.push('/learning/me');
    const { plugins } = freshApp();
    const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
    await flushPromises();

    expect(wrapper.find('[data-test="reference-only"]').text()).toBe('积分仅供参考');
    const reading = wrapper.find('[data-test="today-reading"]');
    expect(reading.text()).toContain('32 / 32 分钟');
    expect(reading.text()).toContain('今日共学习 40 分钟，超出部分不计积分');
    expect(wrapper.find('[data-test="today-video"]').text()).toContain('10 / 50 分钟');
    expect(wrapper.find('[data-test="study-totals"]').text()).toContain('120');
    expect(wrapper.find('[data-test="study-totals"]').text()).toContain('1200');
    expect(wrapper.find('[data-test="study-recent"]').text()).toContain('加强党员教育管理');
  });
});
