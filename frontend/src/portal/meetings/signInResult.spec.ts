import { describe, expect, it } from 'vitest';

import { ApiError } from '@/api/errors';

import { signInFailed, signInSucceeded, signInWithoutCode } from './signInResult';

const refusal = (status: number, code: string, message = '…') => new ApiError(status, { code, message, field: null });

describe('the sign-in result page', () => {
  it('says signed in, with the time', () => {
    const outcome = signInSucceeded({ status: 'present', method: 'qr', signed_in_at: '2026-12-07T20:00:00+08:00' });
    expect(outcome).toEqual({
      kind: 'signed_in',
      ok: true,
      title: 'meetingsPortal.signIn.outcome.signed_in',
      detail: '2026-12-07T20:00:00+08:00',
    });
  });

  it('says already signed in on a second scan (the first time kept)', () => {
    const outcome = signInSucceeded({
      status: 'present',
      method: 'card',
      signed_in_at: '2026-12-07T19:58:00+08:00',
      already: true,
    });
    expect(outcome.kind).toBe('already');
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toBe('2026-12-07T19:58:00+08:00');
  });

  it('asks for the newest code when the code is wrong, expired or another meeting’s', () => {
    const outcome = signInFailed(refusal(400, 'meetings.signin_code_invalid', '签到码无效或已过期'));
    expect(outcome).toMatchObject({ kind: 'expired', ok: false, title: 'meetingsPortal.signIn.outcome.expired' });
  });

  it('says the sign-in is closed outside the meeting’s window, with the server’s reason', () => {
    const outcome = signInFailed(
      refusal(400, 'meetings.signin_closed', '签到时间为会议开始前 30 分钟至结束后 30 分钟'),
    );
    expect(outcome).toMatchObject({ kind: 'closed', detail: '签到时间为会议开始前 30 分钟至结束后 30 分钟' });
  });

  it('says not invited for a member outside the meeting (403, 404 or the code)', () => {
    expect(signInFailed(refusal(403, 'permission_denied')).kind).toBe('not_invited');
    expect(signInFailed(refusal(404, 'not_found')).kind).toBe('not_invited');
    expect(signInFailed(refusal(400, 'meetings.not_invited')).kind).toBe('not_invited');
  });

  it('shows the server’s message for any other refusal, and a generic line for a crash', () => {
    expect(signInFailed(refusal(409, 'meetings.cancelled', '会议已取消'))).toMatchObject({
      kind: 'failed',
      detail: '会议已取消',
    });
    expect(signInFailed(new Error('boom'))).toMatchObject({ kind: 'failed', detail: '' });
    expect(signInFailed(refusal(0, 'network', '网络连接失败')).detail).toBe('网络连接失败');
  });

  it('says so when the URL has no code', () => {
    expect(signInWithoutCode().kind).toBe('no_code');
  });
});
