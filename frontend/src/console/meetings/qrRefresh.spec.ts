import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  QR_MAX_DELAY_MS,
  QR_MIN_DELAY_MS,
  QR_RETRY_DELAY_MS,
  QR_SKEW_MS,
  createQrRotator,
  qrExpired,
  qrRefreshDelay,
} from './qrRefresh';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const inMs = (ms: number, from = NOW) => new Date(from + ms).toISOString();

describe('qrRefreshDelay', () => {
  it('asks right after the window of the shown code ends (a new code every 30 s)', () => {
    expect(qrRefreshDelay(inMs(20_000), NOW)).toBe(20_000 + QR_SKEW_MS);
    expect(qrRefreshDelay(inMs(2_000), NOW)).toBe(2_000 + QR_SKEW_MS);
  });

  it('asks at least every 25 s, whatever the expiry', () => {
    expect(qrRefreshDelay(inMs(29_900), NOW)).toBe(QR_MAX_DELAY_MS);
    expect(qrRefreshDelay(inMs(60_000), NOW)).toBe(QR_MAX_DELAY_MS);
  });

  it('never spins: an expired code, a bad date → the minimum delay', () => {
    expect(qrRefreshDelay(inMs(-5_000), NOW)).toBe(QR_MIN_DELAY_MS);
    expect(qrRefreshDelay(inMs(100), NOW)).toBe(QR_MIN_DELAY_MS);
    expect(qrRefreshDelay('soon', NOW)).toBe(QR_MIN_DELAY_MS);
  });
});

describe('qrExpired', () => {
  it('keeps a code usable for one window after its own (as the server accepts it)', () => {
    expect(qrExpired(inMs(0), NOW)).toBe(false);
    expect(qrExpired(inMs(-29_999), NOW)).toBe(false);
    expect(qrExpired(inMs(-30_000), NOW)).toBe(true);
    expect(qrExpired(inMs(-10_000), NOW, 10)).toBe(true);
    expect(qrExpired(null, NOW)).toBe(true);
  });
});

describe('createQrRotator', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it("shows each window's new code as the window turns, asking at least every 25 s, and stops when asked", async () => {
    // The server: 30-second windows; expires_at is the end of the current one.
    const windowEnd = () => Math.floor(Date.now() / 30_000) * 30_000 + 30_000;
    const fetch = vi.fn(async () => ({
      code: `w${Math.floor(Date.now() / 30_000)}`,
      expires_at: new Date(windowEnd()).toISOString(),
    }));
    const shown: { at: number; code: string }[] = [];
    const rotator = createQrRotator({ fetch, onCode: (c) => shown.push({ at: Date.now() - NOW, code: c.code }) });
    await vi.advanceTimersByTimeAsync(5_000); // start 5 s into a window
    await rotator.start();
    await vi.advanceTimersByTimeAsync(120_000);
    rotator.stop();
    const codes = [...new Set(shown.map((s) => s.code))];
    expect(codes).toHaveLength(5); // the window at the start and the four after it
    // Each new code is on screen within a second of its window's start.
    for (const code of codes.slice(1)) {
      const first = shown.find((s) => s.code === code)!;
      expect((first.at + NOW) % 30_000).toBeLessThanOrEqual(QR_SKEW_MS);
    }
    // No gap between two requests is longer than 25 s.
    const gaps = shown.slice(1).map((s, i) => s.at - shown[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(QR_MAX_DELAY_MS);
    const calls = fetch.mock.calls.length;
    await vi.advanceTimersByTimeAsync(100_000);
    expect(fetch).toHaveBeenCalledTimes(calls);
  });

  it('retries a failed request after a few seconds and keeps going', async () => {
    const answers: Array<() => { code: string; expires_at: string }> = [
      () => ({ code: 'a', expires_at: inMs(10_000, Date.now()) }),
      () => {
        throw new Error('offline');
      },
      () => ({ code: 'b', expires_at: inMs(30_000, Date.now()) }),
    ];
    const fetch = vi.fn(async () => answers.shift()!());
    const shown: string[] = [];
    const errors: unknown[] = [];
    const rotator = createQrRotator({ fetch, onCode: (c) => shown.push(c.code), onError: (e) => errors.push(e) });
    await rotator.start();
    await vi.advanceTimersByTimeAsync(10_000 + QR_SKEW_MS);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(QR_RETRY_DELAY_MS);
    expect(shown).toEqual(['a', 'b']);
    rotator.stop();
  });

  it('refresh() fetches at once and reschedules from there', async () => {
    let n = 0;
    const fetch = vi.fn(async () => ({ code: `c${++n}`, expires_at: inMs(60_000, Date.now()) }));
    const rotator = createQrRotator({ fetch, onCode: () => undefined });
    await rotator.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await rotator.refresh();
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(24_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(3);
    rotator.stop();
  });
});
