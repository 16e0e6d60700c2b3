import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp } from '../../../tests/unit/helpers';

import CardSignInPanel from './CardSignInPanel.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const ATTENDEE = {
  id: 5,
  name: '张三',
  is_guest: false,
  has_vote: true,
  status: 'present',
  absence_reason: '',
  leave_reason: '',
  method: 'card',
  signed_in_at: '2026-12-07T10:01:00+08:00',
};

function setup() {
  const calls = fakeFetch((call) => {
    const card = (call.body as { card_number: string }).card_number;
    if (card === '0012345678') return [200, { attendee: ATTENDEE, name: '张三', already: false }];
    if (card === '0099') return [200, { attendee: ATTENDEE, name: '张三', already: true }];
    if (card === '4444555566')
      return [400, { code: 'meetings.card_not_member', message: '该卡持有人不是本组织党员', field: 'card_number' }];
    return [404, { code: 'meetings.card_unknown', message: '未知的员工卡', field: 'card_number' }];
  });
  const { plugins } = freshApp();
  const wrapper = mount(CardSignInPanel, {
    props: { meetingId: 7 },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  return { calls, wrapper };
}

async function swipe(wrapper: ReturnType<typeof mount>, text: string): Promise<void> {
  const input = wrapper.get('[data-test="card-input"]');
  await input.setValue(text);
  await input.trigger('keydown', { key: 'Enter' });
  await flushPromises();
}

describe('card sign-in panel', () => {
  it('signs a card in on Enter, shows the name, clears the input and keeps the focus', async () => {
    const { calls, wrapper } = setup();
    await flushPromises();
    const input = wrapper.get('[data-test="card-input"]').element as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    await swipe(wrapper, '0012 3456 78');
    expect(calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/api/v1/meetings/7/card-sign-in',
        body: { card_number: '0012345678' },
      }),
    ]);
    expect(wrapper.get('[data-test="card-result"]').text()).toBe('张三 签到成功');
    expect(input.value).toBe('');
    expect(document.activeElement).toBe(input);
    expect(wrapper.emitted('signed')).toHaveLength(1);
  });

  it("shows the server's refusal for an unknown card and for a holder who is not a member", async () => {
    const { wrapper } = setup();
    await swipe(wrapper, '7777888899');
    await swipe(wrapper, '4444555566');
    const results = wrapper.findAll('[data-test="card-result"]');
    expect(results.map((r) => r.attributes('data-code'))).toEqual([
      'meetings.card_not_member',
      'meetings.card_unknown',
    ]);
    expect(results[0]!.text()).toContain('该卡持有人不是本组织党员');
    expect(results[1]!.text()).toContain('7777888899：未知的员工卡');
    expect(wrapper.emitted('signed')).toBeUndefined();
  });

  it('says so when the holder had signed in already, and refuses junk without a call', async () => {
    const { calls, wrapper } = setup();
    await swipe(wrapper, '0099');
    await swipe(wrapper, '1#');
    const results = wrapper.findAll('[data-test="card-result"]').map((r) => r.text());
    expect(results).toEqual(['「1#」不是有效的卡号', '张三 已签到过']);
    expect(calls).toHaveLength(1);
  });
});
