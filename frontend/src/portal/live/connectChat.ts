/**
 * The live page's chat source over the shared client (`LiveChat`, shared/live/chatClient.ts):
 * reconnects, resumes after the last event, dedupes, settles commands by `ack`/`refused`.
 * Likes reach it already aggregated by the room (one per second at most, the first tap at once:
 * shared/live/likeAggregator.ts), so the client sends them as they come (`likeInterval: 0`).
 */
import { LiveChat } from '@/shared/live/chatClient';

import type { ChatConnector, ChatHandlers, ChatSource } from './chatSource';

function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

export const connectChat: ChatConnector = (chatPath: string, handlers: ChatHandlers): ChatSource => {
  let viewers = 0;
  let likes = 0;
  const chat = new LiveChat({
    url: socketUrl(chatPath),
    likeInterval: 0,
    onWelcome: (welcome) => handlers.welcome(welcome),
    onEvents: (events, fresh) => handlers.events(events, fresh),
    onViewers: (count) => {
      viewers = count;
      handlers.counts(viewers, likes);
    },
    onLikes: (count) => {
      likes = count;
      handlers.counts(viewers, likes);
    },
    onMe: (me) => handlers.me(me),
    onLessonStatus: (status) => handlers.status(status),
    onConnection: (state) => handlers.connection(state),
    onClosed: (code) => handlers.connection('closed', code),
  });
  chat.start();
  return {
    say: (text) => chat.say(text),
    ask: (text) => chat.ask(text),
    upvote: (questionId) => chat.upvote(questionId),
    like: (count) => chat.like(count),
    close: () => chat.stop(),
  };
};
