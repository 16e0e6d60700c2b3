/** Accounts (`partycloud.accounts`): the site, who is signed in, sign-in and sign-out, the password, two-factor sign-in. */
import { api, call, ensureCsrfCookie } from './client';
import type { Body } from './operation';
import type { Me, MeWithRecoveryCodes, MfaChallenge, MfaStatus, SiteInfo, TotpEnrolment } from './types';

/** `/site`: the site's name and kind (the schema lacks `locale`: see SiteInfo). */
export async function getSite(): Promise<SiteInfo> {
  return (await call(api.GET('/api/v1/site'))) as SiteInfo;
}

/** `/me` (the schema has `current_tenant` as a free-form object: see Me). */
export async function getMe(): Promise<Me> {
  return (await call(api.GET('/api/v1/me'))) as Me;
}

export function isChallenge(answer: Me | MfaChallenge): answer is MfaChallenge {
  return 'challenge' in answer;
}

/**
 * Sign in (after making sure the CSRF cookie exists): answers as `/me`, or with a challenge
 * when two-factor sign-in needs a code or an enrolment first.
 */
export async function logIn(body: Body<'/api/v1/auth/login'>): Promise<Me | MfaChallenge> {
  await ensureCsrfCookie();
  return (await call(api.POST('/api/v1/auth/login', { body }))) as Me | MfaChallenge;
}

/** The second step: the authenticator's code (or a recovery code) completes the sign-in. */
export async function logInWithCode(body: Body<'/api/v1/auth/login/code'>): Promise<Me> {
  return (await call(api.POST('/api/v1/auth/login/code', { body }))) as Me;
}

/** A sign-in whose roles require two-factor sign-in, not set up yet: a new authenticator secret. */
export function startSignInEnrolment(challenge: string): Promise<TotpEnrolment> {
  return call(api.POST('/api/v1/auth/mfa/enrolment', { body: { challenge } }));
}

/** The first code confirms the authenticator and completes the sign-in; the recovery codes come once. */
export async function logInWithEnrolment(body: Body<'/api/v1/auth/login/enrol'>): Promise<MeWithRecoveryCodes> {
  return (await call(api.POST('/api/v1/auth/login/enrol', { body }))) as MeWithRecoveryCodes;
}

export function logOut() {
  return call(api.POST('/api/v1/auth/logout'));
}

export function changePassword(body: Body<'/api/v1/me/password'>) {
  return call(api.POST('/api/v1/me/password', { body }));
}

// ---------------------------------------------------------------- two-factor sign-in from the profile

export function getMyMfa(): Promise<MfaStatus> {
  return call(api.GET('/api/v1/me/mfa'));
}

export function startMyEnrolment(): Promise<TotpEnrolment> {
  return call(api.POST('/api/v1/me/mfa/enrolment'));
}

export function confirmMyEnrolment(code: string) {
  return call(api.POST('/api/v1/me/mfa/confirm', { body: { code } }));
}

export function disableMyMfa(code: string) {
  return call(api.POST('/api/v1/me/mfa/disable', { body: { code } }));
}

export function regenerateRecoveryCodes(code: string) {
  return call(api.POST('/api/v1/me/mfa/recovery-codes', { body: { code } }));
}

/** A group admin removes a user's authenticator (a lost phone): their next sign-in enrols again. */
export function resetUserMfa(identifier: string) {
  return call(api.POST('/api/v1/group/mfa-reset', { body: { identifier } }));
}
