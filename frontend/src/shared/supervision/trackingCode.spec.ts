import { describe, expect, it } from 'vitest';

import { groupTrackingCode, isTrackingCode, normalizeTrackingCode, trackingCodeFromHash } from './trackingCode';

describe('the reporter’s tracking code', () => {
  it('is normalized from what people type', () => {
    expect(normalizeTrackingCode(' k7qx-m2pa 9rtw hb3c ')).toBe('K7QXM2PA9RTWHB3C');
    expect(isTrackingCode('K7QXM2PA9RTWHB3C')).toBe(true);
    expect(isTrackingCode('K7QXM2PA')).toBe(false);
    expect(isTrackingCode('K7QX<M2PA9RTWHB3C')).toBe(false);
  });

  it('is grouped by four for writing down', () => {
    expect(groupTrackingCode('k7qxm2pa9rtwhb3c')).toBe('K7QX-M2PA-9RTW-HB3C');
    expect(groupTrackingCode('K7QX-M2PA-9RTW-HB3C', ' ')).toBe('K7QX M2PA 9RTW HB3C');
  });

  it('is read from a link’s fragment in either form, never from junk', () => {
    expect(trackingCodeFromHash('#K7QX-M2PA-9RTW-HB3C')).toBe('K7QXM2PA9RTWHB3C');
    expect(trackingCodeFromHash('#code=k7qxm2pa9rtwhb3c')).toBe('K7QXM2PA9RTWHB3C');
    expect(trackingCodeFromHash('')).toBe('');
    expect(trackingCodeFromHash('#%E0%A4%A')).toBe('');
    expect(trackingCodeFromHash('#<script>')).toBe('');
  });
});
