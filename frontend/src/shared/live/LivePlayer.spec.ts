import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import LivePlayer from './LivePlayer.vue';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const url = (token: string, expires: number) => `http://127.0.0.1:8935/shls/${token}/${expires}/t_a-7-abc/index.m3u8`;
const playback = (token: string, lifeSeconds: number) => {
  const expires = Math.floor(Date.now() / 1000) + lifeSeconds;
  return { url: url(token, expires), expires_at: new Date(expires * 1000).toISOString() };
};

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => vi.useRealTimers());

async function settle(): Promise<void> {
  await vi.dynamicImportSettled();
  await flushPromises();
}

describe('LivePlayer', () => {
  it('renews the signed URL before it expires, again and again, and stops when the lesson ends', async () => {
    const { plugins } = freshApp();
    let issued = 0;
    const renew = vi.fn(async () => playback(`t${(issued += 1)}`, 600));
    const wrapper = mount(LivePlayer, {
      props: { status: 'live', startsAt: new Date(NOW).toISOString(), playback: playback('t0', 600), renew },
      global: { plugins: plugins as never[] },
    });
    await settle();
    expect(wrapper.find('[data-test="live-badge"]').exists()).toBe(true);

    // 10-minute URLs: renewed two minutes before expiry (a fifth of their life).
    await vi.advanceTimersByTimeAsync(479_000);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(renew).toHaveBeenCalledTimes(1);
    await settle();
    expect(wrapper.emitted('renewed')?.[0]?.[0]).toMatchObject({ url: expect.stringContaining('/shls/t1/') });
    await vi.advanceTimersByTimeAsync(480_000);
    expect(renew).toHaveBeenCalledTimes(2);

    await wrapper.setProps({ status: 'ended', playback: null });
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(renew).toHaveBeenCalledTimes(2);
    expect(wrapper.find('[data-test="live-ended"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('tries again soon when a renewal fails', async () => {
    const { plugins } = freshApp();
    const renew = vi.fn().mockRejectedValueOnce(new Error('network')).mockResolvedValue(playback('t2', 600));
    const wrapper = mount(LivePlayer, {
      props: { status: 'live', startsAt: new Date(NOW).toISOString(), playback: playback('t0', 120), renew },
      global: { plugins: plugins as never[] },
    });
    await settle();
    await vi.advanceTimersByTimeAsync(60_000); // a minute before expiry
    expect(renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000); // the retry
    expect(renew).toHaveBeenCalledTimes(2);
    wrapper.unmount();
  });

  it('counts down to the start, then says it is about to start', async () => {
    const { plugins } = freshApp();
    const wrapper = mount(LivePlayer, {
      props: {
        status: 'scheduled',
        startsAt: new Date(NOW + 3_725_000).toISOString(),
        playback: null,
        renew: vi.fn(),
        viewers: 12,
      },
      global: { plugins: plugins as never[] },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.find('[data-test="live-countdown"]').text()).toBe('01:02:04');
    expect(wrapper.text()).toContain('12 人在等待');
    await vi.advanceTimersByTimeAsync(3_725_000);
    expect(wrapper.find('[data-test="live-soon"]').exists()).toBe(true);
    wrapper.unmount();
  });
});
