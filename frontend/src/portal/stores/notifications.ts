import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import { getUnreadCount, listNotifications, markAllNotificationsRead, markNotificationRead } from '@/api/notifications';
import type { Notification, RealtimeMessage } from '@/api/types';

import { notificationsUrl, RealtimeChannel } from '../realtime';

const PAGE_SIZE = 20;

/** The member's notifications here: the unread count, the loaded pages, live pushes. */
export const useNotificationsStore = defineStore('notifications', () => {
  const unread = ref(0);
  const items = ref<Notification[]>([]);
  const page = ref(0);
  const finished = ref(false);
  const live = ref(false);
  const latest = shallowRef<Notification | null>(null);
  let channel: RealtimeChannel | null = null;

  async function refreshUnread(): Promise<void> {
    unread.value = (await getUnreadCount()).count;
  }

  /** The next page; `finished` once the last one is in. */
  async function loadMore(): Promise<void> {
    const result = await listNotifications({ page: page.value + 1, page_size: PAGE_SIZE });
    const known = new Set(items.value.map((item) => item.id));
    items.value.push(...(result.results as Notification[]).filter((item) => !known.has(item.id)));
    page.value += 1;
    finished.value = !result.next;
  }

  async function reload(): Promise<void> {
    items.value = [];
    page.value = 0;
    finished.value = false;
    await Promise.all([loadMore(), refreshUnread()]);
  }

  async function markRead(notification: Notification): Promise<void> {
    if (notification.read_at) return;
    const result = await markNotificationRead(notification.id);
    notification.read_at = new Date().toISOString();
    unread.value = result.count;
  }

  async function markAllRead(): Promise<void> {
    await markAllNotificationsRead();
    const now = new Date().toISOString();
    items.value.forEach((item) => (item.read_at ??= now));
    unread.value = 0;
  }

  /** A message from the WebSocket. */
  function receive(message: RealtimeMessage): void {
    if (message.type === 'hello') {
      unread.value = message.unread;
    } else if (message.type === 'notification') {
      unread.value = message.unread;
      if (!items.value.some((item) => item.id === message.notification.id)) {
        items.value.unshift(message.notification);
      }
      latest.value = message.notification;
    }
  }

  function connect(): void {
    if (channel) return;
    channel = new RealtimeChannel({
      url: notificationsUrl(),
      onMessage: receive,
      onStatus: (connected) => {
        live.value = connected;
      },
      // Refused: probably signed out; the API call lets the app's 401 handling take over.
      onRefused: () => void refreshUnread().catch(() => undefined),
    });
    channel.start();
  }

  /** Leaving the signed-in portal (sign-out, lost session): close the socket, forget the data. */
  function disconnect(): void {
    channel?.stop();
    channel = null;
    live.value = false;
    unread.value = 0;
    items.value = [];
    page.value = 0;
    finished.value = false;
    latest.value = null;
  }

  return {
    unread,
    items,
    finished,
    live,
    latest,
    refreshUnread,
    loadMore,
    reload,
    markRead,
    markAllRead,
    receive,
    connect,
    disconnect,
  };
});
