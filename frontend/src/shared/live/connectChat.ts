/**
 * The monitor's chat over the real client. PROVISIONAL until chatClient.ts (branch chat) is
 * merged: reports a closed connection and refuses the host's commands.
 */
import { i18n } from '@/i18n';

import type { MonitorChat, MonitorChatFactory } from './monitorChat';

export const connectMonitorChat: MonitorChatFactory = (_url, listener): MonitorChat => {
  queueMicrotask(() => listener.connection('closed'));
  const refuse = () => Promise.reject(new Error(i18n.global.t('live.monitor.connection.closed')));
  return {
    answer: refuse,
    pin: refuse,
    unpin: refuse,
    mute: refuse,
    unmute: refuse,
    remove: refuse,
    setSlowMode: refuse,
    close: () => undefined,
  };
};
