import { describe, expect, it } from 'vitest';

import { RENEW_MIN_DELAY_MS, renewalDelay, rewritePlaybackUrl } from './playbackRenewal';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const inSeconds = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();

describe('renewalDelay', () => {
  it('renews a 10-minute URL two minutes before it expires (a fifth of its life)', () => {
    expect(renewalDelay(inSeconds(600), NOW)).toBe(480_000);
  });

  it('keeps at least a minute of lead for short lifetimes', () => {
    expect(renewalDelay(inSeconds(120), NOW)).toBe(60_000);
    expect(renewalDelay(inSeconds(90), NOW)).toBe(30_000);
  });

  it('never fires sooner than the minimum, even for an URL already (nearly) expired', () => {
    expect(renewalDelay(inSeconds(30), NOW)).toBe(RENEW_MIN_DELAY_MS);
    expect(renewalDelay(inSeconds(-60), NOW)).toBe(RENEW_MIN_DELAY_MS);
    expect(renewalDelay('not a date', NOW)).toBe(RENEW_MIN_DELAY_MS);
  });
});

describe('rewritePlaybackUrl', () => {
  const original = 'http://127.0.0.1:8935/hls/tok1/1700000600/t_a-7-abc/index.m3u8';
  const current = 'http://127.0.0.1:8935/hls/tok2/1700001200/t_a-7-abc/index.m3u8';

  it('moves the playlist and its segments under the new token', () => {
    expect(rewritePlaybackUrl(original, original, current)).toBe(current);
    expect(rewritePlaybackUrl('http://127.0.0.1:8935/hls/tok1/1700000600/t_a-7-abc/12.ts', original, current)).toBe(
      'http://127.0.0.1:8935/hls/tok2/1700001200/t_a-7-abc/12.ts',
    );
  });

  it('leaves other URLs and an unchanged playlist alone', () => {
    expect(rewritePlaybackUrl('https://cdn.example/other.ts', original, current)).toBe('https://cdn.example/other.ts');
    expect(rewritePlaybackUrl(`${original}x`, original, original)).toBe(`${original}x`);
  });

  it('carries a query token over to the segments that had it', () => {
    const first = 'https://media.example/hls/lesson/index.m3u8?md5=a&expires=1';
    const next = 'https://media.example/hls/lesson/index.m3u8?md5=b&expires=2';
    expect(rewritePlaybackUrl('https://media.example/hls/lesson/3.ts?md5=a&expires=1', first, next)).toBe(
      'https://media.example/hls/lesson/3.ts?md5=b&expires=2',
    );
    expect(rewritePlaybackUrl('https://media.example/hls/lesson/3.ts', first, next)).toBe(
      'https://media.example/hls/lesson/3.ts',
    );
  });
});
