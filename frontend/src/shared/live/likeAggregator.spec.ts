import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createLikeAggregator } from './likeAggregator';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(options: { intervalMs?: number; maxPerSend?: number } = {}) {
  const sent: number[] = [];
  const likes = createLikeAggregator({ send: (count) => sent.push(count), ...options });
  return { sent, likes };
}

describe('createLikeAggregator', () => {
  it('sends a lone tap at once', () => {
    const { sent, likes } = setup();
    likes.tap();
    expect(sent).toEqual([1]);
    expect(likes.pending()).toBe(0);
  });

  it('sends at most one like per second, with the taps of that second', () => {
    const { sent, likes } = setup();
    likes.tap(); // at once
    for (let i = 0; i < 9; i += 1) {
      vi.advanceTimersByTime(50);
      likes.tap();
    }
    expect(sent).toEqual([1]);
    expect(likes.pending()).toBe(9);
    vi.advanceTimersByTime(549); // 999 ms after the first send
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1, 9]);
    // Tapping on: the next send a second after the previous one.
    likes.tap();
    likes.tap();
    vi.advanceTimersByTime(999);
    expect(sent).toEqual([1, 9]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1, 9, 2]);
    // A quiet second: the next tap goes at once again.
    vi.advanceTimersByTime(5000);
    likes.tap();
    expect(sent).toEqual([1, 9, 2, 1]);
  });

  it('splits more than the server takes per like over the next seconds', () => {
    const { sent, likes } = setup();
    likes.tap(120);
    expect(sent).toEqual([50]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([50, 50]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([50, 50, 20]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([50, 50, 20]);
  });

  it('flushes what is pending when disposed, and ignores later taps', () => {
    const { sent, likes } = setup();
    likes.tap();
    likes.tap();
    likes.tap();
    likes.dispose();
    expect(sent).toEqual([1, 2]);
    likes.tap();
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([1, 2]);
  });
});
