import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import SignInView from './SignInView.vue';

afterEach(() => vi.unstubAllGlobals());

async function open(path: string, answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      {
        path: '/meetings/:id(\\d+)/sign-in',
        name: 'meeting-sign-in',
        component: SignInView,
        props: (route) => ({ id: Number(route.params.id) }),
      },
      { path: '/meetings', name: 'meetings', component: stub },
      { path: '/meetings/:id(\\d+)', name: 'meeting', component: stub },
      { path: '/meetings/scan', name: 'meeting-scan', component: stub },
      { path: '/', name: 'home', component: stub },
    ],
  });
  await router.push(path);
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  await flushPromises();
  return { wrapper, calls };
}

describe('the sign-in page the QR code opens', () => {
  it('signs in with the code of the URL and says so', async () => {
    const { wrapper, calls } = await open('/meetings/42/sign-in?code=ABCDEF', () => [
      200,
      { status: 'present', method: 'qr', signed_in_at: '2026-12-07T12:01:00Z' },
    ]);
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/meetings/42/sign-in', { code: 'ABCDEF' }],
    ]);
    expect(wrapper.find('[data-test="signin-result"]').attributes('data-outcome')).toBe('signed_in');
    expect(wrapper.find('[data-test="signin-title"]').text()).toBe('签到成功');
    expect(wrapper.find('[data-test="signin-detail"]').text()).toMatch(/^签到时间：2026-12-07 \d\d:01$/);
  });

  it('says already signed in on a second scan', async () => {
    const { wrapper } = await open('/meetings/42/sign-in?code=ABCDEF', () => [
      200,
      { status: 'present', method: 'qr', signed_in_at: '2026-12-07T12:01:00Z', already: true },
    ]);
    expect(wrapper.find('[data-test="signin-title"]').text()).toBe('您已签到');
  });

  it('asks for the newest code when the code expired, and offers to scan again', async () => {
    const { wrapper } = await open('/meetings/42/sign-in?code=OLDCODE', () => [
      400,
      { code: 'meetings.signin_code_invalid', message: '签到码错误或已过期，请重新扫码。', field: 'code' },
    ]);
    expect(wrapper.find('[data-test="signin-title"]').text()).toBe('二维码已过期');
    expect(wrapper.find('[data-test="signin-detail"]').text()).toBe('请扫描屏幕上的最新二维码');
    expect(wrapper.find('[data-test="signin-rescan"]').exists()).toBe(true);
  });

  it('says not invited, without the way to the meeting', async () => {
    const { wrapper } = await open('/meetings/42/sign-in?code=ABCDEF', () => [
      403,
      { code: 'meetings.not_invited', message: '您不是本次会议的参会人员。', field: null },
    ]);
    expect(wrapper.find('[data-test="signin-title"]').text()).toBe('您不在本次会议的参会名单中');
    expect(wrapper.find('[data-test="signin-open-meeting"]').exists()).toBe(false);
  });

  it('sends nothing without a code', async () => {
    const { wrapper, calls } = await open('/meetings/42/sign-in', () => [500, {}]);
    expect(calls).toEqual([]);
    expect(wrapper.find('[data-test="signin-result"]').attributes('data-outcome')).toBe('no_code');
  });
});
