import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import QrSignInView from './QrSignInView.vue';

const NOW = Date.parse('2026-12-07T02:00:00Z');
const attendee = (id: number, status: string) => ({
  id,
  name: `党员${id}`,
  is_guest: false,
  has_vote: true,
  status,
  absence_reason: '',
  leave_reason: '',
  method: status === 'present' ? 'qr' : '',
  signed_in_at: null,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the QR sign-in screen', () => {
  it('shows the rotating code as a data URL image, the meeting and the live count', async () => {
    let codes = 0;
    let present = 1;
    const calls = fakeFetch((call) => {
      if (call.url === '/api/v1/meetings/7/qr') {
        codes += 1;
        return [
          200,
          {
            url: `https://a.example/meetings/7/sign-in?code=c${codes}`,
            code: `c${codes}`,
            expires_at: new Date(Date.now() + 60_000).toISOString(),
            window_seconds: 30,
            svg_data_url: `data:image/svg+xml;base64,Yz${codes}`,
          },
        ];
      }
      return [
        200,
        {
          id: 7,
          title: '第四季度支部党员大会',
          kind: { id: 1, code: 'general_meeting', name: '支部党员大会' },
          organization: { id: 3, name: '第一支部' },
          starts_at: '2026-12-07T10:00:00+08:00',
          ends_at: '2026-12-07T11:30:00+08:00',
          place: '三楼会议室',
          online_url: '',
          status: 'notified',
          invited: 3,
          present,
          attendance_rate: null,
          attendees: [attendee(1, 'present'), attendee(2, present > 1 ? 'present' : 'invited'), attendee(3, 'invited')],
          permissions: { can_edit: true, can_sign_in_others: true },
        },
      ];
    });
    const { plugins } = freshApp();
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/meetings/:id/sign-in-screen', name: 'meeting-signin-screen', component: QrSignInView },
        { path: '/meetings/:id', name: 'meeting', component: { template: '<div />' } },
      ],
    });
    await router.push('/meetings/7/sign-in-screen');
    const wrapper = mount(QrSignInView, { global: { plugins: [...(plugins as never[]), router] } });
    await flushPromises();

    expect(wrapper.get('[data-test="signin-qr"]').attributes('src')).toBe('data:image/svg+xml;base64,Yz1');
    expect(wrapper.get('[data-test="signin-title"]').text()).toBe('第四季度支部党员大会');
    expect(wrapper.get('[data-test="signin-count"]').text().replace(/\s/g, '')).toBe('1/3');

    // A member signs in: the next poll (5 s) shows it; the code changes at 25 s.
    present = 2;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(wrapper.get('[data-test="signin-count"]').text().replace(/\s/g, '')).toBe('2/3');
    expect(wrapper.get('[data-test="signin-qr"]').attributes('src')).toBe('data:image/svg+xml;base64,Yz1');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(wrapper.get('[data-test="signin-qr"]').attributes('src')).toBe('data:image/svg+xml;base64,Yz2');
    expect(calls.filter((c) => c.url.endsWith('/qr'))).toHaveLength(2);
    wrapper.unmount();
  });
});
