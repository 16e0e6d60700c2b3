import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';
import { applicationServerKey } from '../push';

import NotificationSettingsView from './NotificationSettingsView.vue';

// Style side-imports of the toast (Node cannot load .css).
vi.mock('vant/es/toast/style', () => ({}));

const SETTINGS = {
  kinds: [
    { kind: 'general', label: '其他通知', channels: { push: true, email: false, sms: false } },
    { kind: 'transfers.overdue', label: '组织关系转接逾期', channels: { push: true, email: true, sms: true } },
  ],
  channels: [
    { channel: 'push', label: '手机推送', reachable: false, reason: '还没有手机开启推送。' },
    { channel: 'email', label: '邮件', reachable: true, reason: '' },
    { channel: 'sms', label: '短信', reachable: true, reason: '' },
  ],
  quiet_hours: { enabled: true, start: '22:00', end: '07:00' },
  push: { public_key: 'BCf9iVRK8w_EOLu9', devices: 0 },
};

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/me/notifications', component: NotificationSettingsView }],
  });
  await router.push('/me/notifications');
  const { plugins } = freshApp();
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  await flushPromises();
  return wrapper;
}

afterEach(() => vi.unstubAllGlobals());

describe('notification settings', () => {
  it('shows each kind with its channels and saves one switch at a time', async () => {
    const calls = fakeFetch(() => [200, SETTINGS]);
    const wrapper = await mountView();

    expect(wrapper.findAll('[data-test="kind"]').map((kind) => kind.find('.van-cell-group__title').text())).toEqual([
      '其他通知',
      '组织关系转接逾期',
    ]);
    expect(wrapper.find('[data-test="switch-transfers.overdue-sms"]').classes()).toContain('van-switch--on');
    expect(wrapper.find('[data-test="switch-general-sms"]').classes()).not.toContain('van-switch--on');
    expect(wrapper.find('[data-test="unreachable"]').text()).toBe('手机推送暂不可用：还没有手机开启推送。');
    expect(wrapper.find('[data-test="quiet-start"]').text()).toContain('22:00');

    await wrapper.find('[data-test="switch-general-email"]').trigger('click');
    await flushPromises();
    const put = calls.find((call) => call.method === 'PUT');
    expect(put?.url).toBe('/api/v1/notifications/settings');
    expect(put?.body).toEqual({ preferences: [{ kind: 'general', channel: 'email', enabled: true }] });
  });

  it('tells an iPhone user in a Safari tab to add the portal to the home screen first', async () => {
    vi.stubGlobal('navigator', { ...navigator, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)' });
    fakeFetch(() => [200, SETTINGS]);
    const wrapper = await mountView();
    expect(wrapper.find('[data-test="push-install-first"]').text()).toContain('添加到主屏幕');
    expect(wrapper.find('[data-test="push-enable"]').exists()).toBe(false);
  });

  it('turns the VAPID key into the bytes the PushManager wants', () => {
    expect([...applicationServerKey('AQID_w')]).toEqual([1, 2, 3, 255]);
  });
});
