import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';

import NotificationBell from '@/portal/components/NotificationBell.vue';
import { useNotificationsStore } from '@/portal/stores/notifications';

import { freshApp } from './helpers';

function mountBell() {
  const { plugins } = freshApp();
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p/>' } },
      { path: '/notifications', name: 'notifications', component: { template: '<p/>' } },
    ],
  });
  const wrapper = mount(NotificationBell, { global: { plugins: [...(plugins as never[]), router] } });
  return { wrapper, store: useNotificationsStore() };
}

const badge = (wrapper: ReturnType<typeof mountBell>['wrapper']) => wrapper.find('.van-badge');

describe('the notifications badge', () => {
  it('shows nothing when everything is read', () => {
    const { wrapper } = mountBell();
    expect(badge(wrapper).exists()).toBe(false);
  });

  it('shows the unread count, and 99+ beyond 99', async () => {
    const { wrapper, store } = mountBell();
    store.unread = 7;
    await nextTick();
    expect(badge(wrapper).text()).toBe('7');
    store.unread = 120;
    await nextTick();
    expect(badge(wrapper).text()).toBe('99+');
  });

  it('follows the count the WebSocket pushes', async () => {
    const { wrapper, store } = mountBell();
    store.receive({ type: 'hello', tenant: 'alpha', unread: 2 });
    await nextTick();
    expect(badge(wrapper).text()).toBe('2');
    const notification = {
      id: 9,
      title: '支部大会通知',
      body: '',
      link: '',
      kind: 'general' as const,
      created_at: '2026-05-01T09:00:00Z',
      read_at: null,
    };
    store.receive({ type: 'notification', notification, unread: 3 });
    await nextTick();
    expect(badge(wrapper).text()).toBe('3');
    expect(store.items[0]?.title).toBe('支部大会通知');
  });

  it('links to the notifications page with a Chinese label', () => {
    const { wrapper } = mountBell();
    const link = wrapper.find('[data-test="notification-bell"]');
    expect(link.attributes('href')).toBe('/notifications');
    expect(link.attributes('aria-label')).toBe('消息通知');
  });
});
