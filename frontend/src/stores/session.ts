import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

import { getMe, getSite, isChallenge, logIn, logOut } from '@/api/accounts';
import { ApiError } from '@/api/errors';
import type { Me, MfaChallenge, SiteInfo, TenantCapability, TenantRole } from '@/api/types';
import { adoptSiteLocale } from '@/i18n';

/** Who is signed in (from `/me`) and where we are (from `/site`). Shared by the three apps. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const site = ref<SiteInfo | null>(null);
  const restored = ref(false);

  const groupRoles = computed(() => me.value?.group_roles ?? []);
  const tenantRoles = computed<TenantRole[]>(() => me.value?.current_tenant?.roles ?? []);
  const capabilities = computed<TenantCapability[]>(() => me.value?.current_tenant?.capabilities ?? []);
  const isGroupAdmin = computed(() => groupRoles.value.includes('group_admin'));
  const isGroupStaff = computed(() => isGroupAdmin.value || groupRoles.value.includes('group_viewer'));

  function hasTenantRole(...roles: TenantRole[]): boolean {
    return roles.some((role) => tenantRoles.value.includes(role));
  }

  /** Whether the caller's roles here open a console page (the menu and the route guard ask this). */
  function can(capability: TenantCapability): boolean {
    return capabilities.value.includes(capability);
  }

  /** The login page's title; failures leave it empty (the page still works). */
  async function loadSite(): Promise<SiteInfo | null> {
    if (site.value) return site.value;
    try {
      site.value = await getSite();
      adoptSiteLocale(site.value.locale);
    } catch {
      site.value = null;
    }
    return site.value;
  }

  /** Pick up an existing session once per page load. */
  async function restore(): Promise<Me | null> {
    if (restored.value) return me.value;
    try {
      me.value = await getMe();
    } catch (error) {
      if (!(error instanceof ApiError && error.isUnauthenticated)) throw error;
      me.value = null;
    }
    restored.value = true;
    return me.value;
  }

  /** The password step: signed in, or a challenge for the second step (then `signedIn` ends it). */
  async function login(identifier: string, password: string): Promise<Me | MfaChallenge> {
    const answer = await logIn({ identifier, password });
    if (isChallenge(answer)) return answer;
    signedIn(answer);
    return answer;
  }

  /** A sign-in completed (after the password alone, or after the code or the enrolment). */
  function signedIn(user: Me): void {
    me.value = user;
    restored.value = true;
  }

  async function refresh(): Promise<void> {
    me.value = await getMe();
  }

  async function logout(): Promise<void> {
    try {
      await logOut();
    } finally {
      forget();
    }
  }

  /** The session is gone (logout, or a 401 from any call). */
  function forget(): void {
    me.value = null;
    restored.value = true;
  }

  return {
    me,
    site,
    restored,
    groupRoles,
    tenantRoles,
    isGroupAdmin,
    isGroupStaff,
    hasTenantRole,
    capabilities,
    can,
    loadSite,
    restore,
    login,
    signedIn,
    refresh,
    logout,
    forget,
  };
});
