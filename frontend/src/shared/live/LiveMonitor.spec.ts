import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import LiveMonitor from './LiveMonitor.vue';
import type { MonitorChat, MonitorListener } from './monitorChat';
import type { ChatEvent, ChatSender } from './monitorModel';

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const zhang: ChatSender = { tenant: 't_power', user_id: 11, name: '张三', unit: '中能电力', display: '中能电力·张三' };
const li: ChatSender = { tenant: 't_grid', user_id: 12, name: '李四', unit: '华北电网', display: '华北电网·李四' };
const at = '2026-12-07T06:30:00Z';
const say = (id: number, sender: ChatSender, text: string): ChatEvent => ({ id, kind: 'message', at, sender, text });
const ask = (id: number, sender: ChatSender, text: string, upvotes = 0): ChatEvent => ({
  id,
  kind: 'question',
  at,
  sender,
  text,
  upvotes,
  answered: false,
});

/** A LiveChat stand-in: the test speaks as the server through `listener`, commands are spies. */
function fakeChat() {
  let listener!: MonitorListener;
  const chat = {
    answer: vi.fn(async () => undefined),
    pin: vi.fn(async () => undefined),
    unpin: vi.fn(async () => undefined),
    mute: vi.fn(async () => undefined),
    unmute: vi.fn(async () => undefined),
    remove: vi.fn(async () => undefined),
    setSlowMode: vi.fn(async () => undefined),
    close: vi.fn(),
  } satisfies MonitorChat;
  const factory = vi.fn((_url: string, given: MonitorListener) => {
    listener = given;
    return chat;
  });
  return { chat, factory, server: () => listener };
}

