/**
 * What the sign-in page shows after `POST /meetings/{id}/sign-in`: a success (now, or earlier —
 * the first time is kept), or why not, each with a Chinese line the member can act on.
 */
import type { SignInResult } from '@/api/meetingsPortal';
import { ApiError } from '@/api/errors';

export type SignInOutcomeKind = 'signed_in' | 'already' | 'expired' | 'closed' | 'not_invited' | 'no_code' | 'failed';

export interface SignInOutcome {
  kind: SignInOutcomeKind;
  /** A success (green tick) or not (a warning). */
  ok: boolean;
  /** i18n key under meetingsPortal.signIn.outcome. */
  title: string;
  /** The server's time of the sign-in (success), or its message (an unexpected refusal). */
  detail: string;
}

// Codes of tenants.meetings.errors for a refused scan.
const EXPIRED = new Set(['meetings.signin_code_invalid']);
const CLOSED = new Set(['meetings.signin_closed']);
const NOT_INVITED = new Set(['meetings.not_invited', 'meetings.not_invitee', 'meetings.signin_not_invited']);

export function signInSucceeded(result: SignInResult): SignInOutcome {
  const kind = result.already ? 'already' : 'signed_in';
  return { kind, ok: true, title: `meetingsPortal.signIn.outcome.${kind}`, detail: result.signed_in_at ?? '' };
}

export function signInFailed(error: unknown): SignInOutcome {
  const outcome = (kind: SignInOutcomeKind, detail = ''): SignInOutcome => ({
    kind,
    ok: false,
    title: `meetingsPortal.signIn.outcome.${kind}`,
    detail,
  });
  if (!(error instanceof ApiError)) return outcome('failed');
  if (EXPIRED.has(error.code)) return outcome('expired');
  if (CLOSED.has(error.code)) return outcome('closed', error.message);
  // Not an invitee, nor a member of the meeting's organization: the meeting is not shown to them either.
  if (NOT_INVITED.has(error.code) || error.status === 403 || error.status === 404) return outcome('not_invited');
  return outcome('failed', error.message);
}

/** A scanned URL without a code (cut short): nothing to send. */
export function signInWithoutCode(): SignInOutcome {
  return { kind: 'no_code', ok: false, title: 'meetingsPortal.signIn.outcome.no_code', detail: '' };
}
