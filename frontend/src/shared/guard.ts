import type { Router } from 'vue-router';

import { useSessionStore } from '@/stores/session';

type Session = ReturnType<typeof useSessionStore>;

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in (the login page). */
    public?: boolean;
    /** Who may open the page once signed in; others see the "no access" page. */
    allow?: (session: Session) => boolean;
    /** The i18n key of the page title (document.title). */
    title?: string;
  }
}

/**
 * Sign-in and role checks for every route: anonymous users go to `login` (and come back
 * afterwards via `?redirect=`); signed-in users without the role go to `forbidden`.
 */
export function installGuard(router: Router, appTitle: () => string, translate: (key: string) => string): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    try {
      await session.restore();
    } catch {
      // Network or server trouble: the login page says so when it is used.
    }
    if (to.meta.public) {
      return to.name === 'login' && session.me ? { path: '/' } : true;
    }
    if (!session.me) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (to.meta.allow && !to.meta.allow(session)) return { name: 'forbidden' };
    return true;
  });
  router.afterEach((to) => {
    const page = to.meta.title ? translate(to.meta.title) : '';
    document.title = page ? `${page} · ${appTitle()}` : appTitle();
  });
}
