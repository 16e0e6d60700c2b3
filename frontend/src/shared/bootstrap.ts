import { createPinia } from 'pinia';
import { createApp, type Component } from 'vue';
import { START_LOCATION, type Router } from 'vue-router';

import { setUnauthenticatedHandler } from '@/api/client';
import { currentLocale, i18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import '@/styles/base.css';

/** Mount one of the three apps: Pinia, vue-i18n, its router; a lost session goes to its login. */
export function mountApp(root: Component, router: Router): void {
  const app = createApp(root);
  app.use(createPinia());
  app.use(i18n);
  app.use(router);
  document.documentElement.lang = currentLocale();

  const session = useSessionStore();
  setUnauthenticatedHandler((error) => {
    session.forget();
    // During the first navigation the current route is still the start: judge the page being
    // opened instead (a public page, such as the masses' ballot, stays without a session).
    const current =
      router.currentRoute.value === START_LOCATION
        ? router.resolve(router.options.history.location)
        : router.currentRoute.value;
    // An idle session that timed out: the login page says so (SESSION_IDLE_TIMEOUT_MINUTES).
    const expired = error.code === 'accounts.session_expired' ? { expired: '1' } : {};
    if (!current.meta.public) void router.push({ name: 'login', query: { redirect: current.fullPath, ...expired } });
  });
  app.mount('#app');
}
