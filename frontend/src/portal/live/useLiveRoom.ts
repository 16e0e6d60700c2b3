/**
 * The live page's chat room: the socket's events folded into a reactive view (chatState.ts),
 * the viewer and like counts, the connection state, and the actions. Likes are aggregated
 * (one `like` per second at most). Closes the socket when the page goes.
 */
import { getCurrentScope, onScopeDispose, reactive, ref } from 'vue';

import { createLikeAggregator } from '@/shared/live/likeAggregator';

import { applyEvents, emptyView, type ChatMe, type ChatView } from './chatState';
import type { ChatConnector, ChatSource, ConnectionState } from './chatSource';

export function useLiveRoom(chatUrl: string, connector: ChatConnector) {
  const view = reactive<ChatView>(emptyView());
  const me = ref<ChatMe | null>(null);
  const viewers = ref<number | null>(null);
  const likes = ref(0);
  const connection = ref<ConnectionState>('connecting');
  const closeCode = ref<number | null>(null);
  /** Likes I tapped that the server has not counted back yet (shown at once). */
  const myUncounted = ref(0);

  const source: ChatSource = connector(chatUrl, {
    welcome(welcome) {
      me.value = welcome.me;
      view.muted = welcome.me.muted;
      view.pinned = welcome.pinned;
      view.slowModeSeconds = welcome.slow_mode_seconds;
      viewers.value = welcome.viewers;
      likes.value = welcome.likes;
      myUncounted.value = 0;
    },
    events(events, fresh) {
      if (fresh) {
        // Could not resume: the room's list starts over (the pinned notice etc. came with the welcome).
        const { pinned, slowModeSeconds, muted, status } = view;
        Object.assign(view, emptyView(), { pinned, slowModeSeconds, muted, status });
      }
      applyEvents(view, events, me.value);
    },
    me(now) {
      me.value = now;
      view.muted = now.muted;
    },
    status(status) {
      if (status === 'live' || status === 'ended') view.status = status;
    },
    counts(nowViewers, nowLikes) {
      viewers.value = nowViewers;
      if (nowLikes >= likes.value) {
        myUncounted.value = Math.max(0, myUncounted.value - (nowLikes - likes.value));
        likes.value = nowLikes;
      }
    },
    connection(state, code) {
      connection.value = state;
      closeCode.value = code ?? null;
    },
  });

  const aggregator = createLikeAggregator({ send: (count) => source.like(count) });
  function like(): void {
    myUncounted.value += 1;
    aggregator.tap();
  }

  function close(): void {
    aggregator.dispose();
    source.close();
  }
  if (getCurrentScope()) onScopeDispose(close);

  return {
    view,
    me,
    viewers,
    likes,
    myUncounted,
    connection,
    closeCode,
    say: (text: string) => source.say(text),
    ask: (text: string) => source.ask(text),
    upvote: (questionId: number) => source.upvote(questionId),
    like,
    close,
  };
}

export type LiveRoom = ReturnType<typeof useLiveRoom>;
