/** The monitor's chat over the real client (`LiveChat`, chatClient.ts). */
import { LiveChat, type ChatEvent as ClientEvent } from './chatClient';
import type { MonitorChat, MonitorChatFactory } from './monitorChat';
import type { ChatEvent } from './monitorModel';

/** `ws(s)://<this host><path>` for a path such as `/ws/live/tenant/5`. */
export function socketUrl(path: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

const asEvents = (events: ClientEvent[]) => events as unknown as ChatEvent[];

export const connectMonitorChat: MonitorChatFactory = (path, listener): MonitorChat => {
  const chat = new LiveChat({
    url: socketUrl(path),
    onWelcome: (welcome) => listener.welcome({ ...welcome, events: asEvents(welcome.events) }),
    onEvents: (events, fresh) => listener.events(asEvents(events), fresh),
    onViewers: () => listener.counts(chat.viewers, chat.likes),
    onLikes: () => listener.counts(chat.viewers, chat.likes),
    onConnection: (state) => listener.connection(state),
    onClosed: () => listener.connection('closed'),
  });
  chat.start();
  return {
    answer: (questionId) => chat.answer(questionId),
    pin: (text) => chat.pin(text),
    unpin: () => chat.unpin(),
    mute: (user) => chat.mute({ tenant: user.tenant, user_id: user.user_id }),
    unmute: (user) => chat.unmute({ tenant: user.tenant, user_id: user.user_id }),
    remove: (eventId) => chat.remove(eventId),
    setSlowMode: (seconds) => chat.setSlowMode(seconds),
    close: () => chat.stop(),
  };
};
