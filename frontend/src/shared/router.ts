import { createRouter, createWebHistory, type RouteComponent, type RouteRecordRaw, type Router } from 'vue-router';

import { i18n } from '@/i18n';

import { installGuard } from './guard';

/**
 * The router of one app: its `login` page (public), its routes, anything else back to the
 * start, sign-in and role checks, and page titles "<page> · 党建云 · <app>".
 */
export function createAppRouter(options: {
  base: string;
  app: 'group' | 'console' | 'portal';
  login: () => Promise<RouteComponent>;
  routes: RouteRecordRaw[];
}): Router {
  const router = createRouter({
    history: createWebHistory(options.base),
    routes: [
      { path: '/login', name: 'login', component: options.login, meta: { public: true, title: 'login.title' } },
      ...options.routes,
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  });
  const t = i18n.global.t;
  installGuard(router, () => `${t('app.name')} · ${t(`app.${options.app}`)}`, t);
  return router;
}
