import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import CommentsPanel from './CommentsPanel.vue';

// Vant's style entries are plain CSS, which Node cannot import.
vi.mock('vant/es/toast/style', () => ({}));
vi.mock('vant/es/dialog/style', () => ({}));

afterEach(() => vi.unstubAllGlobals());

const person = (id: number, name: string) => ({ id, name });
function comment(id: number, body: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    target_type: 'post',
    target_id: 7,
    parent: null,
    reply_to: null,
    author: person(2, '褚建国'),
    author_unit: '',
    body,
    mentions: [],
    status: 'visible',
    moderation_note: '',
    like_count: 0,
    report_count: 0,
    created_at: new Date().toISOString(),
    mine: false,
    can_delete: false,
    can_moderate: false,
    reported: false,
    replies: [],
    ...extra,
  };
}
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

describe('CommentsPanel', () => {
  it('lists comments with replies and sends mine, which waits for review', async () => {
    const calls = fakeFetch((call) => {
      if (call.method === 'POST')
        return [
          201,
          comment(9, (call.body as { body: string }).body, {
            mine: true,
            status: 'pending',
            author: person(1, '冯晓明'),
          }),
        ];
      return [
        200,
        page([comment(3, '拍得真好', { replies: [comment(4, '谢谢', { parent: 3, reply_to: person(2, '褚建国') })] })]),
      ];
    });
    const { plugins } = freshApp();
    const wrapper = mount(CommentsPanel, {
      props: { target: { type: 'post', id: 7, scope: 'group' }, count: 2 },
      global: { plugins: plugins as never[] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(calls[0]?.url).toBe(
      '/api/v1/exchange/comments?target_type=post&target_id=7&scope=group&page=1&page_size=20',
    );
    expect(wrapper.findAll('[data-test="comment-body"]').map((node) => node.text())).toEqual(['拍得真好', '谢谢']);
    expect(wrapper.find('[data-test="mention"]').exists()).toBe(true);

    await wrapper.find('[data-test="comment-input"] textarea').setValue('向你们学习');
    await wrapper.find('[data-test="comment-send"]').trigger('click');
    await flushPromises();
    const sent = calls.find((call) => call.method === 'POST');
    expect(sent?.url).toBe('/api/v1/exchange/comments?scope=group');
    expect(sent?.body).toEqual({ target_type: 'post', target_id: 7, body: '向你们学习', parent: null, mentions: [] });
    expect(wrapper.find('[data-test="comment-pending"]').text()).toBe('待审核');
    expect(wrapper.emitted('changed')).toBeUndefined(); // a pending comment is not counted yet
    wrapper.unmount();
  });
});
