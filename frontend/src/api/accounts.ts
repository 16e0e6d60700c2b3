/** Accounts (`partycloud.accounts`): the site, who is signed in, sign-in and sign-out, the password. */
import { api, call, ensureCsrfCookie } from './client';
import type { Body } from './operation';
import type { Me, SiteInfo } from './types';

/** `/site`: the site's name and kind (the schema lacks `locale`: see SiteInfo). */
export async function getSite(): Promise<SiteInfo> {
  return (await call(api.GET('/api/v1/site'))) as SiteInfo;
}

/** `/me` (the schema has `current_tenant` as a free-form object: see Me). */
export async function getMe(): Promise<Me> {
  return (await call(api.GET('/api/v1/me'))) as Me;
}

/** Sign in (after making sure the CSRF cookie exists); answers as `/me`. */
export async function logIn(body: Body<'/api/v1/auth/login'>): Promise<Me> {
  await ensureCsrfCookie();
  return (await call(api.POST('/api/v1/auth/login', { body }))) as Me;
}

export function logOut() {
  return call(api.POST('/api/v1/auth/logout'));
}

export function changePassword(body: Body<'/api/v1/me/password'>) {
  return call(api.POST('/api/v1/me/password', { body }));
}
