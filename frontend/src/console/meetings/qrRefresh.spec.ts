import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  QR_LEAD_MS,
  QR_MAX_DELAY_MS,
  QR_MIN_DELAY_MS,
  QR_RETRY_DELAY_MS,
  createQrRotator,
  qrExpired,
  qrRefreshDelay,
} from './qrRefresh';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const inMs = (ms: number, from = NOW) => new Date(from + ms).toISOString();

describe('qrRefreshDelay', () => {
  it('refreshes every 25 s while the code lives longer (valid for its window and the next)', () => {
    expect(qrRefreshDelay(inMs(60_000), NOW)).toBe(QR_MAX_DELAY_MS);
    expect(qrRefreshDelay(inMs(28_000), NOW)).toBe(QR_MAX_DELAY_MS);
  });

  it('asks a few seconds before the expiry when that is sooner than 25 s', () => {
    expect(qrRefreshDelay(inMs(20_000), NOW)).toBe(20_000 - QR_LEAD_MS);
    expect(qrRefreshDelay(inMs(QR_LEAD_MS + QR_MIN_DELAY_MS), NOW)).toBe(QR_MIN_DELAY_MS);
  });

  it('waits past the expiry for a code inside its lead, so the next request gets the next window', () => {
    expect(qrRefreshDelay(inMs(2_000), NOW)).toBe(2_500);
    expect(qrRefreshDelay(inMs(100), NOW)).toBe(QR_MIN_DELAY_MS);
  });

  it('never spins: an expired code, a bad date → the minimum delay', () => {
    expect(qrRefreshDelay(inMs(-5_000), NOW)).toBe(QR_MIN_DELAY_MS);
    expect(qrRefreshDelay('soon', NOW)).toBe(QR_MIN_DELAY_MS);
  });
});

describe('qrExpired', () => {
  it('is true at and after the expiry, or without one', () => {
    expect(qrExpired(inMs(1), NOW)).toBe(false);
    expect(qrExpired(inMs(0), NOW)).toBe(true);
    expect(qrExpired(null, NOW)).toBe(true);
  });
});

describe('createQrRotator', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('shows a new code every 25 s (the server gives each code 60 s) and stops when asked', async () => {
    let n = 0;
    const fetch = vi.fn(async () => ({ code: `c${++n}`, expires_at: inMs(60_000, Date.now()) }));
    const shown: string[] = [];
    const rotator = createQrRotator({ fetch, onCode: (c) => shown.push(c.code) });
    await rotator.start();
    expect(shown).toEqual(['c1']);
    await vi.advanceTimersByTimeAsync(24_999);
    expect(shown).toEqual(['c1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(shown).toEqual(['c1', 'c2']);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(shown).toEqual(['c1', 'c2', 'c3']);
    rotator.stop();
    await vi.advanceTimersByTimeAsync(100_000);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('follows an earlier expiry and retries after a failure, keeping going', async () => {
    const answers: Array<() => { code: string; expires_at: string }> = [
      () => ({ code: 'a', expires_at: inMs(10_000, Date.now()) }),
      () => {
        throw new Error('offline');
      },
      () => ({ code: 'b', expires_at: inMs(60_000, Date.now()) }),
    ];
    const fetch = vi.fn(async () => answers.shift()!());
    const shown: string[] = [];
    const errors: unknown[] = [];
    const rotator = createQrRotator({ fetch, onCode: (c) => shown.push(c.code), onError: (e) => errors.push(e) });
    await rotator.start();
    await vi.advanceTimersByTimeAsync(10_000 - QR_LEAD_MS);
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