function mountMonitor(factory: ReturnType<typeof fakeChat>['factory'], extra: Record<string, unknown> = {}) {
  const { plugins } = freshApp();
  return mount(LiveMonitor, {
    props: {
      title: '学习党章',
      status: 'scheduled',
      startsAt: '2026-12-07T06:00:00Z',
      plannedEndAt: '2026-12-07T07:30:00Z',
      chatUrl: '/ws/live/tenant/5',
      factory,
      ...extra,
    },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
}

const texts = (wrapper: ReturnType<typeof mountMonitor>, test: string) =>
  wrapper.findAll(`[data-test="${test}"] .pc-monitor-text`).map((node) => node.text());

describe('the live monitor', () => {
  it('opens the chat of its lesson, shows the welcome and switches state from status events', async () => {
    const { factory, server } = fakeChat();
    const wrapper = mountMonitor(factory);
    expect(factory).toHaveBeenCalledWith('/ws/live/tenant/5', expect.anything());
    expect(wrapper.get('[data-test="monitor-state"]').text()).toContain('直播尚未开始');

    server().connection('open');
    server().welcome({
      lesson: { status: 'scheduled' },
      viewers: 37,
      likes: 120,
      pinned: { text: '请各支部组织集中收看', at },
      slow_mode_seconds: 30,
      events: [say(1, zhang, '大家好'), ask(2, li, '第三章怎么理解？', 2)],
    });
    await flushPromises();
    expect(wrapper.get('[data-test="monitor-viewers"]').text()).toContain('37 人在线');
    expect(wrapper.get('[data-test="monitor-likes"]').text()).toContain('120');
    expect(wrapper.get('[data-test="pinned-text"]').text()).toBe('请各支部组织集中收看');
    expect(wrapper.get('[data-test="monitor-connection"]').text()).toContain('已连接');
    expect(texts(wrapper, 'chat-line')).toEqual(['大家好']);
    expect(texts(wrapper, 'question-line')).toEqual(['第三章怎么理解？']);

    server().events([{ id: 3, kind: 'status', at, status: 'live' }]);
    await flushPromises();
    expect(wrapper.get('[data-test="lesson-status"]').text()).toBe('直播中');
    expect(wrapper.emitted('status')).toEqual([['live']]);
    server().events([{ id: 9, kind: 'status', at, status: 'ended' }]);
    await flushPromises();
    expect(wrapper.get('[data-test="monitor-state"]').text()).toContain('直播已结束');
  });

  it('applies batches once each, in id order: removals, upvotes, answers, mutes, slow mode', async () => {
    const { factory, server } = fakeChat();
    const wrapper = mountMonitor(factory);
    server().welcome({ viewers: 2, likes: 0, pinned: null, slow_mode_seconds: 0, events: [say(1, zhang, '第一条')] });
    // A resumed batch repeats event 1 and arrives out of order.
    server().events([
      ask(4, li, '问题B', 1),
      say(1, zhang, '第一条'),
      ask(3, zhang, '问题A', 0),
      say(2, li, '第二条'),
      { id: 5, kind: 'upvotes', at, question_id: 3, upvotes: 6 },
      { id: 6, kind: 'removed', at, event_id: 2 },
      { id: 7, kind: 'muted', at, user: { tenant: 't_power', user_id: 11, display: '中能电力·张三' } },
      { id: 8, kind: 'slow_mode', at, seconds: 60 },
    ]);
    server().counts(40, 9);
    await flushPromises();
    expect(texts(wrapper, 'chat-line')).toEqual(['第一条']);
    // Sorted by upvotes: A (6) before B (1).
    expect(texts(wrapper, 'question-line')).toEqual(['问题A', '问题B']);
    expect(wrapper.get('[data-test="chat-line"]').text()).toContain('已禁言');
    expect(wrapper.get('[data-test="muted-user"]').text()).toContain('中能电力·张三');
    expect(wrapper.get('[data-test="monitor-viewers"]').text()).toContain('40 人在线');
    expect(wrapper.get('[data-test="slow-mode"]').text()).toContain('每人每 60 秒一条');

    server().events([{ id: 10, kind: 'answered', at, question_id: 3 }]);
    await flushPromises();
    // Answered questions go below the open ones.
    expect(texts(wrapper, 'question-line')).toEqual(['问题B', '问题A']);
    expect(wrapper.findAll('[data-test="question-line"]')[1]!.text()).toContain('已回答');

    // A join that could not resume starts the list over.
    server().events([say(30, li, '重新连接后')], true);
    await flushPromises();
    expect(texts(wrapper, 'chat-line')).toEqual(['重新连接后']);
    expect(texts(wrapper, 'question-line')).toEqual([]);
  });

  it("sends the host's commands and shows a refusal with the server's message", async () => {
    const { chat, factory, server } = fakeChat();
    const wrapper = mountMonitor(factory, { status: 'live' });
    server().welcome({
      viewers: 1,
      likes: 0,
      pinned: null,
      slow_mode_seconds: 0,
      events: [say(1, zhang, '广告消息'), ask(2, li, '怎么报名？', 3)],
    });
    await flushPromises();

    await wrapper.get('[data-test="line-remove"]').trigger('click');
    expect(chat.remove).toHaveBeenCalledWith(1);
    await wrapper.get('[data-test="line-mute"]').trigger('click');
    expect(chat.mute).toHaveBeenCalledWith(zhang);
    await wrapper.get('[data-test="question-answer"]').trigger('click');
    expect(chat.answer).toHaveBeenCalledWith(2);

    await wrapper.get('[data-test="pin-edit"]').trigger('click');
    await wrapper.get('textarea[data-test="pin-input"]').setValue('  19:30 开始分组讨论 ');
    await wrapper.get('[data-test="pin-save"]').trigger('click');
    await flushPromises();
    expect(chat.pin).toHaveBeenCalledWith('19:30 开始分组讨论');
    expect(wrapper.find('[data-test="pin-input"]').exists()).toBe(false);

    chat.unmute.mockRejectedValueOnce(new Error('只有主持人可以这样做'));
    server().events([{ id: 3, kind: 'muted', at, user: { tenant: 't_power', user_id: 11 } }]);
    await flushPromises();
    await wrapper.get('[data-test="line-mute"]').trigger('click');
    await flushPromises();
    expect(chat.unmute).toHaveBeenCalledWith(zhang);
    expect(document.body.textContent).toContain('只有主持人可以这样做');

    wrapper.unmount();
    expect(chat.close).toHaveBeenCalledOnce();
  });

  it('polls the status slowly as a fallback, and opens no chat for a cancelled lesson', async () => {
    vi.useFakeTimers();
    const { factory } = fakeChat();
    const poll = vi.fn(async () => 'live' as const);
    const wrapper = mountMonitor(factory, { poll, pollMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll).toHaveBeenCalledOnce();
    expect(wrapper.get('[data-test="lesson-status"]').text()).toBe('直播中');
    wrapper.unmount();

    const cancelled = fakeChat();
    const other = mountMonitor(cancelled.factory, { status: 'cancelled' });
    expect(cancelled.factory).not.toHaveBeenCalled();
    expect(other.get('[data-test="monitor-state"]').text()).toContain('已撤销');
  });
});
