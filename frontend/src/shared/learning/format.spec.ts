import { describe, expect, it } from 'vitest';

import { formatBytes, formatDuration } from '@/shared/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [1023.6 * 1024, '1 MB'],
    [23.4 * 1024 * 1024, '23 MB'],
    [1.25 * 1024 ** 3, '1.3 GB'],
    [5 * 1024 ** 4, '5 TB'],
    [-1, '0 B'],
    [Number.NaN, '0 B'],
  ])('%s bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [5.9, '0:05'],
    [65, '1:05'],
    [754, '12:34'],
    [3723, '1:02:03'],
    [36000, '10:00:00'],
    [-3, '0:00'],
    [Number.POSITIVE_INFINITY, '0:00'],
    [Number.NaN, '0:00'],
  ])('%s seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
