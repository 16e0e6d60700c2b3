import { describe, expect, it } from 'vitest';

import { i18n } from '@/i18n';

import { videoProblem } from './videoCheck';

const limits = { micro_video_max_seconds: 180, micro_video_max_bytes: 10 * 1024 * 1024, video_types: ['video/mp4'] };

describe('videoProblem', () => {
  it('accepts a short small mp4', () => {
    expect(videoProblem({ size: 1024, type: 'video/mp4' }, 30, limits)).toBeNull();
  });

  it('says which limit is passed, in the UI language', () => {
    i18n.global.locale.value = 'zh-CN';
    expect(videoProblem({ size: 1024, type: 'image/png' }, 30, limits)).toContain('不支持');
    expect(videoProblem({ size: 20 * 1024 * 1024, type: 'video/mp4' }, 30, limits)).toContain('视频过大');
    i18n.global.locale.value = 'en';
    expect(videoProblem({ size: 1024, type: 'video/mp4' }, 200, limits)).toContain('Too long');
    i18n.global.locale.value = 'zh-CN';
  });

  it('lets an unknown length through (the server probes it)', () => {
    expect(videoProblem({ size: 1024, type: 'video/mp4' }, null, limits)).toBeNull();
  });
});
