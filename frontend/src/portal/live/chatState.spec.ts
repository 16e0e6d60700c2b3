import { describe, expect, it } from 'vitest';

import { applyEvents, emptyView, sortedQuestions, type ChatEvent, type ChatMe } from './chatState';

const me: ChatMe = {
  user_id: 7,
  tenant: 't_a',
  name: '李红',
  unit: '一支部',
  display: '一支部·李红',
  is_host: false,
  muted: false,
};
const other = { tenant: 't_a', user_id: 8, name: '王静', unit: '二支部', display: '二支部·王静' };
const mine = { tenant: 't_a', user_id: 7, name: '李红', unit: '一支部', display: '一支部·李红' };
const at = '2026-12-07T10:00:00Z';

describe('applyEvents', () => {
  it('folds messages, questions, upvotes, answers and removals', () => {
    const events: ChatEvent[] = [
      { id: 1, at, kind: 'message', sender: other, text: '老师好' },
      { id: 2, at, kind: 'message', sender: mine, text: '收到' },
      { id: 3, at, kind: 'question', sender: other, text: '如何理解？', upvotes: 0, answered: false },
      { id: 4, at, kind: 'question', sender: mine, text: '第二问', upvotes: 0, answered: false },
      { id: 5, at, kind: 'upvotes', question_id: 4, upvotes: 3 },
      { id: 6, at, kind: 'answered', question_id: 3 },
      { id: 7, at, kind: 'removed', event_id: 1 },
    ];
    const view = applyEvents(emptyView(), events, me);
    expect(view.messages.map((line) => [line.id, line.mine])).toEqual([[2, true]]);
    expect(view.questions.map((q) => [q.id, q.upvotes, q.answered])).toEqual([
      [3, 0, true],
      [4, 3, false],
    ]);
    expect(sortedQuestions(view.questions).map((q) => q.id)).toEqual([4, 3]);
    expect(view.lastEventId).toBe(7);
  });

  it('skips events it has already applied (a resumed socket)', () => {
    const view = emptyView();
    const first: ChatEvent = { id: 1, at, kind: 'message', sender: other, text: 'a' };
    applyEvents(view, [first], me);
    applyEvents(view, [first, { id: 2, at, kind: 'message', sender: other, text: 'b' }], me);
    expect(view.messages.map((line) => line.text)).toEqual(['a', 'b']);
  });

  it('tracks the pinned notice, slow mode, my mute and the status', () => {
    const view = applyEvents(
      emptyView(),
      [
        { id: 1, at, kind: 'pinned', text: '请大家认真听讲' },
        { id: 2, at, kind: 'slow_mode', seconds: 30 },
        { id: 3, at, kind: 'muted', user: { tenant: 't_a', user_id: 8, display: '王静' } },
        { id: 4, at, kind: 'status', status: 'live' },
      ],
      me,
    );
    expect(view).toMatchObject({
      pinned: { text: '请大家认真听讲' },
      slowModeSeconds: 30,
      muted: false,
      status: 'live',
    });
    applyEvents(
      view,
      [
        { id: 5, at, kind: 'muted', user: { tenant: 't_a', user_id: 7, display: '李红' } },
        { id: 6, at, kind: 'unpinned' },
        { id: 7, at, kind: 'status', status: 'ended' },
      ],
      me,
    );
    expect(view).toMatchObject({ pinned: null, muted: true, status: 'ended' });
    applyEvents(view, [{ id: 8, at, kind: 'unmuted', user: { tenant: 't_a', user_id: 7, display: '李红' } }], me);
    expect(view.muted).toBe(false);
  });
});

describe('prependHistory', () => {
  it('puts older messages and questions in front, skipping ones already there', async () => {
    const { prependHistory } = await import('./chatState');
    const view = applyEvents(emptyView(), [{ id: 60, at, kind: 'message', sender: other, text: 'new' }], me);
    const added = prependHistory(
      view,
      [
        { id: 12, at, kind: 'message', sender: mine, text: 'b' },
        { id: 11, at, kind: 'message', sender: other, text: 'a' },
        { id: 13, at, kind: 'question', sender: other, text: 'q', upvotes: 2, answered: false },
        { id: 60, at, kind: 'message', sender: other, text: 'new' },
      ],
      me,
    );
    expect(added).toBe(3);
    expect(view.messages.map((line) => line.text)).toEqual(['a', 'b', 'new']);
    expect(view.questions.map((q) => q.text)).toEqual(['q']);
    expect(view.lastEventId).toBe(60);
  });
});
