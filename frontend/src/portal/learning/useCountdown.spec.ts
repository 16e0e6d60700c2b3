import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';

import { useCountdown } from './useCountdown';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useCountdown', () => {
  it('counts the seconds down and expires once at zero', () => {
    const expired = vi.fn();
    const scope = effectScope();
    const countdown = scope.run(() => useCountdown(expired))!;
    countdown.start(62);
    expect(countdown.left.value).toBe(62);
    expect(countdown.urgent.value).toBe(false);

    vi.advanceTimersByTime(2000);
    expect(countdown.left.value).toBe(60);
    expect(countdown.urgent.value).toBe(true);

    vi.advanceTimersByTime(60_000);
    expect(countdown.left.value).toBe(0);
    expect(expired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(expired).toHaveBeenCalledTimes(1);
    scope.stop();
  });

  it('expires at once when no time is left, and stops with its component', () => {
    const expired = vi.fn();
    const scope = effectScope();
    const countdown = scope.run(() => useCountdown(expired))!;
    countdown.start(0);
    expect(expired).toHaveBeenCalledTimes(1);

    countdown.start(30);
    scope.stop();
    vi.advanceTimersByTime(60_000);
    expect(countdown.left.value).toBe(30);
    expect(expired).toHaveBeenCalledTimes(1);
  });
});
