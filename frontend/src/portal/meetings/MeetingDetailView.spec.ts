import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import MeetingDetailView from './MeetingDetailView.vue';

vi.mock('vant/es/toast/style', () => ({}));

const MEETING = {
  id: 7,
  title: '第四季度支部党员大会',
  kind: { id: 1, code: 'general_meeting', name: '支部党员大会' },
  organization: { id: 3, name: '机关党支部' },
  starts_at: '2026-12-20T07:00:00Z',
  ends_at: '2026-12-20T09:00:00Z',
  place: '三楼党员活动室',
  online_url: '',
  status: 'notified',
  my_status: 'invited',
  my_method: '',
  can_request_leave: true,
  can_sign_in: false,
  agenda: '一、学习传达上级会议精神',
  minutes: '',
  minutes_marking: 'internal',
  resolutions: [],
  leave_reason: '',
  signed_in_at: null,
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function open(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/meetings/:id', name: 'meeting', component: MeetingDetailView, props: { id: 7 } },
      { path: '/meetings/scan', name: 'meeting-scan', component: { template: '<p />' } },
    ],
  });
  await router.push('/meetings/7');
  const wrapper = mount(
    { template: '<router-view />' },
    { global: { plugins: [...(plugins as never[]), router] }, attachTo: document.body },
  );
  await flushPromises();
  return { wrapper, calls };
}

describe('a meeting in the portal', () => {
  it('shows where and when, the agenda, and no minutes before it is held', async () => {
    const { wrapper, calls } = await open(() => [200, MEETING]);
    expect(calls[0]!.url).toBe('/api/v1/meetings/mine/7');
    expect(wrapper.find('[data-test="meeting-detail-title"]').text()).toBe('第四季度支部党员大会');
    expect(wrapper.text()).toContain('三楼党员活动室');
    expect(wrapper.find('[data-test="meeting-detail-agenda"]').text()).toContain('学习传达上级会议精神');
    expect(wrapper.find('[data-test="meeting-detail-my-status"]').text()).toContain('待参加');
    expect(wrapper.find('[data-test="meeting-minutes"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="meeting-detail-scan"]').exists()).toBe(false);
  });

  it('shows the minutes and my sign-in once held', async () => {
    const held = {
      ...MEETING,
      status: 'held',
      my_status: 'present',
      my_method: 'qr',
      can_request_leave: false,
      signed_in_at: '2026-12-20T06:58:00Z',
      minutes: '<p>会议讨论通过了支部年度工作计划。</p>',
      resolutions: [{ id: 1, text: '通过年度工作计划', votes_for: 3, votes_against: 0, abstentions: 0, passed: true }],
    };
    const { wrapper } = await open(() => [200, held]);
    expect(wrapper.find('[data-test="meeting-minutes"]').html()).toContain('<p>会议讨论通过了支部年度工作计划。</p>');
    expect(wrapper.find('[data-test="meeting-detail-signed-in"]').text()).toContain('扫码签到');
    expect(wrapper.text()).toContain('通过年度工作计划');
    expect(wrapper.find('[data-test="meeting-detail-leave"]').exists()).toBe(false);
  });

  it('asks for leave with a reason, refusing an empty one', async () => {
    let asked = false;
    const { wrapper, calls } = await open((call) => {
      if (call.method === 'POST') {
        asked = true;
        return [200, { ...MEETING, my_status: 'leave_requested', can_request_leave: false }];
      }
      return [
        200,
        asked ? { ...MEETING, my_status: 'leave_requested', can_request_leave: false, leave_reason: '出差' } : MEETING,
      ];
    });
    await wrapper.find('[data-test="meeting-detail-leave"]').trigger('click');
    await flushPromises();
    const confirm = () => document.querySelector<HTMLButtonElement>('.van-dialog__confirm')!;
    confirm().click();
    await flushPromises();
    expect(document.body.textContent).toContain('请填写请假事由');
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);

    const reason = document.querySelector<HTMLTextAreaElement>('[data-test="leave-reason"] textarea')!;
    reason.value = '出差';
    reason.dispatchEvent(new Event('input'));
    confirm().click();
    await flushPromises();
    expect(calls.filter((call) => call.method === 'POST').map((call) => [call.url, call.body])).toEqual([
      ['/api/v1/meetings/mine/7/leave', { reason: '出差' }],
    ]);
    expect(wrapper.find('[data-test="meeting-detail-my-status"]').text()).toContain('请假待批');
  });
});
